/**
 * The evidence a gated promotion hands the policy pack, read from the upstream stack (staging)
 * itself and measured from git: which release staging runs (its history), what it runs (its
 * checkpoint), and which release is being deployed. Nothing here comes from the program.
 */
import {
    comparedResourcesOf,
    engineOnlyOptionsOf,
    EVIDENCE_FORMAT,
    PromotionEvidence,
    ReleaseIdentity,
    StagingStateEvidence,
    stateChangesUntilRelease,
} from "../../../policy-pack/src/contract";
import { readCheckpoint, readHistory, deployedEnvironmentValues, environmentValues, StackSource } from "../stacks";

export interface GateEvidence {
    promotion: PromotionEvidence;
    stagingState: StagingStateEvidence;
    /** Staging's resource options no policy sees (engine-only-options.ts), compared by promote itself. */
    stagingOptions: ReturnType<typeof engineOnlyOptionsOf>;
    /** Seconds spent reading staging's history and state. */
    seconds: number;
}

export interface EvidenceRequest {
    /** Fully qualified target and upstream stacks. */
    target: string;
    upstream: string;
    /** The environment names of both (their stack files hold the environment-specific values). */
    environments: { target: string; upstream: string };
    candidate: ReleaseIdentity;
}

export async function readGateEvidence(source: StackSource, request: EvidenceRequest): Promise<GateEvidence> {
    const started = Date.now();
    const exists = await source.exists(request.upstream);
    const history = exists ? await readHistory(source, request.upstream, (entries) => stateChangesUntilRelease(entries).done) : [];
    const checkpoint = exists ? await readCheckpoint(source, request.upstream) : [];
    return {
        promotion: {
            format: EVIDENCE_FORMAT,
            targetStack: request.target,
            stagingStack: request.upstream,
            candidate: request.candidate,
            candidateDirectory: source.checkout,
            stagingChanges: stateChangesUntilRelease(history).changes,
            stagingResourceCount: checkpoint.length,
        },
        stagingState: {
            environments: {
                staging: exists
                    ? await deployedEnvironmentValues(source, request.environments.upstream, request.upstream)
                    : environmentValues(source.checkout, request.environments.upstream),
                prod: await deployedEnvironmentValues(source, request.environments.target, request.target),
            },
            resources: comparedResourcesOf(checkpoint),
        },
        stagingOptions: engineOnlyOptionsOf(checkpoint),
        seconds: (Date.now() - started) / 1000,
    };
}

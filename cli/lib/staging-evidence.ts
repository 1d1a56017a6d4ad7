/**
 * The evidence a gated promotion hands the policy pack, read from the upstream stack (staging)
 * itself and measured from git: which release staging runs (its history), what it runs (its
 * checkpoint), and which release is being deployed. Nothing here comes from the program.
 */
import { comparedResourcesOf } from "../../policy-pack/src/contract/desired-state/checkpoint";
import { EVIDENCE_FORMAT, PromotionEvidence, StagingStateEvidence } from "../../policy-pack/src/contract/promotion-evidence";
import { ReleaseIdentity } from "../../policy-pack/src/contract/release-identity";
import { stateChangesUntilRelease } from "../../policy-pack/src/contract/stack-history";
import { readCheckpoint, readHistory } from "./stack-reading";
import { environmentValues } from "./stack-file-config";
import { StackSource } from "./stacks";

export interface GateEvidence {
    promotion: PromotionEvidence;
    stagingState: StagingStateEvidence;
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
                staging: environmentValues(source.checkout, request.environments.upstream),
                prod: environmentValues(source.checkout, request.environments.target),
            },
            resources: comparedResourcesOf(checkpoint),
        },
        seconds: (Date.now() - started) / 1000,
    };
}

/**
 * The evidence a gated promotion hands the policy pack, read from the upstream stack (staging)
 * itself and measured from git: which release staging runs (its history), what it runs (its
 * checkpoint), and which release is being deployed. Nothing here comes from the program.
 */
import {
    comparedResourcesOf,
    engineOnlyOptionsOf,
    ENVIRONMENT_SPECIFIC_CONFIG,
    EnvironmentValues,
    EVIDENCE_FORMAT,
    PromotionEvidence,
    ReleaseIdentity,
    secretValue,
    StagingStateEvidence,
    stateChangesUntilRelease,
} from "../../policy-pack/src/contract";
import { UsageError } from "./args";
import { readCheckpoint, readHistory } from "./stack-reading";
import { environmentValues } from "./stack-file-config";
import { StackSource } from "./stacks";

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

/** A stack's values of the environment-specific keys: its stack file's in the checkout, and its secrets' digests. */
export async function deployedEnvironmentValues(source: StackSource, environment: string, stack: string): Promise<EnvironmentValues> {
    return { ...environmentValues(source.checkout, environment), ...(await secretEnvironmentValues(source, stack)) };
}

/**
 * The environment-specific keys a stack holds as secrets (an on-call endpoint), as digests: parity
 * sets a secret equal to one aside like any environment-specific value. Decrypted here only, to
 * digest it and check its shape; the value itself goes nowhere.
 */
async function secretEnvironmentValues(source: StackSource, stack: string): Promise<EnvironmentValues> {
    const config = JSON.parse(await source.pulumi(["config", "--json", "--stack", stack])) as Record<string, { secret?: boolean }>;
    const values: Record<string, ReturnType<typeof secretValue>> = {};
    for (const [key, { shape }] of Object.entries(ENVIRONMENT_SPECIFIC_CONFIG).filter(([key]) => config[`atlas:${key}`]?.secret === true)) {
        const plain = await decrypted(source, stack, key);
        if (shape && !shape.pattern.test(plain)) {
            throw new UsageError(
                `${stack}'s secret atlas:${key} is not ${shape.description}; parity sets it aside only in that shape: pulumi config set --stack ${stack} --secret atlas:${key} <value>`,
            );
        }
        values[key] = secretValue(plain);
    }
    return values;
}

async function decrypted(source: StackSource, stack: string, key: string): Promise<string> {
    try {
        return (await source.pulumi(["config", "get", `atlas:${key}`, "--stack", stack])).replace(/\n$/, "");
    } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split("\n").find((line) => line.includes("error")) ?? "";
        throw new Error(
            `could not decrypt ${stack}'s secret atlas:${key} to set it aside in parity (${reason.trim()}); give the deploy role kms:Decrypt on ${stack}'s secrets key and promote again`,
        );
    }
}

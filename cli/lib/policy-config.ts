/**
 * Builds the policy config `promote` hands to the pack: the upstream stack's facts as read
 * from that stack itself (outputs and history), never from the target's program.
 */
import { AtlasPolicyPackConfig, buildPromotionConfig, StagingEvidence, UpdateResult, withPolicyFields } from "../../policy-pack/src/config";
import { parseReleaseFacts } from "../../policy-pack/src/contract/release-facts";
import { StackFacts } from "./stack-facts";
import { EnvironmentFacts } from "./stack-file-config";

export interface PolicyConfigRequest {
    /** The target stack, fully qualified. */
    target: string;
    upstream: StackFacts | null;
    /** What the stack files say about every environment. */
    environments: EnvironmentFacts;
    /** Per-policy overrides, e.g. enforcement levels for pull-request checks. */
    overrides?: Record<string, unknown>;
}

export interface PolicyConfigPlan {
    config: Record<string, unknown>;
    /** Why no upstream evidence is passed, when there is an upstream but its facts are unusable. */
    evidenceWithheld: string | null;
}

export function policyConfigFor(request: PolicyConfigRequest): PolicyConfigPlan {
    const base = withEnvironments(request.overrides ?? {}, request.environments);
    if (!request.upstream) {
        return { config: base, evidenceWithheld: null };
    }
    const evidence = evidenceFrom(request.target, request.upstream);
    if (typeof evidence === "string") {
        // The pack refuses a prod update without evidence; say here why there is none.
        return { config: base, evidenceWithheld: evidence };
    }
    return { config: buildPromotionConfig(evidence, base as AtlasPolicyPackConfig) as Record<string, unknown>, evidenceWithheld: null };
}

/** Adds what the stack files say to the guardrails' blocks, keeping any level override. */
function withEnvironments(overrides: Record<string, unknown>, environments: EnvironmentFacts): Record<string, unknown> {
    let config = withPolicyFields(overrides, "no-cross-environment-references", { environments: environments.addresses });
    config = withPolicyFields(config, "no-developer-access", { developerPrincipals: environments.developerPrincipals });
    return withPolicyFields(config, "consumer-access-prod-only", { consumerPrincipals: environments.consumerPrincipals });
}

function evidenceFrom(target: string, upstream: StackFacts): StagingEvidence | string {
    if (upstream.releaseIsSecret) {
        return `${upstream.stack}'s \`release\` output is marked secret; release facts must be plain outputs`;
    }
    const release = parseReleaseFacts(upstream.release, `${upstream.stack}'s \`release\` output`);
    if (!release.ok) {
        return release.problems.join("; ");
    }
    if (!upstream.lastUpdate) {
        return `${upstream.stack} has never been updated`;
    }
    return {
        targetStack: target,
        stagingStack: upstream.stack,
        stagingRelease: release.value,
        stagingLastUpdate: {
            result: asUpdateResult(upstream.lastUpdate.result),
            updateVersion: upstream.lastUpdate.updateVersion,
            // A successful update's release is the one in the output; a failed one's is in its message.
            releaseVersion: upstream.lastUpdate.version ?? (upstream.lastUpdate.result === "succeeded" ? release.value.version : "unknown"),
        },
    };
}

function asUpdateResult(result: string): UpdateResult {
    return result === "succeeded" || result === "in-progress" ? result : "failed";
}

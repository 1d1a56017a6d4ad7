/**
 * Builds the policy config `promote` hands to the pack: the upstream stack's facts as read
 * from that stack itself (outputs and history), never from the target's program.
 */
import { buildPromotionConfig, StagingEvidence, UpdateResult } from "../../policy-pack/src/config";
import { parseReleaseFacts } from "../../policy-pack/src/contract/release-facts";
import { StackFacts } from "./stack-facts";

export interface PolicyConfigRequest {
    /** The target stack, fully qualified. */
    target: string;
    upstream: StackFacts | null;
    /** Per-policy overrides, e.g. enforcement levels for pull-request checks. */
    overrides?: Record<string, unknown>;
}

export interface PolicyConfigPlan {
    config: Record<string, unknown> | undefined;
    /** Why no upstream evidence is passed, when there is an upstream but its facts are unusable. */
    evidenceWithheld: string | null;
}

export function policyConfigFor(request: PolicyConfigRequest): PolicyConfigPlan {
    const overrides = request.overrides ?? {};
    if (!request.upstream) {
        return { config: Object.keys(overrides).length ? overrides : undefined, evidenceWithheld: null };
    }
    const evidence = evidenceFrom(request.target, request.upstream);
    if (typeof evidence === "string") {
        // The pack refuses a prod update without evidence; say here why there is none.
        return { config: Object.keys(overrides).length ? overrides : undefined, evidenceWithheld: evidence };
    }
    return { config: buildPromotionConfig(evidence, overrides) as Record<string, unknown>, evidenceWithheld: null };
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

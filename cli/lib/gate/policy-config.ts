/**
 * Builds the policy config `promote` hands to the pack: every environment's identity from the
 * stack files (for the guardrails), and for a gated promotion the evidence read from the upstream
 * stack itself and measured from git (never from the target's program).
 */
import { AtlasPolicyPackConfig, buildPromotionConfig, PromotionEvidence, StagingStateEvidence, withPolicyFields } from "../../../policy-pack/src/contract";
import { EnvironmentFacts } from "../stacks";

export interface PolicyConfigRequest {
    /** What the stack files say about every environment. */
    environments: EnvironmentFacts;
    /** The gate's evidence, for a gated promotion. */
    evidence?: { promotion: PromotionEvidence; stagingState: StagingStateEvidence };
    /** Per-policy overrides, e.g. enforcement levels for pull-request checks. */
    overrides?: Record<string, unknown>;
}

export function policyConfigFor(request: PolicyConfigRequest): Record<string, unknown> {
    let config = withPolicyFields(request.overrides ?? {}, "no-cross-environment-references", { environments: request.environments.addresses });
    config = withPolicyFields(config, "no-developer-access", { developerPrincipals: request.environments.developerPrincipals });
    config = withPolicyFields(config, "consumer-access-prod-only", { consumerPrincipals: request.environments.consumerPrincipals });
    const { evidence } = request;
    return evidence ? (buildPromotionConfig(evidence.promotion, evidence.stagingState, config as AtlasPolicyPackConfig) as Record<string, unknown>) : config;
}

/**
 * The pack's policy config as the release tooling builds it: the document's shape, which policies
 * read the promotion evidence, and the builders `promote` uses. No `@pulumi` dependency (the
 * engine's JSON schemas for these blocks live in policy-pack/src/config.ts).
 */
import { Environment } from "./environment-identity";
import { PromotionEvidence, StagingStateEvidence } from "./promotion-evidence";

/** The engine's enforcement levels (`@pulumi/policy`'s EnforcementLevel). */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface ReleaseGateConfig {
    /** The candidate's identity and staging's history, as the tooling read them. */
    promotion?: PromotionEvidence;
}

export interface ParityConfig extends ReleaseGateConfig {
    /** What staging runs (its checkpoint) and each environment's environment-specific values. */
    stagingState?: StagingStateEvidence;
}

export interface DeveloperAccessConfig {
    /** Developer principal ARNs in addition to the stack's `environmentIdentity.developerPrincipals`. */
    developerPrincipals?: string[];
}

export interface ConsumerAccessConfig {
    /** Consumer principal ARNs in addition to the stack's `environmentIdentity.consumerPrincipals`. */
    consumerPrincipals?: string[];
}

export interface EnvironmentAddress {
    awsAccountId: string;
    namePrefix: string;
}

export interface CrossEnvironmentConfig {
    /** Every environment's account and name prefix; a stack must mention none but its own. */
    environments?: Partial<Record<Environment, EnvironmentAddress>>;
}

export interface DevCostConfig {
    maxGlueWorkers?: number;
    allowedGlueWorkerTypes?: string[];
    maxAthenaBytesScannedCutoffPerQuery?: number;
    maxLogRetentionDays?: number;
}

export const DEV_COST_DEFAULTS: Required<DevCostConfig> = {
    maxGlueWorkers: 10,
    allowedGlueWorkerTypes: ["G.1X", "G.2X"],
    maxAthenaBytesScannedCutoffPerQuery: 10 * 1024 ** 3,
    maxLogRetentionDays: 30,
};

type PolicyBlock<T> = EnforcementLevel | (T & { enforcementLevel?: EnforcementLevel });

/** The whole `--policy-pack-config` document. */
export interface AtlasPolicyPackConfig {
    all?: PolicyBlock<object>;
    "prod-references-staging"?: PolicyBlock<ReleaseGateConfig>;
    "prod-release-matches-staging"?: PolicyBlock<ReleaseGateConfig>;
    "staging-prod-parity"?: PolicyBlock<ParityConfig>;
    "staging-prod-parity-at-step"?: PolicyBlock<ParityConfig>;
    "staging-prod-parity-coverage"?: PolicyBlock<ParityConfig>;
    "staging-prod-parity-inputs"?: EnforcementLevel;
    "staging-evidence-verified"?: PolicyBlock<ReleaseGateConfig>;
    "no-developer-access"?: PolicyBlock<DeveloperAccessConfig>;
    "consumer-access-prod-only"?: PolicyBlock<ConsumerAccessConfig>;
    "no-cross-environment-references"?: PolicyBlock<CrossEnvironmentConfig>;
    "dev-cost-guardrails"?: PolicyBlock<DevCostConfig>;
    "s3-bucket-protections"?: EnforcementLevel;
    "kms-key-rotation"?: EnforcementLevel;
    "prod-stateful-protected"?: EnforcementLevel;
    "provider-environment-and-account"?: EnforcementLevel;
}

/** The mandatory policies that decide whether a release may reach prod. */
export const RELEASE_GATE_POLICIES = [
    "prod-references-staging",
    "prod-release-matches-staging",
    "staging-prod-parity",
    "staging-prod-parity-at-step",
    "staging-prod-parity-inputs",
    "staging-evidence-verified",
] as const;

/** Policies that read the promotion evidence (the inputs recorder reads no config). */
export const EVIDENCE_POLICIES = [
    ...RELEASE_GATE_POLICIES.filter((policy) => policy !== "staging-prod-parity-inputs"),
    "staging-prod-parity-coverage",
] as const;

/**
 * Policies that receive staging's state (the largest part of the config: every resource staging
 * runs): the whole-stack comparison, and the one before each step. The coverage note reuses
 * staging-prod-parity's comparison (parity-check.ts).
 */
export const PARITY_POLICIES = ["staging-prod-parity", "staging-prod-parity-at-step"] as const;

/** The config `promote` passes for a prod update: the evidence under every policy that reads it. */
export function buildPromotionConfig(
    promotion: PromotionEvidence,
    stagingState: StagingStateEvidence,
    extra: AtlasPolicyPackConfig = {},
): AtlasPolicyPackConfig {
    const withPromotion = EVIDENCE_POLICIES.reduce((config, policy) => withPolicyFields(config, policy, { promotion }), extra);
    return PARITY_POLICIES.reduce((config, policy) => withPolicyFields(config, policy, { stagingState }), withPromotion);
}

/**
 * Adds fields to one policy's block, keeping what the block already holds: a bare enforcement
 * level (`"advisory"`) becomes `{enforcementLevel: "advisory", ...fields}`.
 */
export function withPolicyFields<C extends object>(config: C, policy: string, fields: object): C {
    const given = (config as Record<string, unknown>)[policy];
    const block = typeof given === "string" ? { enforcementLevel: given } : { ...(given as object | undefined) };
    return { ...config, [policy]: { ...block, ...fields } };
}

/** The release-gate policies whose enforcement level a policy config lowers below mandatory (`all` included). */
export function loweredGatePolicies(config: Record<string, unknown>): string[] {
    const levelOf = (block: unknown) => (typeof block === "string" ? block : (block as { enforcementLevel?: unknown } | undefined)?.enforcementLevel);
    const all = levelOf(config.all);
    return RELEASE_GATE_POLICIES.filter((policy) => {
        const level = levelOf(config[policy]) ?? all;
        return level !== undefined && level !== "mandatory";
    });
}

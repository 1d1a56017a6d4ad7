/**
 * Policy config: what the release tooling (`promote`, CI) passes with `--policy-pack-config`.
 *
 * The engine hands each policy only the block under its own name, so the staging evidence is
 * repeated under every release-gate policy; build it with `buildPromotionConfig` rather than by
 * hand. The engine validates each block against the JSON schemas below (types, nested unknown
 * keys); it does not pass `additionalProperties` of a block's top level on, so the policies
 * refuse unknown top-level keys themselves (`unknownConfigKeys`).
 */
import { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ENVIRONMENTS, Environment } from "./contract/environment-identity";
import { PromotionEvidence, StagingStateEvidence } from "./contract/promotion-evidence";
import { PolicyName } from "./enforcement";

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
] as const satisfies readonly PolicyName[];

/** Policies that read the promotion evidence (the inputs recorder reads no config). */
export const EVIDENCE_POLICIES = [
    ...RELEASE_GATE_POLICIES.filter((policy) => policy !== "staging-prod-parity-inputs"),
    "staging-prod-parity-coverage",
] as const satisfies readonly PolicyName[];

/**
 * Policies that receive staging's state (the largest part of the config: every resource staging
 * runs): the whole-stack comparison, and the one before each step. The coverage note reuses
 * staging-prod-parity's comparison (parity-check.ts).
 */
export const PARITY_POLICIES = ["staging-prod-parity", "staging-prod-parity-at-step"] as const satisfies readonly PolicyName[];

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

// ---- JSON schemas the engine validates the blocks against (the policies parse the evidence fully) ----

const stringList: PolicyConfigJSONSchema = { type: "array", items: { type: "string", minLength: 1 } };
const evidence: PolicyConfigJSONSchema = { type: "object", description: "Written by the release tooling (see policy-pack/README.md, Policy config)." };

export const RELEASE_GATE_SCHEMA: PolicyConfigSchema = { properties: { promotion: evidence } };

export const PARITY_SCHEMA: PolicyConfigSchema = { properties: { promotion: evidence, stagingState: evidence } };

export const DEVELOPER_ACCESS_SCHEMA: PolicyConfigSchema = { properties: { developerPrincipals: stringList } };

export const CONSUMER_ACCESS_SCHEMA: PolicyConfigSchema = { properties: { consumerPrincipals: stringList } };

const environmentAddress: PolicyConfigJSONSchema = {
    type: "object",
    additionalProperties: false,
    required: ["awsAccountId", "namePrefix"],
    properties: {
        awsAccountId: { type: "string", pattern: "^[0-9]{12}$" },
        namePrefix: { type: "string", minLength: 1 },
    },
};

export const CROSS_ENVIRONMENT_SCHEMA: PolicyConfigSchema = {
    properties: {
        environments: {
            type: "object",
            additionalProperties: false,
            properties: Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, environmentAddress])),
        },
    },
};

export const DEV_COST_SCHEMA: PolicyConfigSchema = {
    properties: {
        maxGlueWorkers: { type: "integer", minimum: 1, default: DEV_COST_DEFAULTS.maxGlueWorkers },
        allowedGlueWorkerTypes: { ...stringList, default: DEV_COST_DEFAULTS.allowedGlueWorkerTypes },
        maxAthenaBytesScannedCutoffPerQuery: { type: "integer", minimum: 1, default: DEV_COST_DEFAULTS.maxAthenaBytesScannedCutoffPerQuery },
        maxLogRetentionDays: { type: "integer", minimum: 1, default: DEV_COST_DEFAULTS.maxLogRetentionDays },
    },
};

/** Top-level keys of a policy's config block that its schema does not declare. */
export function unknownConfigKeys(config: object, schema: PolicyConfigSchema | undefined): string[] {
    const known = Object.keys(schema?.properties ?? {});
    return Object.keys(config)
        .filter((key) => !known.includes(key))
        .sort();
}

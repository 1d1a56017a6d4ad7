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
import { RELEASE_FORMAT, ReleaseFacts } from "./contract/release-facts";
import { PolicyName } from "./enforcement";

/** `pulumi stack history` results. Only `succeeded` means staging is at that release. */
export type UpdateResult = "succeeded" | "failed" | "in-progress";

/** Staging's last update, as `pulumi stack history --json` reports it (newest `update` entry). */
export interface StagingLastUpdate {
    result: UpdateResult;
    /** The history entry's `version` (the stack's update counter; always 0 on the file backend). */
    updateVersion: number;
    /** The release version that update deployed (staging's `release.version` at that update). */
    releaseVersion: string;
}

/** Facts the tooling read from the staging stack itself, not from the prod program. */
export interface StagingEvidence {
    /** The stack being updated, fully qualified: `organization/atlas/prod`. */
    targetStack: string;
    /** The staging stack read, fully qualified: `organization/atlas/staging`. */
    stagingStack: string;
    /** Staging's `release` output, complete (with `resources`). */
    stagingRelease: ReleaseFacts;
    stagingLastUpdate: StagingLastUpdate;
}

export interface ReleaseGateConfig {
    stagingEvidence?: StagingEvidence;
}

export interface EvidenceVerificationConfig extends ReleaseGateConfig {
    /** Refuse a prod update that carries no staging evidence (default true: fail closed). */
    requireVerifiedFacts?: boolean;
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
    "all"?: PolicyBlock<object>;
    "prod-references-staging"?: PolicyBlock<ReleaseGateConfig>;
    "prod-version-matches-staging"?: PolicyBlock<ReleaseGateConfig>;
    "staging-prod-parity"?: PolicyBlock<ReleaseGateConfig>;
    "staging-evidence-verified"?: PolicyBlock<EvidenceVerificationConfig>;
    "no-developer-access"?: PolicyBlock<DeveloperAccessConfig>;
    "consumer-access-prod-only"?: PolicyBlock<ConsumerAccessConfig>;
    "no-cross-environment-references"?: PolicyBlock<CrossEnvironmentConfig>;
    "dev-cost-guardrails"?: PolicyBlock<DevCostConfig>;
    "s3-bucket-protections"?: EnforcementLevel;
    "kms-key-rotation"?: EnforcementLevel;
    "prod-stateful-protected"?: EnforcementLevel;
    "provider-environment-and-account"?: EnforcementLevel;
}

export const RELEASE_GATE_POLICIES = [
    "prod-references-staging",
    "prod-version-matches-staging",
    "staging-prod-parity",
    "staging-evidence-verified",
] as const satisfies readonly PolicyName[];

/** The config `promote` passes for a prod update: the evidence under every release-gate policy. */
export function buildPromotionConfig(evidence: StagingEvidence, extra: AtlasPolicyPackConfig = {}): AtlasPolicyPackConfig {
    return RELEASE_GATE_POLICIES.reduce((config, policy) => withPolicyFields(config, policy, { stagingEvidence: evidence }), extra);
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

// ---- JSON schemas the engine validates the blocks against ----

const stringList: PolicyConfigJSONSchema = { type: "array", items: { type: "string", minLength: 1 } };
const qualifiedStack: PolicyConfigJSONSchema = { type: "string", pattern: "^[^/]+/[^/]+/[^/]+$" };
const sha256: PolicyConfigJSONSchema = { type: "string", pattern: "^sha256:[0-9a-f]{64}$" };

const releaseFactsSchema: PolicyConfigJSONSchema = {
    type: "object",
    additionalProperties: false,
    required: ["format", "project", "stack", "environment", "version", "promotable", "parityConfig", "configDigest", "resources", "resourcesDigest"],
    properties: {
        format: { const: RELEASE_FORMAT },
        project: { type: "string", minLength: 1 },
        stack: { type: "string", minLength: 1 },
        environment: { type: "string", minLength: 1 },
        version: { type: "string", minLength: 1 },
        promotable: { type: "boolean" },
        parityConfig: {
            type: "object",
            additionalProperties: { type: ["string", "number", "boolean", "array"], items: { type: "string" } },
        },
        configDigest: sha256,
        resources: stringList,
        resourcesDigest: sha256,
    },
};

const stagingEvidenceSchema: PolicyConfigJSONSchema = {
    type: "object",
    additionalProperties: false,
    required: ["targetStack", "stagingStack", "stagingRelease", "stagingLastUpdate"],
    description: "Facts the release tooling read from the staging stack (see README, Policy config).",
    properties: {
        targetStack: qualifiedStack,
        stagingStack: qualifiedStack,
        stagingRelease: releaseFactsSchema,
        stagingLastUpdate: {
            type: "object",
            additionalProperties: false,
            required: ["result", "updateVersion", "releaseVersion"],
            properties: {
                result: { enum: ["succeeded", "failed", "in-progress"] },
                updateVersion: { type: "integer", minimum: 0 },
                releaseVersion: { type: "string", minLength: 1 },
            },
        },
    },
};

export const RELEASE_GATE_SCHEMA: PolicyConfigSchema = { properties: { stagingEvidence: stagingEvidenceSchema } };

export const EVIDENCE_VERIFICATION_SCHEMA: PolicyConfigSchema = {
    properties: {
        stagingEvidence: stagingEvidenceSchema,
        requireVerifiedFacts: { type: "boolean", default: true },
    },
};

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
    return Object.keys(config).filter((key) => !known.includes(key)).sort();
}

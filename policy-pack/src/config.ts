/**
 * Policy config: what the release tooling (`promote`, CI) passes with `--policy-pack-config`.
 *
 * The engine hands each policy only the block under its own name, so the staging evidence is
 * repeated under every release-gate policy; build it with `buildPromotionConfig` rather than by
 * hand. The engine validates each block against the JSON schemas below (types, nested unknown
 * keys); it does not pass `additionalProperties` of a block's top level on, so the policies
 * refuse unknown top-level keys themselves (`unknownConfigKeys`).
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ENVIRONMENTS } from "./contract/environment-identity";
import { DEV_COST_DEFAULTS, EVIDENCE_POLICIES, PARITY_POLICIES, RELEASE_GATE_POLICIES } from "./contract/policy-config";
import { PolicyName } from "./enforcement";

export * from "./contract/policy-config";

/** The contract's policy lists name policies of this pack (a misspelt name fails to compile). */
export const CONTRACT_POLICY_LISTS: readonly (readonly PolicyName[])[] = [RELEASE_GATE_POLICIES, EVIDENCE_POLICIES, PARITY_POLICIES];

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

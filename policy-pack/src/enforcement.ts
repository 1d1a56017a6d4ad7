import { EnforcementLevel } from "@pulumi/policy";

/**
 * The one place where each policy's default enforcement level is set.
 *
 * Every level can be changed per run through policy config, which the engine applies before a
 * policy runs: `{"prod-release-matches-staging": "advisory"}` (or `{"<policy>": {"enforcementLevel":
 * "advisory", ...}}`). A pull-request check uses that to report the release gate as advisory while
 * parity stays mandatory; `promote` refuses any lowering of a release-gate policy for a prod
 * update. Cost caps and the parity coverage note only advise.
 */
export const ENFORCEMENT_LEVELS = {
    "prod-references-staging": "mandatory",
    "prod-release-matches-staging": "mandatory",
    "staging-prod-parity": "mandatory",
    "staging-prod-parity-at-step": "mandatory",
    "staging-prod-parity-coverage": "advisory",
    // Never reports; mandatory so that lowering it counts as lowering the gate (see planned-inputs.ts).
    "staging-prod-parity-inputs": "mandatory",
    "staging-evidence-verified": "mandatory",
    "no-developer-access": "mandatory",
    "consumer-access-prod-only": "mandatory",
    "iam-documents-known-at-preview": "mandatory",
    "iam-actions-exist": "mandatory",
    "access-within-model": "mandatory",
    "s3-bucket-protections": "mandatory",
    "kms-key-rotation": "mandatory",
    "prod-stateful-protected": "mandatory",
    "provider-environment-and-account": "mandatory",
    "no-cross-environment-references": "mandatory",
    "dev-cost-guardrails": "advisory",
} as const satisfies Record<string, EnforcementLevel>;

export type PolicyName = keyof typeof ENFORCEMENT_LEVELS;

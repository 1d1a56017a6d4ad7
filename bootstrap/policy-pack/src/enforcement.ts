import { EnforcementLevel } from "@pulumi/policy";

/**
 * The one place where each bootstrap policy's enforcement level is set. All mandatory: each guards what a release
 * trusts without looking again (who may deploy, what a pull request's role may change, where every release's
 * history is kept).
 */
export const BOOTSTRAP_ENFORCEMENT_LEVELS = {
    "bootstrap-roles-are-ci-roles": "mandatory",
    "bootstrap-deploy-role-trust": "mandatory",
    "bootstrap-preview-role-read-only": "mandatory",
    "bootstrap-state-bucket": "mandatory",
} as const satisfies Record<string, EnforcementLevel>;

export type BootstrapPolicyName = keyof typeof BOOTSTRAP_ENFORCEMENT_LEVELS;

/**
 * The bootstrap stacks' outputs: what `npm run bootstrap -- variables` reads to print the GitHub variables. No
 * `@pulumi` dependency at run time, so the command imports it without the program.
 */
import type { Input } from "@pulumi/pulumi";

/** Outputs as the program returns them: each value, or each map's values, may still be unknown. */
export type StackOutputs<T> = { [K in keyof T]: T[K] extends Record<string, string> ? Record<string, Input<string>> : Input<T[K]> };

/** An account stack's outputs. */
export interface AccountOutputs {
    accountId: string;
    /** The repository (`owner/name`) whose workflows the roles trust. */
    githubRepository: string;
    /** Environment → its deploy role's ARN (`AWS_DEPLOY_ROLE_ARN` of that GitHub environment). */
    deployRoleArns: Record<string, string>;
    /** Environment → its preview role's ARN (`AWS_PREVIEW_ROLE_ARN_<env>`, a repository variable). */
    previewRoleArns: Record<string, string>;
    /** Environment → its region (`AWS_REGION`). */
    regions: Record<string, string>;
}

/** The tooling stack's outputs. */
export interface ToolingOutputs {
    /** `PULUMI_BACKEND_URL`. */
    backendUrl: string;
    /** Environment → the `--secrets-provider` of its stacks (`pulumi stack init` / `change-secrets-provider`). */
    secretsProviders: Record<string, string>;
}

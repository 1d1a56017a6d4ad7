/**
 * Names both kinds of bootstrap stack derive alike, so neither needs the other's outputs: the tooling stack's key
 * and bucket policies name the account stacks' roles by ARN, and the roles name the bucket and the state objects.
 * (AWS checks that a principal in a key or bucket policy exists: deploy the account stacks before the tooling one.)
 */
import { CiRole, ciRoleName } from "../../policy-pack/src/contract";
// The secrets key's alias is the contract's too: doctor and the offline stand-in KMS name the same key.
export { secretsKeyAlias } from "../../policy-pack/src/contract";
import { EnvironmentAccount } from "./accounts";

/** A CI role's ARN (its name: the contract's ciRoleName; an explicit deny keeps the deploy role off it: role-policies.ts). */
export function ciRoleArn(account: EnvironmentAccount, role: CiRole): string {
    return `arn:aws:iam::${account.accountId}:role/${ciRoleName(account.environment, role)}`;
}

/**
 * The stacks whose state belongs to an environment, as patterns of stack names: its own, and its extra stacks
 * (`dev-*`, `pr-*`).
 */
export function stackNamePatterns(account: EnvironmentAccount): string[] {
    return [account.environment, ...account.extraStackPrefixes.map((prefix) => `${prefix}*`)];
}

/**
 * The state objects of a stack-name pattern in a self-managed (DIY) backend, project-scoped layout:
 * `.pulumi/stacks/<project>/<stack>.json` (and `.json.bak`, `.pulumi-tags`), history, backups and locks.
 */
export function stateObjectKeys(project: string, stackPattern: string): string[] {
    return [
        `.pulumi/stacks/${project}/${stackPattern}.*`,
        `.pulumi/history/${project}/${stackPattern}/*`,
        `.pulumi/backups/${project}/${stackPattern}/*`,
        // Locks are named by the stack's fully qualified name (organization/project/stack).
        `.pulumi/locks/*/${project}/${stackPattern}/*`,
    ];
}

/** The backend's own metadata, which every login reads. */
export const BACKEND_METADATA_KEY = ".pulumi/meta.yaml";

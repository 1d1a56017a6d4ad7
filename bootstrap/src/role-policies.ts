/**
 * The CI roles' permissions, generated. The deploy role may do what the program's resource types need
 * (deploy-actions.ts) on the environment's resources; the preview role only the List and Read actions among them,
 * by the catalogue's own levels. Both reach their environment's state and secrets key (state-access.ts).
 */
import { EnvironmentAccount } from "./accounts";
import { CI_IDENTITY_PREFIX, oidcProviderArn } from "../../policy-pack/src/contract";
import { DEPLOY_ACTIONS, PROVIDER_ACTIONS } from "./deploy-actions";
import { StateLocation, secretsKeyStatement, stateStatements } from "./state-access";
import { catalogued, isReadOnly, scopedStatements, Statement } from "./statements";

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

/** Every action of the table and the provider's own, once. */
export function deployActions(): string[] {
    return [...new Set([...Object.values(DEPLOY_ACTIONS).flat(), ...PROVIDER_ACTIONS])].sort();
}

/** The table's actions the catalogue files under List or Read. */
export async function previewActions(): Promise<string[]> {
    const actions = await Promise.all(deployActions().map(async (name) => ({ name, readOnly: isReadOnly(await catalogued(name)) })));
    return actions.filter((a) => a.readOnly).map((a) => a.name);
}

/**
 * The deploy role can create roles named with the prefix, so it is explicitly denied any change to the CI roles
 * and the identity provider (whatever the prefix): it cannot widen its own trust or permissions.
 */
function selfProtection(account: EnvironmentAccount): Statement {
    const iam = `arn:aws:iam::${account.accountId}`;
    return {
        Sid: "NoChangeToCiIdentity",
        Effect: "Deny",
        Action: ["iam:*"],
        Resource: [`${iam}:role/${CI_IDENTITY_PREFIX}*`, `${iam}:policy/${CI_IDENTITY_PREFIX}*`, oidcProviderArn(account.accountId)],
    };
}

export async function deployPolicy(account: EnvironmentAccount, all: EnvironmentAccount[], location: StateLocation): Promise<PolicyDocument> {
    return {
        Version: "2012-10-17",
        Statement: [
            ...(await scopedStatements(deployActions(), account, "Deploy")),
            ...stateStatements(location, account, all, "deploy"),
            secretsKeyStatement(location, "deploy"),
            selfProtection(account),
        ],
    };
}

export async function previewPolicy(account: EnvironmentAccount, all: EnvironmentAccount[], location: StateLocation): Promise<PolicyDocument> {
    return {
        Version: "2012-10-17",
        Statement: [
            ...(await scopedStatements(await previewActions(), account, "Read")),
            ...stateStatements(location, account, all, "preview"),
            secretsKeyStatement(location, "preview"),
        ],
    };
}

/** IAM's limit on a customer managed policy, in characters without whitespace (a role's inline policies share 10,240). */
export const MANAGED_POLICY_LIMIT = 6144;

/** A document cut into documents within the managed-policy limit, statements kept whole and in order. */
export function splitPolicy(document: PolicyDocument, limit: number = MANAGED_POLICY_LIMIT): PolicyDocument[] {
    const size = (statements: Statement[]) => JSON.stringify({ Version: document.Version, Statement: statements }).length;
    const parts: Statement[][] = [];
    for (const statement of document.Statement) {
        if (size([statement]) > limit) {
            throw new Error(`statement ${statement.Sid} alone is over IAM's ${limit}-character policy limit; split its actions in the table`);
        }
        const last = parts[parts.length - 1];
        if (last && size([...last, statement]) <= limit) {
            last.push(statement);
        } else {
            parts.push([statement]);
        }
    }
    return parts.map((statements) => ({ Version: document.Version, Statement: statements }));
}

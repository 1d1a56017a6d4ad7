/**
 * One environment account's bootstrap: the GitHub OIDC identity provider (one per account), and for each
 * environment the account hosts a deploy role only its GitHub environment may assume and a read-only preview role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountStack, EnvironmentAccount } from "./accounts";
import { CiRole, ciRoleName, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from "../../policy-pack/src/contract";
import { BootstrapConfig } from "./config";
import { deploySubjects, githubTrustPolicy, previewSubjects } from "./github-oidc";
import { AccountOutputs, StackOutputs } from "./outputs";
import { deployPolicy, PolicyDocument, previewPolicy, splitPolicy } from "./role-policies";
import { StateLocation } from "./state-access";

export async function accountStack(
    stack: AccountStack,
    all: EnvironmentAccount[],
    config: BootstrapConfig,
    location: StateLocation,
): Promise<StackOutputs<AccountOutputs>> {
    const provider = new aws.Provider("aws", {
        region: stack.region as aws.Region,
        allowedAccountIds: [stack.accountId],
        defaultTags: { tags: { project: "atlas", purpose: "release-bootstrap" } },
    });
    const opts = { provider };
    const oidc = new aws.iam.OpenIdConnectProvider("github-oidc", { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_OIDC_AUDIENCE] }, opts);

    const role = (account: EnvironmentAccount, kind: CiRole, subjects: string[], policy: PolicyDocument): aws.iam.Role => {
        const created = new aws.iam.Role(
            `${account.environment}-${kind}-role`,
            {
                name: ciRoleName(account.environment, kind),
                description: `GitHub Actions (${config.githubRepository}): ${kind} of ${account.environment}`,
                assumeRolePolicy: JSON.stringify(githubTrustPolicy(account.accountId, subjects)),
                maxSessionDuration: 3600,
            },
            { ...opts, dependsOn: [oidc] },
        );
        // Managed policies: the generated permissions exceed the 10,240 characters a role's inline policies may hold.
        splitPolicy(policy).forEach((part, index) => {
            const logical = `${account.environment}-${kind}-policy-${index + 1}`;
            const managed = new aws.iam.Policy(logical, { name: `${ciRoleName(account.environment, kind)}-${index + 1}`, policy: JSON.stringify(part) }, opts);
            new aws.iam.RolePolicyAttachment(`${logical}-attachment`, { role: created.name, policyArn: managed.arn }, opts);
        });
        return created;
    };

    const deployRoleArns: Record<string, pulumi.Output<string>> = {};
    const previewRoleArns: Record<string, pulumi.Output<string>> = {};
    for (const account of stack.environments) {
        const repository = config.githubRepository;
        deployRoleArns[account.environment] = role(account, "deploy", deploySubjects(repository, account), await deployPolicy(account, all, location)).arn;
        previewRoleArns[account.environment] = role(
            account,
            "preview",
            previewSubjects(repository, account, all),
            await previewPolicy(account, all, location),
        ).arn;
    }
    return {
        accountId: stack.accountId,
        githubRepository: config.githubRepository,
        deployRoleArns,
        previewRoleArns,
        regions: Object.fromEntries(stack.environments.map((e) => [e.environment, e.region])),
    };
}

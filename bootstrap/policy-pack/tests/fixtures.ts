/**
 * Bootstrap stacks as the bootstrap's pack sees them at preview, built from the bootstrap program's own functions
 * (trust policies, generated permissions, split into managed policies), so the compliant stacks are the real
 * bootstrap's; tests change one thing at a time.
 */
import { environmentAccounts } from "../../src/accounts";
import { ciRoleName, CiRole } from "../../../policy-pack/src/contract";
import { deploySubjects, githubTrustPolicy, previewSubjects } from "../../src/github-oidc";
import { deployPolicy, PolicyDocument, previewPolicy, splitPolicy } from "../../src/role-policies";
import { StateLocation } from "../../src/state-access";
import { ResourceSpec } from "../../../policy-pack/tests/helpers";

export const REPOSITORY = "example-org/atlas-release-environments";
export const PROVIDER = "aws";
export const LOCATION: StateLocation = {
    project: "atlas",
    bucket: "atlas-pulumi-state-444444444444",
    toolingAccountId: "444444444444",
    toolingRegion: "eu-west-1",
};

const ALL = environmentAccounts();

export const roleName = (environment: string, role: CiRole): string => `${environment}-${role}-role`;

/** A CI role with its trust policy, and its permissions as managed policies attached to it. */
export function ciRole(environment: string, role: CiRole, trust: object, permissions: PolicyDocument): ResourceSpec[] {
    const logical = roleName(environment, role);
    const policies = splitPolicy(permissions).flatMap((part, index): ResourceSpec[] => {
        const policy = `${environment}-${role}-policy-${index + 1}`;
        return [
            {
                type: "aws:iam/policy:Policy",
                name: policy,
                props: { name: `${ciRoleName(environment, role)}-${index + 1}`, policy: JSON.stringify(part) },
                provider: PROVIDER,
            },
            {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name: `${policy}-attachment`,
                props: { role: ciRoleName(environment, role) },
                provider: PROVIDER,
                dependsOn: { role: [logical], policyArn: [policy] },
            },
        ];
    });
    return [
        {
            type: "aws:iam/role:Role",
            name: logical,
            props: { name: ciRoleName(environment, role), assumeRolePolicy: JSON.stringify(trust) },
            provider: PROVIDER,
        },
        ...policies,
    ];
}

/** An environment's account stack as the bootstrap makes it: the provider, the OIDC provider and both CI roles. */
export async function accountStack(environment: string): Promise<ResourceSpec[]> {
    const account = ALL.find((a) => a.environment === environment)!;
    return [
        { type: "pulumi:providers:aws", name: PROVIDER, props: { region: account.region, allowedAccountIds: [account.accountId] } },
        {
            type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            name: "github-oidc",
            props: { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] },
            provider: PROVIDER,
        },
        ...ciRole(environment, "deploy", githubTrustPolicy(account.accountId, deploySubjects(REPOSITORY, account)), await deployPolicy(account, ALL, LOCATION)),
        ...ciRole(
            environment,
            "preview",
            githubTrustPolicy(account.accountId, previewSubjects(REPOSITORY, account, ALL)),
            await previewPolicy(account, ALL, LOCATION),
        ),
    ];
}

/** A trust policy for GitHub's tokens with these subject conditions (operator → values). */
export function trustWith(environment: string, subjects: Record<string, string | string[]>): object {
    const account = ALL.find((a) => a.environment === environment)!;
    const trust = githubTrustPolicy(account.accountId, ["placeholder"]) as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
    const statement = trust.Statement[0];
    const audience = statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"];
    statement.Condition = { StringEquals: { "token.actions.githubusercontent.com:aud": audience } };
    for (const [operator, values] of Object.entries(subjects)) {
        statement.Condition[operator] = { ...statement.Condition[operator], "token.actions.githubusercontent.com:sub": values };
    }
    return trust;
}

/** The tooling stack's state bucket and its settings, as bootstrap/src/tooling-stack.ts makes them. */
export function toolingStack(): ResourceSpec[] {
    const bucket = { type: "aws:s3/bucket:Bucket", name: "state-bucket", props: { bucket: LOCATION.bucket }, provider: PROVIDER, protect: true };
    const setting = (type: string, name: string, props: Record<string, unknown>): ResourceSpec => ({
        type,
        name,
        props: { bucket: LOCATION.bucket, ...props },
        provider: PROVIDER,
        dependsOn: { bucket: ["state-bucket"] },
    });
    return [
        { type: "pulumi:providers:aws", name: PROVIDER, props: { region: LOCATION.toolingRegion, allowedAccountIds: [LOCATION.toolingAccountId] } },
        bucket,
        setting("aws:s3/bucketVersioning:BucketVersioning", "state-versioning", { versioningConfiguration: { status: "Enabled" } }),
        setting("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state-public-access-block", {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        setting("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state-encryption", {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }),
    ];
}

/** The stack with the resource named `name` changed by `edit` (its props), or removed (`edit` returns undefined). */
export function withChanged(stack: ResourceSpec[], name: string, edit: (spec: ResourceSpec) => ResourceSpec | undefined): ResourceSpec[] {
    if (!stack.some((spec) => spec.name === name)) {
        throw new Error(`the test stack has no resource ${name}`);
    }
    return stack.flatMap((spec) => (spec.name === name ? [edit(spec)].filter((s): s is ResourceSpec => s !== undefined) : [spec]));
}

/**
 * The tooling account's bootstrap: the state bucket (versioned, encrypted, public access blocked, owner-enforced,
 * TLS only, protected) and one KMS key per environment for its stacks' secrets (`awskms://`), whose policy gives
 * that environment's CI roles, and no other environment's, the use of it. The CI roles live in the environment
 * accounts: their ARNs are derived from their names (ci-names.ts), so deploy the account stacks first.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentAccount } from "./accounts";
import { CI_ROLES, SECRETS_KEY_ACTIONS } from "../../policy-pack/src/contract";
import { ciRoleArn, secretsKeyAlias } from "./ci-names";
import { BootstrapConfig } from "./config";
import { StackOutputs, ToolingOutputs } from "./outputs";
import { StateLocation, stateStatements } from "./state-access";
import { Statement } from "./statements";

/** The bucket policy: TLS only, and each CI role's state statements with the role as principal (cross-account). */
export function bucketPolicy(location: StateLocation, all: EnvironmentAccount[]): object {
    const bucketArn = `arn:aws:s3:::${location.bucket}`;
    const roleStatements = all.flatMap((account) =>
        CI_ROLES.flatMap((role) =>
            stateStatements(location, account, all, role).map((statement): Statement => ({
                ...statement,
                Sid: `${sidWord(account.environment)}${sidWord(role)}${statement.Sid}`,
                Principal: { AWS: [ciRoleArn(account, role)] },
            })),
        ),
    );
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...roleStatements,
        ],
    };
}

/** A key's policy: the tooling account administers it (so it can never be orphaned); the environment's roles use it. */
export function secretsKeyPolicy(toolingAccountId: string, account: EnvironmentAccount): object {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ToolingAccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${toolingAccountId}:root` }, Action: "kms:*", Resource: "*" },
            ...CI_ROLES.map((role) => ({
                Sid: `${sidWord(role)}RoleUses`,
                Effect: "Allow",
                Principal: { AWS: ciRoleArn(account, role) },
                Action: SECRETS_KEY_ACTIONS[role],
                Resource: "*",
            })),
        ],
    };
}

/** `prod-us` → `ProdUs`: Sids are alphanumeric. */
function sidWord(word: string): string {
    return word
        .split(/[^A-Za-z0-9]+/)
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join("");
}

export function toolingStack(all: EnvironmentAccount[], config: BootstrapConfig, location: StateLocation): StackOutputs<ToolingOutputs> {
    const provider = new aws.Provider("aws", {
        region: config.toolingRegion as aws.Region,
        allowedAccountIds: [config.toolingAccountId],
        defaultTags: { tags: { project: "atlas", purpose: "release-bootstrap" } },
    });
    const opts = { provider };
    // Every release's history is in this bucket: never deleted by a `pulumi destroy` or a replacement.
    const bucket = new aws.s3.Bucket("state-bucket", { bucket: config.stateBucket }, { ...opts, protect: true, retainOnDelete: true });
    new aws.s3.BucketVersioning("state-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        "state-encryption",
        // SSE-S3: an object encrypted with the AWS-managed aws/s3 key cannot be read from another account.
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
        opts,
    );
    new aws.s3.BucketPublicAccessBlock(
        "state-public-access-block",
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    // Objects the environments' roles write belong to this account, whoever wrote them.
    new aws.s3.BucketOwnershipControls("state-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketPolicy("state-bucket-policy", { bucket: bucket.id, policy: JSON.stringify(bucketPolicy(location, all)) }, opts);

    const secretsProviders: Record<string, pulumi.Output<string>> = {};
    for (const account of all) {
        const key = new aws.kms.Key(
            `${account.environment}-secrets-key`,
            {
                description: `Pulumi secrets of the ${account.environment} stacks`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: JSON.stringify(secretsKeyPolicy(config.toolingAccountId, account)),
            },
            { ...opts, protect: true },
        );
        new aws.kms.Alias(`${account.environment}-secrets-alias`, { name: secretsKeyAlias(account.environment), targetKeyId: key.keyId }, opts);
        secretsProviders[account.environment] = pulumi.interpolate`awskms:///${key.arn}?region=${config.toolingRegion}`;
    }
    return { backendUrl: `s3://${config.stateBucket}`, secretsProviders };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import { AtlasNames, BUCKET_ROLES, BucketRole } from "./names";
import { statefulOptions } from "./stateful";

export interface StorageArgs {
    names: AtlasNames;
    protect: boolean;
    kmsDeletionWindowDays: number;
    versioning: boolean;
    landingRetentionDays: number;
    queryResultsRetentionDays: number;
    noncurrentVersionRetentionDays: number;
}

/**
 * The environment's KMS key and its data-lake buckets: landing (raw third-party drops), curated,
 * published (consumer-facing), job artifacts and Athena query results. Every bucket is SSE-KMS
 * by default, blocks public access, refuses plain HTTP and follows config for versioning and
 * lifecycle.
 */
export class Storage extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly keyArn: pulumi.Output<string>;
    readonly buckets: Record<BucketRole, aws.s3.Bucket>;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:storage:Storage", name, {}, opts);
        const { names, protect } = args;

        this.key = new aws.kms.Key(
            "data-key",
            {
                description: `Atlas ${names.placement.namePrefix}: data lake, logs and alerts`,
                enableKeyRotation: true,
                deletionWindowInDays: args.kmsDeletionWindowDays,
                policy: keyPolicy(names),
            },
            statefulOptions(this, protect),
        );
        this.keyArn = this.key.arn;
        new aws.kms.Alias("data-key-alias", { name: names.keyAlias, targetKeyId: this.key.keyId }, { parent: this });

        const expirationDays: Partial<Record<BucketRole, number>> = {
            landing: args.landingRetentionDays,
            "query-results": args.queryResultsRetentionDays,
        };
        const buckets = {} as Record<BucketRole, aws.s3.Bucket>;
        for (const role of BUCKET_ROLES) {
            buckets[role] = this.bucket(role, args, expirationDays[role]);
        }
        this.buckets = buckets;
        this.registerOutputs({ keyArn: this.keyArn, buckets: Object.fromEntries(BUCKET_ROLES.map((r) => [r, buckets[r].bucket])) });
    }

    private bucket(role: BucketRole, args: StorageArgs, expirationDays: number | undefined): aws.s3.Bucket {
        const { names, protect } = args;
        const logical = `${role}-bucket`;
        const child = { parent: this };
        const bucket = new aws.s3.Bucket(logical, { bucket: names.bucket(role), forceDestroy: !protect }, statefulOptions(this, protect));
        // Settings name the bucket by its configured name rather than its id: the name is known
        // at preview, so the policy pack can match every setting to its bucket before the update.
        new aws.s3.BucketOwnershipControls(
            `${logical}-ownership`,
            {
                bucket: bucket.bucket,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            child,
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${logical}-public-access-block`,
            {
                bucket: bucket.bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${logical}-encryption`,
            {
                bucket: bucket.bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.keyArn }, bucketKeyEnabled: true }],
            },
            child,
        );
        new aws.s3.BucketVersioning(
            `${logical}-versioning`,
            {
                bucket: bucket.bucket,
                versioningConfiguration: { status: args.versioning ? "Enabled" : "Suspended" },
            },
            child,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${logical}-lifecycle`,
            {
                bucket: bucket.bucket,
                rules: [
                    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionRetentionDays },
                    },
                    ...(expirationDays === undefined ? [] : [{ id: "expire-objects", status: "Enabled", filter: {}, expiration: { days: expirationDays } }]),
                ],
            },
            child,
        );
        new aws.s3.BucketPolicy(
            `${logical}-policy`,
            {
                bucket: bucket.bucket,
                policy: policyDocument([
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [names.bucketArn(role), `${names.bucketArn(role)}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ]),
            },
            { parent: this, dependsOn: [publicAccessBlock] },
        );
        return bucket;
    }
}

/** The account administers the key through IAM; CloudWatch Logs and alarms may use it for their data. */
function keyPolicy(names: AtlasNames): pulumi.Output<string> {
    const { accountId, region } = names.placement;
    return policyDocument([
        {
            Sid: "AccountAdministersThroughIam",
            Effect: "Allow",
            Principal: { AWS: [`arn:${names.partition}:iam::${accountId}:root`] },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${names.partition}:logs:${region}:${accountId}:log-group:*` } },
        },
        {
            Sid: "CloudWatchAlarmsPublishToTheEncryptedTopic",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

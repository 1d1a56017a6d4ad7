// One entry per AWS resource type the stand-in models: how the real provider names it, forms its id, ARN and
// other computed outputs, and which input changes make AWS replace it. To model another type, add an entry here
// (token as in @pulumi/aws's `__pulumiType`); the provider, diff and tagging logic need no change.
import { createHash, randomUUID } from "crypto";
import { sameValue } from "./property-values";
import { awsUniqueId, prefixedUniqueId, randomHex } from "./naming";

// Table entries read plain (secret-free) JSON inputs, whose shape varies per type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = Record<string, any>;

export interface NamingRule {
    /** The input holding the AWS name; generated in `check` when absent. */
    readonly property: string;
    /** The input with a user-chosen prefix; Terraform appends a unique id to it. */
    readonly prefixProperty?: string;
    readonly maxLength: number;
    /** False where the bridge uses the logical name as is (S3 object keys). */
    readonly randomSuffix?: boolean;
    /** Shapes a generated name the way the bridge does (lower case for S3, `alias/` for KMS aliases). */
    readonly shape?: (name: string, inputs: Inputs) => string;
}

export interface StateContext {
    readonly region: string;
    readonly account: string;
    readonly partition: string;
    readonly dnsSuffix: string;
    /** Set when the resource exists already (update, diff): generated ids and dates must not change. */
    readonly previousId?: string;
    readonly previous?: Inputs;
    /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
    arn(service: string, resource: string): string;
    /** Account-wide services such as IAM: `arn:<partition>:<service>::<account>:<resource>` */
    globalArn(service: string, resource: string): string;
}

export interface ResourceBehaviour {
    readonly naming?: NamingRule;
    /** Inputs whose change makes AWS replace the resource, besides the name, its prefix and `region`. */
    readonly replaceOn?: readonly string[];
    /** Account-wide (IAM, CloudWatch dashboards): no per-resource `region` input or output. */
    readonly global?: boolean;
    /** Has `tags`; `tagsAll` = provider default tags + `tags`. */
    readonly tagged?: boolean;
    /** The id and computed outputs from the plain inputs; an input wins over a computed output of the same name. */
    state(inputs: Inputs, ctx: StateContext): { id: string; outputs?: Inputs };
}

export const RESOURCE_TYPES_FILE = "tools/stand-in-aws/resource-types.ts";

const named = (maxLength: number, prefixProperty?: string): NamingRule => ({ property: "name", maxLength, prefixProperty });

/** Bucket sub-resources (versioning, encryption, ...): Terraform ids them by bucket (and expected owner). */
const bucketSetting = (): ResourceBehaviour => ({
    replaceOn: ["bucket", "expectedBucketOwner"],
    state: (i) => ({ id: i.expectedBucketOwner ? `${i.bucket},${i.expectedBucketOwner}` : i.bucket }),
});

const s3Object: ResourceBehaviour = {
    naming: { property: "key", maxLength: 1024, randomSuffix: false },
    tagged: true,
    replaceOn: ["bucket", "key"],
    state: (i, ctx) => ({
        id: i.key,
        outputs: {
            arn: `arn:${ctx.partition}:s3:::${i.bucket}/${i.key}`,
            // Stand-in etag: md5 of the inline content, else of the asset's hash (the engine does not send file bytes).
            etag: md5(i.content ?? i.contentBase64 ?? i.source?.hash ?? ""),
            // A new version per write, as in a versioned bucket.
            versionId: randomHex(32),
            storageClass: "STANDARD",
        },
    }),
};

const createdAt = (ctx: StateContext, key: string): string => ctx.previous?.[key] ?? new Date().toISOString();

export const RESOURCE_TYPES: Readonly<Record<string, ResourceBehaviour>> = {
    "aws:kms/key:Key": {
        tagged: true,
        replaceOn: ["customerMasterKeySpec", "keyUsage", "customKeyStoreId", "multiRegion", "xksKeyId"],
        state: (_i, ctx) => {
            const keyId = ctx.previousId ?? randomUUID();
            return {
                id: keyId,
                outputs: {
                    keyId,
                    arn: ctx.arn("kms", `key/${keyId}`),
                    keyUsage: "ENCRYPT_DECRYPT",
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    isEnabled: true,
                    enableKeyRotation: false,
                    multiRegion: false,
                },
            };
        },
    },
    "aws:kms/alias:Alias": {
        naming: { ...named(256, "namePrefix"), shape: (name) => `alias/${name}` },
        state: (i, ctx) => ({
            id: i.name,
            outputs: {
                arn: ctx.arn("kms", i.name),
                targetKeyArn: String(i.targetKeyId).startsWith("arn:") ? i.targetKeyId : ctx.arn("kms", `key/${i.targetKeyId}`),
            },
        }),
    },
    "aws:s3/bucket:Bucket": {
        naming: { property: "bucket", prefixProperty: "bucketPrefix", maxLength: 63, shape: (name) => name.toLowerCase() },
        tagged: true,
        replaceOn: ["objectLockEnabled", "bucketNamespace"],
        state: (i, ctx) => ({
            id: i.bucket,
            outputs: {
                arn: `arn:${ctx.partition}:s3:::${i.bucket}`,
                bucketDomainName: `${i.bucket}.s3.${ctx.dnsSuffix}`,
                bucketRegionalDomainName: `${i.bucket}.s3.${ctx.region}.${ctx.dnsSuffix}`,
                bucketRegion: ctx.region,
                forceDestroy: false,
                objectLockEnabled: false,
            },
        }),
    },
    "aws:s3/bucketVersioning:BucketVersioning": bucketSetting(),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketSetting(),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting(),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting(),
    "aws:s3/bucketPolicy:BucketPolicy": bucketSetting(),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting(),
    "aws:s3/bucketObjectv2:BucketObjectv2": s3Object,
    "aws:s3/bucketObject:BucketObject": s3Object,
    "aws:iam/role:Role": {
        naming: named(64, "namePrefix"),
        global: true,
        tagged: true,
        replaceOn: ["path"],
        state: (i, ctx) => ({
            id: i.name,
            outputs: {
                arn: ctx.globalArn("iam", `role${i.path ?? "/"}${i.name}`),
                uniqueId: ctx.previous?.uniqueId ?? awsUniqueId("AROA"),
                createDate: createdAt(ctx, "createDate"),
                path: "/",
                maxSessionDuration: 3600,
            },
        }),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        naming: named(128, "namePrefix"),
        global: true,
        replaceOn: ["role"],
        state: (i) => ({ id: `${i.role}:${i.name}` }),
    },
    "aws:iam/policy:Policy": {
        naming: named(128, "namePrefix"),
        global: true,
        tagged: true,
        replaceOn: ["path", "description"],
        state: (i, ctx) => {
            const arn = ctx.globalArn("iam", `policy${i.path ?? "/"}${i.name}`);
            return {
                id: arn,
                outputs: { arn, policyId: ctx.previous?.policyId ?? awsUniqueId("ANPA"), attachmentCount: 0, path: "/" },
            };
        },
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        global: true,
        replaceOn: ["role", "policyArn"],
        state: (i, ctx) => ({ id: ctx.previousId ?? prefixedUniqueId(`${i.role}-`) }),
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        naming: named(255),
        tagged: true,
        replaceOn: ["catalogId"],
        state: (i, ctx) => ({
            id: `${i.catalogId ?? ctx.account}:${i.name}`,
            outputs: { catalogId: ctx.account, arn: ctx.arn("glue", `database/${i.name}`) },
        }),
    },
    "aws:glue/crawler:Crawler": {
        naming: named(255),
        tagged: true,
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("glue", `crawler/${i.name}`) } }),
    },
    "aws:glue/job:Job": {
        naming: named(255),
        tagged: true,
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("glue", `job/${i.name}`), executionClass: "STANDARD" } }),
    },
    "aws:glue/dataQualityRuleset:DataQualityRuleset": {
        naming: named(255),
        tagged: true,
        replaceOn: ["targetTable"],
        state: (i, ctx) => ({
            id: i.name,
            outputs: {
                arn: ctx.arn("glue", `dataQualityRuleset/${i.name}`),
                createdOn: createdAt(ctx, "createdOn"),
                lastModifiedOn: new Date().toISOString(),
                recommendationRunId: "",
            },
        }),
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": {
        // Glue cannot change a security configuration: every change replaces it.
        naming: named(255),
        replaceOn: ["encryptionConfiguration"],
        state: (i) => ({ id: i.name }),
    },
    "aws:sfn/stateMachine:StateMachine": {
        naming: named(80, "namePrefix"),
        tagged: true,
        replaceOn: ["type"],
        state: (i, ctx) => {
            const arn = ctx.arn("states", `stateMachine:${i.name}`);
            return {
                id: arn,
                outputs: {
                    arn,
                    status: "ACTIVE",
                    type: "STANDARD",
                    creationDate: createdAt(ctx, "creationDate"),
                    revisionId: randomUUID(),
                    stateMachineVersionArn: i.publish ? `${arn}:1` : "",
                    description: "",
                    versionDescription: "",
                },
            };
        },
    },
    "aws:cloudwatch/eventRule:EventRule": {
        naming: named(64, "namePrefix"),
        tagged: true,
        replaceOn: ["eventBusName"],
        state: (i, ctx) => {
            const busPath = onCustomBus(i) ? `${i.eventBusName}/` : "";
            return {
                id: `${busPath}${i.name}`,
                outputs: { arn: ctx.arn("events", `rule/${busPath}${i.name}`), eventBusName: "default", state: "ENABLED" },
            };
        },
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        replaceOn: ["rule", "targetId", "eventBusName"],
        state: (i, ctx) => {
            // Terraform (not the bridge) generates a missing target id, at create.
            const targetId = i.targetId ?? ctx.previous?.targetId ?? prefixedUniqueId("terraform-");
            const busPath = onCustomBus(i) ? `${i.eventBusName}/` : "";
            return { id: `${busPath}${i.rule}-${targetId}`, outputs: { targetId, eventBusName: "default" } };
        },
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        naming: named(512, "namePrefix"),
        tagged: true,
        replaceOn: ["logGroupClass"],
        state: (i, ctx) => ({
            id: i.name,
            outputs: { arn: ctx.arn("logs", `log-group:${i.name}`), retentionInDays: 0, logGroupClass: "STANDARD" },
        }),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        naming: named(255),
        tagged: true,
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("cloudwatch", `alarm:${i.name}`), actionsEnabled: true } }),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        replaceOn: ["dashboardName"],
        state: (i, ctx) => ({
            id: i.dashboardName,
            outputs: { dashboardArn: ctx.globalArn("cloudwatch", `dashboard/${i.dashboardName}`) },
        }),
    },
    "aws:athena/workgroup:Workgroup": {
        naming: named(128),
        tagged: true,
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("athena", `workgroup/${i.name}`), state: "ENABLED" } }),
    },
    "aws:sns/topic:Topic": {
        naming: { ...named(256, "namePrefix"), shape: (name, i) => (i.fifoTopic ? `${name}.fifo` : name) },
        tagged: true,
        replaceOn: ["fifoTopic"],
        state: (i, ctx) => {
            const arn = ctx.arn("sns", i.name);
            return { id: arn, outputs: { arn, owner: ctx.account, beginningArchiveTime: "" } };
        },
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        replaceOn: ["topic", "protocol", "endpoint"],
        state: (i, ctx) => {
            const arn = ctx.previousId ?? `${i.topic}:${randomUUID()}`;
            const needsConfirmation = ["email", "email-json", "http", "https"].includes(i.protocol) && !i.endpointAutoConfirms;
            return {
                id: arn,
                outputs: { arn, ownerId: ctx.account, pendingConfirmation: needsConfirmation, confirmationWasAuthenticated: false },
            };
        },
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        replaceOn: ["arn"],
        state: (i, ctx) => ({ id: i.arn, outputs: { owner: ctx.account } }),
    },
    "aws:ssm/parameter:Parameter": {
        naming: named(2048),
        tagged: true,
        state: (i, ctx) => {
            const valueChanged = !sameValue(ctx.previous?.value, i.value) || !sameValue(ctx.previous?.insecureValue, i.insecureValue);
            const previousVersion = ctx.previous?.version as number | undefined;
            return {
                id: i.name,
                outputs: {
                    arn: ctx.arn("ssm", `parameter${String(i.name).startsWith("/") ? "" : "/"}${i.name}`),
                    version: previousVersion === undefined ? 1 : previousVersion + (valueChanged ? 1 : 0),
                    tier: "Standard",
                    dataType: "text",
                },
            };
        },
    },
};

function onCustomBus(inputs: Inputs): boolean {
    return inputs.eventBusName !== undefined && inputs.eventBusName !== "default";
}

function md5(value: unknown): string {
    return createHash("md5").update(String(value)).digest("hex");
}

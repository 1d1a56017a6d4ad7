// One entry per AWS resource type the stand-in models: how the real provider names it, forms its id, ARN and
// other computed outputs, and which input changes make it replace the resource. To model another type, add an entry
// here (token as in @pulumi/aws's `__pulumiType`); the provider, diff, planning and tagging logic need no change.
import { createHash, randomUUID } from "crypto";
import { awsUniqueId, prefixedUniqueId, randomHex } from "./naming";

// Table entries read plain (secret-free) JSON inputs, whose shape varies per type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = Record<string, any>;

/**
 * The provider whose replacement decisions the `forceNew` facts record. Its schema marks a replace-forcing input
 * `willReplaceOnChanges`, generated from the bridged Terraform resource's `ForceNew` (plugin framework:
 * `RequiresReplace`); the schema file itself is too large for the source store, so each fact names the Terraform
 * resource file (hashicorp/terraform-provider-aws, `internal/service/...`, at the commit read) it was taken from.
 */
export const FORCE_NEW_FACTS_FOR = "@pulumi/aws 7.48.0";

/** `region` of every regional type defaults to the provider's region, and changing it replaces the resource. */
export const REGIONAL_FORCE_NEW: ForceNewFact = {
    source: "Terraform AWS provider 6, website/docs/guides/enhanced-region-support.html.markdown@0cb788c (How region works)",
    properties: ["region"],
};

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

export interface ForceNewFact {
    /** Top-level inputs (Pulumi names) whose change, or unknown value, makes the provider replace the resource. */
    readonly properties: readonly string[];
    /** Where the fact was read (see FORCE_NEW_FACTS_FOR). */
    readonly source: string;
}

export interface StateContext {
    readonly region: string;
    readonly account: string;
    readonly partition: string;
    readonly dnsSuffix: string;
    /** Set when the resource exists already (update): generated ids and dates must not change. */
    readonly previousId?: string;
    readonly previous?: Inputs;
    /** True on create, and on an update that changes an input besides the tags (AWS is written, not just tagged). */
    readonly rewritten: boolean;
    /** Inputs among `keys` whose value differs from the previous state (all of them on create). */
    changed(...keys: string[]): string[];
    /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
    arn(service: string, resource: string): string;
    /** Account-wide services such as IAM: `arn:<partition>:<service>::<account>:<resource>` */
    globalArn(service: string, resource: string): string;
}

export interface ResourceBehaviour {
    readonly naming?: NamingRule;
    /** Replace-forcing inputs besides `region` (REGIONAL_FORCE_NEW); the naming rule's inputs are among them. */
    readonly forceNew: ForceNewFact;
    /** Account-wide (IAM, CloudWatch dashboards): no per-resource `region` input or output. */
    readonly global?: boolean;
    /** Has `tags`; `tagsAll` = provider default tags + `tags`. */
    readonly tagged?: boolean;
    /** Schema defaults of outputs the inputs leave out: the provider plans them, so a preview knows them. */
    readonly defaults?: Inputs;
    /**
     * The id and the outputs AWS assigns when the resource is written, from the plain inputs. A preview of a
     * create knows none of them; a preview of an update knows those the update leaves as they were.
     */
    state(inputs: Inputs, ctx: StateContext): { id: string; outputs?: Inputs };
}

const forceNew = (source: string, ...properties: string[]): ForceNewFact => ({ source, properties });

export const RESOURCE_TYPES_FILE = "tools/stand-in-aws/resource-types.ts";

const named = (maxLength: number, prefixProperty?: string): NamingRule => ({ property: "name", maxLength, prefixProperty });

/** Bucket sub-resources (versioning, encryption, ...): Terraform ids them by bucket (and expected owner). */
const bucketSetting = (facts: ForceNewFact): ResourceBehaviour => ({
    forceNew: facts,
    state: (i) => ({ id: i.expectedBucketOwner ? `${i.bucket},${i.expectedBucketOwner}` : i.bucket }),
});

/** Inputs whose change uploads the object again, so S3 gives it a new version (Terraform's hasObjectContentChanges). */
const OBJECT_CONTENT = [
    "bucketKeyEnabled",
    "cacheControl",
    "checksumAlgorithm",
    "content",
    "contentBase64",
    "contentDisposition",
    "contentEncoding",
    "contentLanguage",
    "contentType",
    "etag",
    "kmsKeyId",
    "metadata",
    "serverSideEncryption",
    "source",
    "sourceHash",
    "storageClass",
    "websiteRedirect",
];

const s3Object = (facts: ForceNewFact): ResourceBehaviour => ({
    naming: { property: "key", maxLength: 1024, randomSuffix: false },
    tagged: true,
    forceNew: facts,
    state: (i, ctx) => ({
        id: i.key,
        outputs: {
            arn: `arn:${ctx.partition}:s3:::${i.bucket}/${i.key}`,
            // Stand-in etag: md5 of the inline content, else of the asset's hash (the engine does not send file bytes).
            etag: md5(i.content ?? i.contentBase64 ?? i.source?.hash ?? ""),
            versionId: ctx.changed(...OBJECT_CONTENT).length > 0 ? randomHex(32) : ctx.previous?.versionId,
            storageClass: "STANDARD",
        },
    }),
});

const createdAt = (ctx: StateContext, key: string): string => ctx.previous?.[key] ?? new Date().toISOString();

export const RESOURCE_TYPES: Readonly<Record<string, ResourceBehaviour>> = {
    "aws:kms/key:Key": {
        tagged: true,
        forceNew: forceNew("kms/key.go@00a3530", "customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"),
        defaults: { keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT", isEnabled: true, enableKeyRotation: false },
        state: (_i, ctx) => {
            const keyId = ctx.previousId ?? randomUUID();
            return { id: keyId, outputs: { keyId, arn: ctx.arn("kms", `key/${keyId}`), multiRegion: false } };
        },
    },
    "aws:kms/alias:Alias": {
        naming: { ...named(256, "namePrefix"), shape: (name) => `alias/${name}` },
        forceNew: forceNew("kms/alias.go@01c0800", "name", "namePrefix"),
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
        forceNew: forceNew(
            "s3/bucket.go@0070bcd (bucket, bucket_prefix); website/docs/r/s3_bucket (object_lock_enabled); bucketNamespace is in no " +
                "stored source and is assumed (the namespace is part of the bucket's identity)",
            "bucket",
            "bucketPrefix",
            "objectLockEnabled",
            "bucketNamespace",
        ),
        defaults: { forceDestroy: false },
        state: (i, ctx) => ({
            id: i.bucket,
            outputs: {
                arn: `arn:${ctx.partition}:s3:::${i.bucket}`,
                bucketDomainName: `${i.bucket}.s3.${ctx.dnsSuffix}`,
                bucketRegionalDomainName: `${i.bucket}.s3.${ctx.region}.${ctx.dnsSuffix}`,
                bucketRegion: ctx.region,
                objectLockEnabled: false,
            },
        }),
    },
    "aws:s3/bucketVersioning:BucketVersioning": bucketSetting(forceNew("s3/bucket_versioning.go@01c0800", "bucket", "expectedBucketOwner")),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketSetting(
        forceNew("s3/bucket_server_side_encryption_configuration.go@0160692", "bucket", "expectedBucketOwner"),
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting(
        forceNew("s3/bucket_lifecycle_configuration.go@0160692 (RequiresReplace)", "bucket", "expectedBucketOwner"),
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting(forceNew("s3/bucket_public_access_block.go@0160692", "bucket")),
    "aws:s3/bucketPolicy:BucketPolicy": bucketSetting(forceNew("s3/bucket_policy.go@0073593", "bucket")),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting(forceNew("s3/bucket_ownership_controls.go@01c0800", "bucket")),
    "aws:s3/bucketObjectv2:BucketObjectv2": s3Object(
        forceNew("s3/object.go (schema not re-read; version_id per resourceObjectCustomizeDiff @2139561556)", "bucket", "key"),
    ),
    "aws:s3/bucketObject:BucketObject": s3Object(forceNew("s3/bucket_object.go (schema not re-read)", "bucket", "key")),
    "aws:iam/role:Role": {
        naming: named(64, "namePrefix"),
        global: true,
        tagged: true,
        forceNew: forceNew("iam/role.go@0040ea6", "name", "namePrefix", "path"),
        defaults: { path: "/", maxSessionDuration: 3600 },
        state: (i, ctx) => ({
            id: i.name,
            outputs: {
                arn: ctx.globalArn("iam", `role${i.path ?? "/"}${i.name}`),
                uniqueId: ctx.previous?.uniqueId ?? awsUniqueId("AROA"),
                createDate: createdAt(ctx, "createDate"),
            },
        }),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        naming: named(128, "namePrefix"),
        global: true,
        forceNew: forceNew("iam/role_policy.go@02f97af", "name", "namePrefix", "role"),
        state: (i) => ({ id: `${i.role}:${i.name}` }),
    },
    "aws:iam/policy:Policy": {
        naming: named(128, "namePrefix"),
        global: true,
        tagged: true,
        forceNew: forceNew("iam/policy.go@01ccd9a", "description", "name", "namePrefix", "path"),
        defaults: { path: "/" },
        state: (i, ctx) => {
            const arn = ctx.globalArn("iam", `policy${i.path ?? "/"}${i.name}`);
            return { id: arn, outputs: { arn, policyId: ctx.previous?.policyId ?? awsUniqueId("ANPA"), attachmentCount: 0 } };
        },
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        global: true,
        forceNew: forceNew("iam/role_policy_attachment.go@04c7984", "policyArn", "role"),
        state: (i, ctx) => ({ id: ctx.previousId ?? prefixedUniqueId(`${i.role}-`) }),
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        global: true,
        tagged: true,
        // client_id_list and thumbprint_list are updated in place (AddClientIDToOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint).
        forceNew: forceNew("iam/openid_connect_provider.go (url ForceNew; schema not re-read)", "url"),
        state: (i, ctx) => {
            const arn = ctx.globalArn("iam", `oidc-provider/${String(i.url).replace(/^https:\/\//, "")}`);
            // Without a thumbprint list, IAM retrieves the issuer's top intermediate CA thumbprint itself.
            return { id: arn, outputs: { arn, thumbprintLists: ctx.previous?.thumbprintLists ?? [randomHex(40)] } };
        },
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        naming: named(255),
        tagged: true,
        forceNew: forceNew("glue/catalog_database.go@0075c78", "catalogId", "name", "targetDatabase"),
        state: (i, ctx) => ({
            id: `${i.catalogId ?? ctx.account}:${i.name}`,
            outputs: { catalogId: ctx.account, arn: ctx.arn("glue", `database/${i.name}`) },
        }),
    },
    "aws:glue/crawler:Crawler": {
        naming: named(255),
        tagged: true,
        forceNew: forceNew("glue/crawler.go@00d7f81", "databaseName", "name"),
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("glue", `crawler/${i.name}`) } }),
    },
    "aws:glue/job:Job": {
        naming: named(255),
        tagged: true,
        forceNew: forceNew("glue/job.go@040b7cf", "name"),
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("glue", `job/${i.name}`), executionClass: "STANDARD" } }),
    },
    "aws:glue/dataQualityRuleset:DataQualityRuleset": {
        naming: named(255),
        tagged: true,
        forceNew: forceNew("glue/data_quality_ruleset.go@0ef3e36", "name", "targetTable"),
        state: (i, ctx) => ({
            id: i.name,
            outputs: {
                arn: ctx.arn("glue", `dataQualityRuleset/${i.name}`),
                createdOn: createdAt(ctx, "createdOn"),
                lastModifiedOn: ctx.rewritten ? new Date().toISOString() : ctx.previous?.lastModifiedOn,
                recommendationRunId: "",
            },
        }),
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": {
        // Terraform has no update for it: every input forces a new one.
        naming: named(255),
        forceNew: forceNew("glue/security_configuration.go@01c0800", "encryptionConfiguration", "name"),
        state: (i) => ({ id: i.name }),
    },
    "aws:sfn/stateMachine:StateMachine": {
        naming: named(80, "namePrefix"),
        tagged: true,
        forceNew: forceNew("sfn/state_machine.go@01f4311", "name", "namePrefix", "type"),
        defaults: { type: "STANDARD" },
        state: (i, ctx) => {
            const arn = ctx.arn("states", `stateMachine:${i.name}`);
            return {
                id: arn,
                outputs: {
                    arn,
                    status: "ACTIVE",
                    creationDate: createdAt(ctx, "creationDate"),
                    // UpdateStateMachine (any change but tags) makes a new revision.
                    revisionId: ctx.rewritten ? randomUUID() : ctx.previous?.revisionId,
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
        forceNew: forceNew("events/rule.go@0cdab4a", "eventBusName", "name", "namePrefix"),
        defaults: { eventBusName: "default" },
        state: (i, ctx) => {
            const busPath = onCustomBus(i) ? `${i.eventBusName}/` : "";
            return { id: `${busPath}${i.name}`, outputs: { arn: ctx.arn("events", `rule/${busPath}${i.name}`), state: "ENABLED" } };
        },
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        forceNew: forceNew("events/target.go@0762c41", "eventBusName", "rule", "targetId"),
        defaults: { eventBusName: "default" },
        state: (i, ctx) => {
            // Terraform (not the bridge) generates a missing target id, at create.
            const targetId = i.targetId ?? ctx.previous?.targetId ?? prefixedUniqueId("terraform-");
            const busPath = onCustomBus(i) ? `${i.eventBusName}/` : "";
            return { id: `${busPath}${i.rule}-${targetId}`, outputs: { targetId } };
        },
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        naming: named(512, "namePrefix"),
        tagged: true,
        forceNew: forceNew("logs/group.go@0073593", "logGroupClass", "name", "namePrefix"),
        defaults: { retentionInDays: 0 },
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("logs", `log-group:${i.name}`), logGroupClass: "STANDARD" } }),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        naming: named(255),
        tagged: true,
        forceNew: forceNew("cloudwatch/metric_alarm.go@055611a (alarm_name)", "name"),
        defaults: { actionsEnabled: true },
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("cloudwatch", `alarm:${i.name}`) } }),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        forceNew: forceNew("cloudwatch/dashboard.go@0620f2a", "dashboardName"),
        state: (i, ctx) => ({
            id: i.dashboardName,
            outputs: { dashboardArn: ctx.globalArn("cloudwatch", `dashboard/${i.dashboardName}`) },
        }),
    },
    "aws:athena/workgroup:Workgroup": {
        naming: named(128),
        tagged: true,
        forceNew: forceNew("athena/workgroup.go@0148137", "name"),
        defaults: { state: "ENABLED" },
        state: (i, ctx) => ({ id: i.name, outputs: { arn: ctx.arn("athena", `workgroup/${i.name}`) } }),
    },
    "aws:sns/topic:Topic": {
        naming: { ...named(256, "namePrefix"), shape: (name, i) => (i.fifoTopic ? `${name}.fifo` : name) },
        tagged: true,
        forceNew: forceNew("sns/topic.go@00a3530", "fifoTopic", "name", "namePrefix"),
        state: (i, ctx) => {
            const arn = ctx.arn("sns", i.name);
            return { id: arn, outputs: { arn, owner: ctx.account, beginningArchiveTime: "" } };
        },
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        forceNew: forceNew("sns/topic_subscription.go@04a2e6e (topic_arn)", "endpoint", "protocol", "topic"),
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
        forceNew: forceNew("sns/topic_policy.go@00a3530", "arn"),
        state: (i, ctx) => ({ id: i.arn, outputs: { owner: ctx.account } }),
    },
    "aws:ssm/parameter:Parameter": {
        // Not modelled: its CustomizeDiff also replaces a parameter whose tier goes from Advanced to Standard.
        naming: named(2048),
        tagged: true,
        forceNew: forceNew("ssm/parameter.go@0073593", "dataType", "name"),
        state: (i, ctx) => {
            const previousVersion = ctx.previous?.version as number | undefined;
            return {
                id: i.name,
                outputs: {
                    arn: ctx.arn("ssm", `parameter${String(i.name).startsWith("/") ? "" : "/"}${i.name}`),
                    // PutParameter (any change but tags) writes a new version.
                    version: previousVersion === undefined ? 1 : previousVersion + (ctx.rewritten ? 1 : 0),
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

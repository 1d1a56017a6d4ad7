// Previews plan what the update that follows does, as the bridged AWS provider's previews do: on the real engine,
// for every modelled resource type (which covers every type the Atlas program declares), a no-op, a tag-only
// change, an in-place change and a replacing change each give the same step kinds in the preview as in the update;
// and changes upstream (new provider default tags) leave dependents alone in the preview as in the update.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { planMismatches } from "../../tools/stand-in-aws/plan-fidelity";
import { RESOURCE_TYPES } from "../../tools/stand-in-aws/resource-types";
import { logicalName, resourceType } from "../../tools/stand-in-aws/resource-urn";
import { OfflineWorkspace } from "../../tools/offline/workspace";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const PROBE_PROJECT = path.join(__dirname, "fixtures", "probe-project");
const PROGRAM_SOURCES = path.join(__dirname, "..", "..", "src");

/** What a probe declares: `tag` goes into the resource's tags, the flags select the changed inputs. */
interface Variant {
    tag: string;
    inPlace: boolean;
    replaced: boolean;
    /** The provider's region, which regional resources take as theirs. */
    region: string;
}

interface Probe {
    /** Declares one resource of the type; `variant` picks the inputs. */
    declare(v: Variant, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
    /** False where every input forces a replacement, so no in-place change exists. */
    updatesInPlace?: false;
}

const pick = <T>(flag: boolean, when: T, otherwise: T): T => (flag ? when : otherwise);
const tags = (v: Variant) => ({ probe: v.tag });
const doc = (sid: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
const bucketOf = (v: Variant) => pick(v.replaced, "probe-bucket-b", "probe-bucket-a");

/** One probe per modelled type: independent of each other, so each type's step kind is its own. */
const PROBES: Record<string, Probe> = {
    "aws:kms/key:Key": {
        declare: (v, o) => new aws.kms.Key("key", { description: pick(v.inPlace, "b", "a"), multiRegion: v.replaced, tags: tags(v) }, o),
    },
    "aws:kms/alias:Alias": {
        declare: (v, o) =>
            new aws.kms.Alias("alias", { name: pick(v.replaced, "alias/probe-b", "alias/probe-a"), targetKeyId: pick(v.inPlace, "key-b", "key-a") }, o),
    },
    "aws:s3/bucket:Bucket": {
        declare: (v, o) => new aws.s3.Bucket("bucket", { bucket: bucketOf(v), forceDestroy: v.inPlace, tags: tags(v) }, o),
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        declare: (v, o) =>
            new aws.s3.BucketVersioning(
                "versioning",
                {
                    bucket: bucketOf(v),
                    versioningConfiguration: { status: pick(v.inPlace, "Suspended", "Enabled") },
                },
                o,
            ),
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        declare: (v, o) =>
            new aws.s3.BucketServerSideEncryptionConfiguration(
                "encryption",
                {
                    bucket: bucketOf(v),
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: pick(v.inPlace, "aws:kms", "AES256") } }],
                },
                o,
            ),
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        declare: (v, o) =>
            new aws.s3.BucketLifecycleConfiguration(
                "lifecycle",
                {
                    bucket: bucketOf(v),
                    rules: [{ id: "expire", status: "Enabled", expiration: { days: pick(v.inPlace, 60, 30) } }],
                },
                o,
            ),
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        declare: (v, o) => new aws.s3.BucketPublicAccessBlock("public-access", { bucket: bucketOf(v), blockPublicAcls: v.inPlace }, o),
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        declare: (v, o) => new aws.s3.BucketPolicy("bucket-policy", { bucket: bucketOf(v), policy: doc(pick(v.inPlace, "B", "A")) }, o),
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        declare: (v, o) =>
            new aws.s3.BucketOwnershipControls(
                "ownership",
                {
                    bucket: bucketOf(v),
                    rule: { objectOwnership: pick(v.inPlace, "BucketOwnerPreferred", "BucketOwnerEnforced") },
                },
                o,
            ),
    },
    "aws:s3/bucketObjectv2:BucketObjectv2": {
        declare: (v, o) =>
            new aws.s3.BucketObjectv2(
                "object-v2",
                {
                    bucket: "probe-objects",
                    key: pick(v.replaced, "b.txt", "a.txt"),
                    content: pick(v.inPlace, "b", "a"),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:s3/bucketObject:BucketObject": {
        declare: (v, o) =>
            new aws.s3.BucketObject(
                "object",
                {
                    bucket: "probe-objects",
                    key: pick(v.replaced, "legacy-b.txt", "legacy-a.txt"),
                    content: pick(v.inPlace, "b", "a"),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:iam/role:Role": {
        declare: (v, o) =>
            new aws.iam.Role(
                "role",
                {
                    name: "probe-role",
                    assumeRolePolicy: doc("Trust"),
                    maxSessionDuration: pick(v.inPlace, 7200, 3600),
                    path: pick(v.replaced, "/probe/", "/"),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        declare: (v, o) =>
            new aws.iam.RolePolicy("role-policy", { name: "probe", role: pick(v.replaced, "role-b", "role-a"), policy: doc(pick(v.inPlace, "B", "A")) }, o),
    },
    "aws:iam/policy:Policy": {
        declare: (v, o) =>
            new aws.iam.Policy("policy", { name: "probe", description: pick(v.replaced, "b", "a"), policy: doc(pick(v.inPlace, "B", "A")), tags: tags(v) }, o),
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        declare: (v, o) =>
            new aws.iam.RolePolicyAttachment(
                "attachment",
                {
                    role: "role-a",
                    policyArn: pick(v.replaced, `arn:aws:iam::${ACCOUNT}:policy/b`, `arn:aws:iam::${ACCOUNT}:policy/a`),
                },
                o,
            ),
        updatesInPlace: false,
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        declare: (v, o) =>
            new aws.iam.OpenIdConnectProvider(
                "oidc-provider",
                { url: pick(v.replaced, "https://b.example.com", "https://a.example.com"), clientIdLists: [pick(v.inPlace, "b", "a")], tags: tags(v) },
                o,
            ),
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        declare: (v, o) =>
            new aws.glue.CatalogDatabase(
                "database",
                { name: pick(v.replaced, "probe_b", "probe_a"), description: pick(v.inPlace, "b", "a"), tags: tags(v) },
                o,
            ),
    },
    "aws:glue/crawler:Crawler": {
        declare: (v, o) =>
            new aws.glue.Crawler(
                "crawler",
                {
                    name: "probe",
                    databaseName: pick(v.replaced, "probe_b", "probe_a"),
                    role: "role-a",
                    description: pick(v.inPlace, "b", "a"),
                    s3Targets: [{ path: "s3://probe-bucket-a/drops/" }],
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:glue/job:Job": {
        declare: (v, o) =>
            new aws.glue.Job(
                "job",
                {
                    name: pick(v.replaced, "probe-b", "probe-a"),
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/a`,
                    command: { scriptLocation: "s3://probe-bucket-a/etl.py" },
                    maxRetries: pick(v.inPlace, 2, 1),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:glue/dataQualityRuleset:DataQualityRuleset": {
        declare: (v, o) =>
            new aws.glue.DataQualityRuleset(
                "ruleset",
                {
                    name: pick(v.replaced, "probe-b", "probe-a"),
                    ruleset: pick(v.inPlace, "Rules = [ RowCount > 1 ]", "Rules = [ RowCount > 0 ]"),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": {
        declare: (v, o) =>
            new aws.glue.SecurityConfiguration(
                "security-configuration",
                {
                    name: "probe",
                    encryptionConfiguration: {
                        s3Encryption: { s3EncryptionMode: pick(v.replaced, "SSE-S3", "DISABLED") },
                        cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" },
                        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" },
                    },
                },
                o,
            ),
        updatesInPlace: false,
    },
    "aws:sfn/stateMachine:StateMachine": {
        declare: (v, o) =>
            new aws.sfn.StateMachine(
                "state-machine",
                {
                    name: "probe",
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/a`,
                    type: pick(v.replaced, "EXPRESS", "STANDARD"),
                    definition: JSON.stringify({ StartAt: "S", States: { S: { Type: "Pass", End: true, Comment: pick(v.inPlace, "b", "a") } } }),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:cloudwatch/eventRule:EventRule": {
        declare: (v, o) =>
            new aws.cloudwatch.EventRule(
                "rule",
                {
                    name: pick(v.replaced, "probe-b", "probe-a"),
                    description: pick(v.inPlace, "b", "a"),
                    scheduleExpression: "rate(1 hour)",
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        declare: (v, o) =>
            new aws.cloudwatch.EventTarget(
                "target",
                {
                    rule: pick(v.replaced, "probe-b", "probe-a"),
                    arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${pick(v.inPlace, "b", "a")}`,
                },
                o,
            ),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        declare: (v, o) =>
            new aws.cloudwatch.LogGroup(
                "log-group",
                {
                    name: "/probe",
                    retentionInDays: pick(v.inPlace, 14, 7),
                    logGroupClass: pick(v.replaced, "INFREQUENT_ACCESS", "STANDARD"),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        declare: (v, o) =>
            new aws.cloudwatch.MetricAlarm(
                "alarm",
                {
                    name: pick(v.replaced, "probe-b", "probe-a"),
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "Errors",
                    namespace: "Probe",
                    period: 300,
                    statistic: "Sum",
                    threshold: pick(v.inPlace, 1, 0),
                    tags: tags(v),
                },
                o,
            ),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        declare: (v, o) =>
            new aws.cloudwatch.Dashboard(
                "dashboard",
                {
                    dashboardName: pick(v.replaced, "probe-b", "probe-a"),
                    dashboardBody: JSON.stringify({ widgets: [], periodOverride: pick(v.inPlace, "inherit", "auto") }),
                },
                o,
            ),
    },
    "aws:athena/workgroup:Workgroup": {
        declare: (v, o) =>
            new aws.athena.Workgroup("workgroup", { name: pick(v.replaced, "probe-b", "probe-a"), description: pick(v.inPlace, "b", "a"), tags: tags(v) }, o),
    },
    "aws:sns/topic:Topic": {
        declare: (v, o) =>
            new aws.sns.Topic("topic", { name: pick(v.replaced, "probe-b", "probe-a"), displayName: pick(v.inPlace, "b", "a"), tags: tags(v) }, o),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        declare: (v, o) =>
            new aws.sns.TopicSubscription(
                "subscription",
                {
                    topic: `arn:aws:sns:${REGION}:${ACCOUNT}:probe`,
                    protocol: "email",
                    endpoint: pick(v.replaced, "b@example.com", "a@example.com"),
                    rawMessageDelivery: v.inPlace,
                },
                o,
            ),
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        declare: (v, o) =>
            new aws.sns.TopicPolicy(
                "topic-policy",
                {
                    arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${pick(v.replaced, "probe-b", "probe-a")}`,
                    policy: doc(pick(v.inPlace, "B", "A")),
                },
                o,
            ),
    },
    "aws:ssm/parameter:Parameter": {
        declare: (v, o) =>
            new aws.ssm.Parameter(
                "parameter",
                { name: pick(v.replaced, "/probe/b", "/probe/a"), type: "String", value: pick(v.inPlace, "b", "a"), tags: tags(v) },
                o,
            ),
    },
};

type StepKinds = Record<string, string>;

/** Each resource's step kind, keyed by `<type>::<name>`: same, update, create, delete, replace, ... */
function stepKindsRecorder(): { onEvent: (event: EngineEvent) => void; kinds: StepKinds } {
    const ops: Record<string, Set<string>> = {};
    const kinds: StepKinds = {};
    const onEvent = (event: EngineEvent) => {
        const metadata = event.resourcePreEvent?.metadata;
        if (!metadata || metadata.type.startsWith("pulumi:")) {
            return;
        }
        const key = `${resourceType(metadata.urn)}::${logicalName(metadata.urn)}`;
        (ops[key] ??= new Set()).add(metadata.op);
        kinds[key] = [...ops[key]].some((op) => op.includes("replace")) ? "replace" : [...ops[key]].sort().join("+");
    };
    return { onEvent, kinds };
}

/** Each resource's outputs as the engine reports them (planned ones, in a preview), keyed by logical name. */
function outputsRecorder(): { onEvent: (event: EngineEvent) => void; outputs: Record<string, Record<string, unknown>> } {
    const outputs: Record<string, Record<string, unknown>> = {};
    const onEvent = (event: EngineEvent) => {
        const metadata = event.resOutputsEvent?.metadata;
        if (metadata?.new && !metadata.type.startsWith("pulumi:")) {
            outputs[logicalName(metadata.urn)] = metadata.new.outputs;
        }
    };
    return { onEvent, outputs };
}

async function previewThenUpdate(
    stack: Stack,
): Promise<{ preview: StepKinds; update: StepKinds; counts: { preview: Record<string, number>; update: Record<string, number> } }> {
    const previewed = stepKindsRecorder();
    const preview = await stack.preview({ onEvent: previewed.onEvent });
    const updated = stepKindsRecorder();
    const update = await stack.up({ onEvent: updated.onEvent });
    return {
        preview: previewed.kinds,
        update: updated.kinds,
        counts: { preview: preview.changeSummary as Record<string, number>, update: (update.summary.resourceChanges ?? {}) as Record<string, number> },
    };
}

function provider(release: string, region = REGION): aws.Provider {
    return new aws.Provider("stand-in", { region, allowedAccountIds: [ACCOUNT], defaultTags: { tags: { release } } });
}

/** `aws:<module>/<type>:<Type>` of every `new aws.<module>.<Type>(` in the Atlas program's sources. */
function typesTheProgramDeclares(): string[] {
    const sources = fs.readdirSync(PROGRAM_SOURCES, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    const tokens = new Set<string>();
    for (const file of sources) {
        for (const [, module, type] of fs.readFileSync(path.join(PROGRAM_SOURCES, file), "utf8").matchAll(/new aws\.(\w+)\.(\w+)\(/g)) {
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            tokens.add((aws as any)[module][type].__pulumiType);
        }
    }
    return [...tokens].sort();
}

describe("stand-in aws previews plan what the update does (real engine)", () => {
    let workspace: OfflineWorkspace;

    before(async function () {
        this.timeout(600_000);
        workspace = await OfflineWorkspace.create({ projectSource: PROBE_PROJECT });
    });

    after(() => workspace?.remove());

    describe("for every modelled type", () => {
        let stack: Stack;
        let variant: Variant = { tag: "a", inPlace: false, replaced: false, region: REGION };

        before(async function () {
            this.timeout(600_000);
            stack = await workspace.stack("types", async () => {
                const opts = { provider: provider("1.0.0", variant.region) };
                for (const probe of Object.values(PROBES)) {
                    probe.declare(variant, opts);
                }
            });
            await stack.up();
        });

        it("has a probe for every modelled type, and models every type the Atlas program declares", () => {
            assert.deepStrictEqual(Object.keys(PROBES).sort(), Object.keys(RESOURCE_TYPES).sort());
            const program = typesTheProgramDeclares();
            assert.ok(program.length >= 20, `found the program's types: ${program.join(", ")}`);
            assert.deepStrictEqual(
                program.filter((token) => !(token in RESOURCE_TYPES)),
                [],
            );
        });

        const scenarios: { name: string; change: Partial<Variant>; expected: (type: string) => string }[] = [
            { name: "a no-op", change: {}, expected: () => "same" },
            { name: "a tag-only change", change: { tag: "b" }, expected: (type) => (RESOURCE_TYPES[type].tagged ? "update" : "same") },
            { name: "an in-place change", change: { inPlace: true }, expected: (type) => (PROBES[type].updatesInPlace === false ? "same" : "update") },
            { name: "a replacing change", change: { replaced: true }, expected: () => "replace" },
            { name: "a move to another region", change: { region: "eu-central-1" }, expected: (type) => (RESOURCE_TYPES[type].global ? "same" : "replace") },
        ];
        for (const scenario of scenarios) {
            it(`plans ${scenario.name} as the update carries it out, type by type`, async () => {
                variant = { ...variant, ...scenario.change };
                const { preview, update, counts } = await previewThenUpdate(stack);

                const byType = (kinds: StepKinds) => Object.fromEntries(Object.entries(kinds).map(([key, kind]) => [key.split("::")[0], kind]));
                const expected = Object.fromEntries(Object.keys(PROBES).map((type) => [type, scenario.expected(type)]));
                assert.deepStrictEqual(byType(update), expected, "the update");
                assert.deepStrictEqual(byType(preview), expected, "the preview");
                assert.deepStrictEqual(planMismatches(counts.preview, counts.update), []);
            });
        }
    });

    describe("upstream of dependents", () => {
        let stack: Stack;
        let release = "1.0.0";

        before(async function () {
            this.timeout(600_000);
            stack = await workspace.stack("chain", async () => {
                const opts = { provider: provider(release) };
                const key = new aws.kms.Key("key", {}, opts);
                new aws.kms.Alias("key-alias", { targetKeyId: key.keyId }, opts);
                const encrypted = { kmsKeyArn: key.arn };
                new aws.glue.SecurityConfiguration(
                    "security-configuration",
                    {
                        encryptionConfiguration: {
                            s3Encryption: { s3EncryptionMode: "SSE-KMS", ...encrypted },
                            cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", ...encrypted },
                            jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", ...encrypted },
                        },
                    },
                    opts,
                );
                const topic = new aws.sns.Topic("topic", { kmsMasterKeyId: key.arn }, opts);
                new aws.sns.TopicPolicy("topic-policy", { arn: topic.arn, policy: doc("Publish") }, opts);
                new aws.sns.TopicSubscription("subscription", { topic: topic.arn, protocol: "email", endpoint: "team@example.com" }, opts);
                const logs = new aws.cloudwatch.LogGroup("log-group", { kmsKeyId: key.arn }, opts);
                new aws.sfn.StateMachine(
                    "state-machine",
                    {
                        roleArn: `arn:aws:iam::${ACCOUNT}:role/a`,
                        definition: JSON.stringify({ StartAt: "S", States: { S: { Type: "Pass", End: true } } }),
                        loggingConfiguration: { level: "ERROR", logDestination: pulumi.interpolate`${logs.arn}:*` },
                    },
                    opts,
                );
            });
            await stack.up();
        });

        it("plans a release-only change (new default tags) as the update carries it out: tagged resources update, nothing is replaced", async () => {
            release = "1.1.0";
            const { preview, update, counts } = await previewThenUpdate(stack);

            assert.deepStrictEqual(preview, update);
            assert.deepStrictEqual(update, {
                "aws:kms/key:Key::key": "update",
                "aws:kms/alias:Alias::key-alias": "same",
                "aws:glue/securityConfiguration:SecurityConfiguration::security-configuration": "same",
                "aws:sns/topic:Topic::topic": "update",
                "aws:sns/topicPolicy:TopicPolicy::topic-policy": "same",
                "aws:sns/topicSubscription:TopicSubscription::subscription": "same",
                "aws:cloudwatch/logGroup:LogGroup::log-group": "update",
                "aws:sfn/stateMachine:StateMachine::state-machine": "update",
            });
            assert.deepStrictEqual(planMismatches(counts.preview, counts.update), []);
        });
    });
    describe("what a preview knows", () => {
        let stack: Stack;
        let changed = false;
        const seen = outputsRecorder();

        before(async () => {
            stack = await workspace.stack("plan", async () => {
                const opts = { provider: provider("1.0.0") };
                new aws.sns.Topic("topic", { name: "probe", displayName: pick(changed, "b", "a"), tags: { team: "data" } }, opts);
                new aws.iam.Role("role", { name: "probe", assumeRolePolicy: doc("Trust") }, opts);
                new aws.ssm.Parameter("parameter", { name: "/probe", type: "String", value: pick(changed, "b", "a") }, opts);
            });
        });

        it("plans a create with the inputs, the region, the schema defaults and tagsAll, leaving what AWS assigns unknown", async () => {
            await stack.preview({ onEvent: seen.onEvent });

            assert.deepStrictEqual(seen.outputs.topic, {
                name: "probe",
                displayName: "a",
                region: REGION,
                tags: { team: "data" },
                tagsAll: { team: "data", release: "1.0.0" },
            });
            assert.deepStrictEqual(
                { path: seen.outputs.role.path, maxSessionDuration: seen.outputs.role.maxSessionDuration, arn: seen.outputs.role.arn },
                { path: "/", maxSessionDuration: 3600, arn: undefined },
            );
            assert.strictEqual(seen.outputs.parameter.version, undefined);
        });

        it("plans an update with what AWS assigned kept, except what the update writes anew", async () => {
            const written = outputsRecorder();
            await stack.up({ onEvent: written.onEvent });
            changed = true;
            await stack.preview({ onEvent: seen.onEvent });

            assert.match(String(written.outputs.topic.arn), /^arn:aws:sns:/);
            assert.strictEqual(seen.outputs.topic.arn, written.outputs.topic.arn, "the topic's ARN stays known");
            assert.strictEqual(seen.outputs.topic.displayName, "b");
            assert.match(String(seen.outputs.parameter.arn), /^arn:aws:ssm:eu-west-1:111122223333:parameter\/probe$/);
            assert.strictEqual(seen.outputs.parameter.version, unknownValue, "a new value makes a new version, unknown until written");
        });
    });
});

/** Each stack file, run under mocks: who can access what, encryption, protection, alerting, isolation. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { parseEnvironmentIdentity } from "../../policy-pack/src/contract/environment-identity";
import {
    Inputs,
    ProgramRun,
    RegisteredResource,
    STACKS,
    STACK_RUN_VERSION,
    StackName,
    TEST_ONCALL_ENDPOINT,
    mockId,
    parsedJson,
    programResources,
    resource,
    resourcesOfType,
    runStack,
    stackConfig,
    stackRun,
} from "./support/atlas-under-mocks";
import { ETL_SCRIPT_PATH } from "../../src/components/processing";
import { assembleReleaseFacts } from "../../src/release";
import { STATEFUL_RESOURCE_TYPES } from "../../policy-pack/src/contract";

interface Expected {
    account: string;
    protect: boolean;
    /** Human roles and the config key whose principals may assume them. */
    humanRoles: Record<string, string>;
    pagesOncall: boolean;
}

const EXPECTED: Record<StackName, Expected> = {
    dev: { account: "111111111111", protect: false, humanRoles: { developer: "atlas:developerPrincipals" }, pagesOncall: false },
    staging: { account: "222222222222", protect: true, humanRoles: { qa: "atlas:qaPrincipals" }, pagesOncall: false },
    prod: { account: "333333333333", protect: true, humanRoles: { consumer: "atlas:consumerPrincipals" }, pagesOncall: true },
};

const BUCKET = "aws:s3/bucket:Bucket";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

interface Statement {
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: { AWS?: string[] };
    Condition?: Record<string, Record<string, unknown>>;
}

function statements(policy: unknown): Statement[] {
    return parsedJson(policy).Statement as Statement[];
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Resources the role's policy lets it run `action` on. */
function resourcesAllowed(run: ProgramRun, purpose: string, action: string): string[] {
    return statements(resource(run, ROLE_POLICY, `${purpose}-policy`).inputs.policy)
        .filter((s) => s.Effect === "Allow" && list(s.Action).includes(action))
        .flatMap((s) => list(s.Resource));
}

/** The sub-resource of a bucket, found by the bucket name it points at. */
function bucketSetting(run: ProgramRun, type: string, bucket: RegisteredResource): RegisteredResource {
    const settings = resourcesOfType(run, type).filter((r) => r.inputs.bucket === bucket.inputs.bucket);
    assert.equal(settings.length, 1, `${bucket.name}: expected one ${type}`);
    return settings[0];
}

for (const stack of STACKS) {
    const expected = EXPECTED[stack];
    const config = stackConfig(stack);

    describe(`the ${stack} stack`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await stackRun(stack);
            assert.equal(run.error, undefined, run.error?.message);
        });

        it("deploys through one explicit provider that only accepts the environment's account", () => {
            const providers = resourcesOfType(run, "pulumi:providers:aws");
            assert.equal(providers.length, 1);
            const provider = providers[0];
            assert.deepEqual(parsedJson(provider.inputs.allowedAccountIds), [expected.account]);
            assert.equal(provider.inputs.region, config["atlas:awsRegion"]);
            // Stable tags only: the release version (here STACK_RUN_VERSION) is on no resource, so a release of the same
            // code and config changes nothing (a quiet release).
            assert.deepEqual(parsedJson(provider.inputs.defaultTags), { tags: { environment: stack, project: "atlas" } });
            assert.ok(!JSON.stringify(programResources(run).map((r) => r.inputs)).includes(STACK_RUN_VERSION), "the release version is on no resource");
            const awsResources = programResources(run).filter((r) => r.custom && r.type.startsWith("aws:"));
            const strays = awsResources.filter((r) => !r.provider?.endsWith(`$pulumi:providers:aws::${provider.name}::${mockId(provider)}`));
            assert.deepEqual(
                strays.map((r) => r.name),
                [],
            );
        });

        it("encrypts every bucket with the environment's key, blocks public access and refuses plain HTTP", () => {
            const buckets = resourcesOfType(run, BUCKET);
            assert.equal(buckets.length, 5);
            for (const bucket of buckets) {
                assert.ok(bucket.inputs.bucket.includes(expected.account), `${bucket.name} is named for its account`);
                const [rule] = bucketSetting(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket).inputs
                    .rules;
                assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
                assert.equal(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, "arn:mock:aws:kms/key:Key:data-key");
                assert.equal(rule.bucketKeyEnabled, true);
                const block = bucketSetting(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket).inputs;
                assert.deepEqual(
                    [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                    [true, true, true, true],
                );
                const deny = statements(bucketSetting(run, "aws:s3/bucketPolicy:BucketPolicy", bucket).inputs.policy).find(
                    (s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
                );
                assert.ok(deny, `${bucket.name} has no TLS-only statement`);
                assert.deepEqual(list(deny.Resource), [`arn:aws:s3:::${bucket.inputs.bucket}`, `arn:aws:s3:::${bucket.inputs.bucket}/*`]);
            }
        });

        it("rotates the KMS key", () => {
            assert.equal(resource(run, "aws:kms/key:Key", "data-key").inputs.enableKeyRotation, true);
        });

        it(`${expected.protect ? "protects and retains" : "does not protect"} stateful resources`, () => {
            // The contract's list is the program's: every type in it is created here, and only those are protected.
            const stateful = run.resources.filter((r) => STATEFUL_RESOURCE_TYPES.includes(r.type));
            assert.equal(stateful.length, 11); // key, 5 buckets, 3 databases, 2 log groups
            const created = new Set(stateful.map((r) => r.type));
            assert.deepEqual(
                STATEFUL_RESOURCE_TYPES.filter((type) => !created.has(type) && type !== "aws:s3/bucketV2:BucketV2"),
                [],
                "a stateful type the program never creates (the list drifted)",
            );
            if (expected.protect) {
                assert.deepEqual(
                    run.resources.filter((r) => r.protect && !STATEFUL_RESOURCE_TYPES.includes(r.type)).map((r) => `${r.type}::${r.name}`),
                    [],
                    "a protected type missing from STATEFUL_RESOURCE_TYPES (policy-pack/src/contract/environments.ts)",
                );
            }
            for (const r of stateful) {
                assert.equal(r.protect, expected.protect, `${r.name}.protect`);
                assert.equal(r.retainOnDelete, expected.protect, `${r.name}.retainOnDelete`);
            }
            for (const bucket of resourcesOfType(run, BUCKET)) {
                assert.equal(bucket.inputs.forceDestroy, !expected.protect, `${bucket.name}.forceDestroy`);
            }
        });

        it(`grants human access only to ${Object.keys(expected.humanRoles).join(", ")}`, () => {
            const humanRoles = resourcesOfType(run, ROLE)
                .map((r) => r.name.replace(/-role$/, ""))
                .filter((purpose) => !["pipeline", "state-machine", "schedule"].includes(purpose));
            assert.deepEqual(humanRoles, Object.keys(expected.humanRoles));
            for (const [purpose, key] of Object.entries(expected.humanRoles)) {
                const [trust] = statements(resource(run, ROLE, `${purpose}-role`).inputs.assumeRolePolicy);
                assert.deepEqual(trust.Principal?.AWS, JSON.parse(config[key]));
            }
        });

        it("keeps every role's S3 and Glue access inside this environment", () => {
            for (const policy of resourcesOfType(run, ROLE_POLICY)) {
                for (const arn of statements(policy.inputs.policy).flatMap((s) => list(s.Resource))) {
                    if (arn.startsWith("arn:aws:s3:::")) {
                        assert.ok(arn.includes(`${config["atlas:namePrefix"]}-`) && arn.includes(expected.account), `${policy.name}: ${arn}`);
                    }
                    if (arn.startsWith("arn:aws:glue:") || arn.startsWith("arn:aws:states:")) {
                        assert.ok(arn.includes(`:${expected.account}:`), `${policy.name}: ${arn}`);
                    }
                }
            }
        });

        it(`${expected.pagesOncall ? "routes alerts to on-call as well as" : "alerts only"} the team`, () => {
            const subscriptions = resourcesOfType(run, "aws:sns/topicSubscription:TopicSubscription");
            assert.deepEqual(
                subscriptions.map((s) => s.name).sort(),
                expected.pagesOncall ? ["oncall-subscription", "team-email-subscription"] : ["team-email-subscription"],
            );
            assert.equal(
                resource(run, "aws:sns/topicSubscription:TopicSubscription", "team-email-subscription").inputs.endpoint,
                config["atlas:teamAlertEmail"],
            );
            if (expected.pagesOncall) {
                const oncall = resource(run, "aws:sns/topicSubscription:TopicSubscription", "oncall-subscription");
                assert.deepEqual([oncall.inputs.protocol, oncall.inputs.endpoint], ["https", TEST_ONCALL_ENDPOINT]);
                assert.deepEqual(oncall.secretInputs, ["endpoint"]);
            }
            const topic = resource(run, "aws:sns/topic:Topic", "alert-topic");
            assert.equal(topic.inputs.kmsMasterKeyId, "arn:mock:aws:kms/key:Key:data-key");
        });

        it("alarms on failed job runs, pipeline runs and quality gates", () => {
            const alarms = resourcesOfType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.deepEqual(alarms.map((a) => a.name).sort(), ["data-quality-failure-alarm", "etl-job-failure-alarm", "state-machine-failure-alarm"]);
            for (const alarm of alarms) {
                assert.deepEqual(alarm.inputs.alarmActions, ["arn:mock:aws:sns/topic:Topic:alert-topic"]);
            }
        });

        it("exports who it is for the policy pack's environment guardrails", () => {
            const parsed = parseEnvironmentIdentity(run.outputs?.environmentIdentity, "environmentIdentity");
            assert.ok(parsed.ok, parsed.ok ? "" : parsed.problems.join("\n"));
            assert.deepEqual(parsed.value, {
                environment: stack,
                awsAccountId: expected.account,
                namePrefix: config["atlas:namePrefix"],
                developerPrincipals: JSON.parse(config["atlas:developerPrincipals"]),
                consumerPrincipals: JSON.parse(config["atlas:consumerPrincipals"]),
            });
        });

        it("never writes the on-call endpoint into its outputs", () => {
            assert.ok(!JSON.stringify(run.outputs).includes(TEST_ONCALL_ENDPOINT));
        });

        it("sizes jobs, retention and query limits from config", () => {
            const job = resource(run, "aws:glue/job:Job", "etl-job").inputs;
            assert.deepEqual(
                [job.workerType, job.numberOfWorkers, job.timeout, job.maxRetries, job.glueVersion],
                [
                    config["atlas:glueWorkerType"],
                    Number(config["atlas:glueNumberOfWorkers"]),
                    Number(config["atlas:glueJobTimeoutMinutes"]),
                    Number(config["atlas:glueJobMaxRetries"]),
                    config["atlas:glueVersion"],
                ],
            );
            for (const logGroup of resourcesOfType(run, "aws:cloudwatch/logGroup:LogGroup")) {
                assert.equal(logGroup.inputs.retentionInDays, Number(config["atlas:logRetentionDays"]));
            }
            const workgroup = resource(run, "aws:athena/workgroup:Workgroup", "query-workgroup").inputs.configuration;
            assert.equal(workgroup.enforceWorkgroupConfiguration, true);
            assert.equal(workgroup.bytesScannedCutoffPerQuery, Number(config["atlas:athenaBytesScannedCutoffMb"]) * 1024 * 1024);
            assert.equal(workgroup.resultConfiguration.encryptionConfiguration.encryptionOption, "SSE_KMS");
            const rule = resource(run, "aws:cloudwatch/eventRule:EventRule", "pipeline-schedule").inputs;
            assert.equal(rule.scheduleExpression, config["atlas:pipelineSchedule"]);
            const rules = resource(run, "aws:glue/dataQualityRuleset:DataQualityRuleset", "landing-quality-ruleset").inputs.ruleset;
            assert.ok(rules.includes(`RowCount >= ${config["atlas:dataQualityMinRowCount"]}`), rules);
            assert.ok(rules.includes(`Completeness "record_id" >= ${(Number(config["atlas:dataQualityMinCompletenessPercent"]) / 100).toFixed(2)}`), rules);
        });
    });
}

describe("who can reach which data", () => {
    let runs: Record<StackName, ProgramRun>;
    before(async () => {
        runs = { dev: await stackRun("dev"), staging: await stackRun("staging"), prod: await stackRun("prod") };
    });

    const bucketArn = (stack: StackName, zone: string) => `arn:aws:s3:::atlas-${stack}-${zone}-${EXPECTED[stack].account}/*`;

    it("developers read and write every zone in dev", () => {
        for (const zone of ["landing", "curated", "published"]) {
            assert.ok(resourcesAllowed(runs.dev, "developer", "s3:PutObject").includes(bucketArn("dev", zone)), zone);
        }
    });

    it("QA reads every zone in staging and writes none", () => {
        for (const zone of ["landing", "curated", "published"]) {
            assert.ok(resourcesAllowed(runs.staging, "qa", "s3:GetObject").includes(bucketArn("staging", zone)), zone);
            assert.ok(!resourcesAllowed(runs.staging, "qa", "s3:PutObject").includes(bucketArn("staging", zone)), zone);
        }
    });

    it("consumers read the published zone in prod, and no other zone", () => {
        const readable = resourcesAllowed(runs.prod, "consumer", "s3:GetObject").filter((arn) => /-(landing|curated|published)-/.test(arn));
        assert.deepEqual(readable, [bucketArn("prod", "published")]);
        assert.ok(!resourcesAllowed(runs.prod, "consumer", "s3:PutObject").includes(bucketArn("prod", "published")));
    });

    it("the pipeline reads landing and writes curated and published, never the other way round", () => {
        const writable = resourcesAllowed(runs.prod, "pipeline", "s3:PutObject");
        assert.ok(writable.includes(bucketArn("prod", "curated")) && writable.includes(bucketArn("prod", "published")));
        assert.ok(!writable.includes(bucketArn("prod", "landing")));
        assert.ok(resourcesAllowed(runs.prod, "pipeline", "s3:GetObject").includes(bucketArn("prod", "landing")));
    });

    it("exports the human roles' ARNs only where they exist", () => {
        const roleOutputs = (run: ProgramRun) => Object.keys(run.outputs ?? {}).filter((k) => /^(developer|qa|consumer)RoleArn$/.test(k));
        assert.deepEqual(
            [roleOutputs(runs.dev), roleOutputs(runs.staging), roleOutputs(runs.prod)],
            [["developerRoleArn"], ["qaRoleArn"], ["consumerRoleArn"]],
        );
    });
});

describe("the pipeline", () => {
    let run: ProgramRun;
    before(async () => {
        run = await stackRun("dev");
    });

    it("uploads the repository's PySpark script and runs it as the ETL job", async () => {
        const script = resource(run, "aws:s3/bucketObjectv2:BucketObjectv2", "etl-script").inputs;
        assert.equal(await script.source.path, ETL_SCRIPT_PATH);
        assert.ok(fs.existsSync(ETL_SCRIPT_PATH));
        assert.equal(script.bucket, "atlas-dev-artifacts-111111111111");
        const job = resource(run, "aws:glue/job:Job", "etl-job").inputs;
        assert.equal(job.command.scriptLocation, `s3://atlas-dev-artifacts-111111111111/${script.key}`);
        assert.equal(job.securityConfiguration, "atlas-dev-glue");
    });

    it("ingests, checks quality, and only then transforms and publishes", () => {
        const machine = parsedJson(resource(run, "aws:sfn/stateMachine:StateMachine", "pipeline-state-machine").inputs.definition);
        const states = machine.States as Record<string, Inputs>;
        const successors = (state: Inputs): string[] =>
            state.Type === "Choice" ? [...state.Choices.map((c: Inputs) => c.Next), state.Default] : state.Next ? [state.Next] : [];
        const predecessors = (target: string) => Object.keys(states).filter((name) => successors(states[name]).includes(target));
        assert.equal(machine.StartAt, "Ingest");
        assert.deepEqual(predecessors("QualityCheck"), ["IngestDone"]);
        assert.deepEqual(predecessors("Transform"), ["QualityPassed"]);
        assert.deepEqual(successors(states.Transform), ["Publish"]);
        assert.equal(states.Publish.End, true);
        assert.deepEqual(states.QualityPassed.Choices, [{ Variable: "$.qualityResult.Score", NumericLessThan: 1, Next: "RecordQualityFailure" }]);
        assert.equal(states.RecordQualityFailure.Next, "RejectDrop");
        assert.equal(states.RejectDrop.Type, "Fail");
    });

    it("keeps its log groups encrypted with the environment's key", () => {
        for (const logGroup of resourcesOfType(run, "aws:cloudwatch/logGroup:LogGroup")) {
            assert.equal(logGroup.inputs.kmsKeyId, "arn:mock:aws:kms/key:Key:data-key", logGroup.name);
        }
    });
});

describe("the prod stack's view of staging", () => {
    const stagingRelease = assembleReleaseFacts({
        project: "atlas",
        stack: "staging",
        environment: "staging",
        release: { version: "1.2.3", commit: null, digest: null },
    });

    it("qualifies the upstream stack name and carries staging's release output", async () => {
        const run = await runStack("prod", { upstreamOutputs: { release: stagingRelease } });
        assert.equal(run.outputs?.upstreamStack, "organization/atlas/staging");
        assert.deepEqual(run.outputs?.upstreamRelease, stagingRelease);
        assert.equal(resource(run, "pulumi:pulumi:StackReference", "upstream-stack").inputs.name, "organization/atlas/staging");
    });

    it("keeps an already qualified name, and deploys without staging's output rather than throwing", async () => {
        const run = await runStack("prod", { set: { "atlas:upstreamStack": "acme/atlas/staging" } });
        assert.equal(run.error, undefined);
        assert.equal(run.outputs?.upstreamStack, "acme/atlas/staging");
        assert.equal(run.outputs?.upstreamRelease, undefined);
    });

    it("is absent from stacks without an upstream", async () => {
        const run = await stackRun("staging");
        assert.ok(!("upstreamStack" in (run.outputs ?? {})));
        assert.deepEqual(resourcesOfType(run, "pulumi:pulumi:StackReference"), []);
    });
});

/**
 * staging-prod-parity and staging-prod-parity-coverage: prod's plan, as the engine passes it to
 * the pack (converted by src/planned-state.ts), against staging's checkpoint as the tooling
 * passes it (`stagingState`). The comparison itself is tested in desired-state.spec.ts; here, what
 * the policies make of it, and what planned-state.ts makes of the engine's values.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import { SECRET as SECRET_MARKER, ASSET, UNKNOWN } from "../src/contract/desired-state/values";
import { ASSET_SIG, SIG } from "../src/contract/value-signatures";
import { plannedResources } from "../src/planned-state";
import { stagingProdParity } from "../src/policies/staging-prod-parity";
import { stagingProdParityCoverage } from "../src/policies/staging-prod-parity-coverage";
import {
    CONSUMER,
    ETL_SCRIPT,
    KEY_IDS,
    PREFIXES,
    PROVIDER,
    SECRET,
    TOPIC_NAMES,
    blockFor,
    compliantStack,
    environmentValuesOf,
    gateConfig,
    keyArnOf,
    stagingResources,
    stagingState,
    withProps,
    withResource,
} from "./fixtures";
import { ResourceSpec, UNKNOWN_OBJECT, UNKNOWN_STRING, messagesOf, onlyMessage, secret, stackResources, stringAsset } from "./helpers";

const prod = compliantStack("prod");
const PARITY = blockFor(stagingProdParity.name);
const COVERAGE = blockFor(stagingProdParityCoverage.name);

const parityMessages = (stack: ResourceSpec[], config: object = PARITY) => messagesOf(stagingProdParity, "prod", stack, config);
const parityMessage = (stack: ResourceSpec[], config: object = PARITY) => onlyMessage(stagingProdParity, "prod", stack, config);

/** The config promote would build with this staging state. */
const withStagingState = (state: unknown) => blockFor(stagingProdParity.name, gateConfig({ stagingState: state }));

/**
 * Prod's plan on its first deployment: what the cloud computes (ARNs, key ids) is unknown during
 * preview, and so is every input computed from it; the rest (names from config, auto-names) is known.
 */
function firstDeployment(stack: ResourceSpec[]): ResourceSpec[] {
    const computed = new Set(
        stack.flatMap((spec) =>
            Object.values(spec.outputs ?? {}).filter((v): v is string => typeof v === "string" && !Object.values(spec.props ?? {}).includes(v)),
        ),
    );
    const unknownIfComputed = (value: unknown): unknown => {
        if (typeof value === "string") {
            return [...computed].some((c) => value.includes(c)) ? UNKNOWN_STRING : value;
        }
        if (Array.isArray(value)) {
            return value.map(unknownIfComputed);
        }
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownIfComputed(v)]));
        }
        return value;
    };
    return stack.map((spec) => ({
        ...spec,
        props: spec.type === "pulumi:pulumi:Stack" ? spec.props : (unknownIfComputed(spec.props) as Record<string, unknown>),
        outputs: spec.outputs && Object.fromEntries(Object.keys(spec.outputs).map((key) => [key, UNKNOWN_STRING])),
    }));
}

describe("staging-prod-parity", () => {
    it("passes prod's compliant plan: every difference from staging is an environment-specific or generated value", async () => {
        assert.deepStrictEqual(await parityMessages(prod), []);
    });

    it("refuses a setting prod makes that staging leaves to its provider (prod's own inputs, recorded by the resource policy)", async () => {
        const message = await parityMessage(
            withResource(prod, "etl", (spec) => ({
                ...spec,
                props: { ...spec.props, executionClass: "FLEX" },
                outputs: { ...spec.outputs, executionClass: "FLEX" },
            })),
        );
        assert.match(message, /aws:glue\/job:Job "etl" executionClass: staging (\(absent\)|"STANDARD"), prod "FLEX"/);
    });

    it("refuses a plan whose inputs the recorder did not see (staging-prod-parity-inputs disabled)", async () => {
        const unseen: ResourceSpec = { type: "aws:sqs/queue:Queue", name: "never-analyzed-queue", provider: PROVIDER, props: { name: "q" } };
        const resources = stackResources("prod", [...prod, unseen], { analyze: false });
        const messages: string[] = [];
        await stagingProdParity.validateStack(
            { resources, stackTags: new Map(), getConfig: <T>() => PARITY as T, notApplicable: () => assert.fail("not applicable") },
            (message) => messages.push(message),
        );
        assert.equal(messages.length, 1, messages.join("\n"));
        assert.match(
            messages[0],
            /the inputs of 1 of prod's resources were not recorded \(is staging-prod-parity-inputs disabled\?\)[\s\S]*never-analyzed-queue/,
        );
    });

    it("refuses a property that differs only in prod, naming the resource, the path and both values", async () => {
        const message = await parityMessage(withProps(prod, "etl", { numberOfWorkers: 8 }));
        assert.match(message, /^Refused for stack "prod": prod differs from what staging runs in 1 place\(s\) \(environment-specific values set aside\):\n/);
        assert.match(message, /\n {2}- aws:glue\/job:Job "etl" numberOfWorkers: staging 4, prod 8\.\n/);
        assert.match(message, /To fix: make the code and Pulumi\.prod\.yaml produce what staging runs \(only keys in ENVIRONMENT_SPECIFIC_CONFIG may differ/);
    });

    it("refuses a changed statement inside a JSON policy document, with the path into the document", async () => {
        const policy = JSON.parse(JSON.parse(JSON.stringify(prod.find((r) => r.name === "raw-policy")!.props!.policy)));
        policy.Statement[0].Resource.push("arn:aws:s3:::atlas-prod-raw/extra/*");
        policy.Statement[1].Action = "s3:*";
        const message = await parityMessage(withProps(prod, "raw-policy", { policy: JSON.stringify(policy) }));
        assert.match(message, /in 2 place\(s\)/);
        assert.match(
            message,
            /- aws:s3\/bucketPolicy:BucketPolicy "raw-policy" policy \(JSON\)\.Statement\[0\]\.Resource: staging 2 item\(s\): .*, prod 3 item\(s\): /,
        );
        assert.match(message, /- aws:s3\/bucketPolicy:BucketPolicy "raw-policy" policy \(JSON\)\.Statement\[1\]\.Action: staging "s3:GetObject", prod "s3:\*"/);
    });

    it("lists several differences in one message, resources in order", async () => {
        let stack = withProps(prod, "etl", { workerType: "G.2X" });
        stack = withProps(stack, "etl-logs", { retentionInDays: 30 });
        stack = withResource(stack, "raw", (r) => ({ ...r, protect: false }));
        const message = await parityMessage(stack);
        assert.match(message, /in 3 place\(s\)/);
        const lines = message.split("\n").filter((l) => l.startsWith("  - "));
        assert.strictEqual(lines.length, 3, message);
        assert.ok(lines[0].includes('aws:cloudwatch/logGroup:LogGroup "etl-logs" retentionInDays: staging 14, prod 30'), lines[0]);
        assert.ok(lines[1].includes('aws:glue/job:Job "etl" workerType: staging "G.1X", prod "G.2X"'), lines[1]);
        assert.ok(lines[2].includes('aws:s3/bucketV2:BucketV2 "raw" (protect): staging true, prod false'), lines[2]);
    });

    it("refuses a resource only prod has, and one only staging has", async () => {
        const extra: ResourceSpec = { type: "aws:sqs/queue:Queue", name: "extra", props: { name: `${PREFIXES.prod}-extra` }, provider: PROVIDER };
        assert.match(await parityMessage([...prod, extra]), /- aws:sqs\/queue:Queue "extra" \(resource\): staging \(absent\), prod present\./);
        assert.match(
            await parityMessage(prod.filter((r) => r.name !== "queries")),
            /- aws:athena\/workgroup:Workgroup "queries" \(resource\): staging present, prod \(absent\)\./,
        );
    });

    it("allows the environment-specific resources: staging's qa-* and prod's consumer-* and oncall-*", async () => {
        const oncall: ResourceSpec = {
            type: "aws:sns/topicSubscription:TopicSubscription",
            name: "oncall-pager",
            props: { protocol: "https", endpoint: secret("https://pager.example.com/x") },
            provider: PROVIDER,
        };
        assert.deepStrictEqual(await parityMessages([...prod, oncall]), []);
        assert.ok(
            prod.some((r) => r.name === "consumer-read"),
            "prod has its consumer role",
        );
    });

    it("sets aside the environment-specific values and nothing else: a team e-mail not in the stack file differs", async () => {
        assert.match(
            await parityMessage(withProps(prod, "team-email", { endpoint: "someone-else@example.com" })),
            /"team-email" endpoint: staging "<teamAlertEmail>", prod "someone-else@example\.com"/,
        );
        const otherEmail = {
            ...stagingState(),
            environments: { staging: environmentValuesOf("staging"), prod: { ...environmentValuesOf("prod"), teamAlertEmail: "someone-else@example.com" } },
        };
        assert.deepStrictEqual(await parityMessages(withProps(prod, "team-email", { endpoint: "someone-else@example.com" }), withStagingState(otherEmail)), []);
    });

    it("sets aside prod's consumer principals only in a role's trust: granted in a bucket policy, prod's own consumer is a difference", async () => {
        assert.ok(JSON.stringify(prod).includes(CONSUMER));
        const policy = (prod.find((r) => r.name === "raw-policy")!.props!.policy as string).replace(
            '"Principal":{"AWS":[]}',
            JSON.stringify({ Principal: { AWS: [CONSUMER] } }).slice(1, -1),
        );
        assert.notStrictEqual(
            policy,
            prod.find((r) => r.name === "raw-policy")!.props!.policy,
            "the fixture's bucket policy has an empty principal list to fill",
        );
        assert.match(
            await parityMessage(withProps(prod, "raw-policy", { policy })),
            /policy \(JSON\)\.Statement\[1\]\.Principal\.AWS: staging 0 item\(s\): \[\], prod 1 item\(s\): \["arn:aws:iam::444444444444:role\/analytics-consumers"\]/,
        );
    });

    it("sets aside the KMS key id AWS generated, but not a reference to another key", async () => {
        assert.notStrictEqual(KEY_IDS.staging, KEY_IDS.prod);
        const otherKey = keyArnOf("prod").replace(KEY_IDS.prod, "ffffffff-0000-4000-8000-000000000000");
        const message = await parityMessage(withProps(prod, "etl-logs", { kmsKeyId: otherKey }));
        assert.match(
            message,
            /"etl-logs" kmsKeyId: staging "arn:aws:kms:<awsRegion>:<awsAccountId>:key\/<generated-1>", prod "arn:aws:kms:<awsRegion>:<awsAccountId>:key\/ffffffff-0000-4000-8000-000000000000"/,
        );
    });

    it("sets aside the topic's auto-name, but not a topic named in prod (whose ARN then differs in its dependents too)", async () => {
        assert.notStrictEqual(TOPIC_NAMES.staging, TOPIC_NAMES.prod);
        const named = withResource(prod, "alerts", (r) => ({
            ...r,
            props: { ...r.props, name: "atlas-prod-alerts" },
            outputs: { arn: "arn:aws:sns:eu-west-1:333333333333:atlas-prod-alerts" },
        }));
        const message = await parityMessage(named);
        assert.match(message, /"alerts" name: staging "alerts-1a2b3c4", prod "<namePrefix>-alerts"/);
        assert.match(
            message,
            /"team-email" topic: staging "arn:aws:sns:<awsRegion>:<awsAccountId>:alerts-1a2b3c4", prod "arn:aws:sns:<awsRegion>:<awsAccountId>:alerts-7f8e9d0"/,
        );
    });

    it("reports a renamed Glue job although its computed ARN changed with the name (a setting is never taken for a generated id)", async () => {
        const renamed = withResource(prod, "etl", (r) => ({
            ...r,
            props: { ...r.props, name: "atlas-prod-etl-nightly" },
            outputs: { arn: "arn:aws:glue:eu-west-1:333333333333:job/atlas-prod-etl-nightly" },
        }));
        const message = await parityMessage(renamed);
        assert.match(message, /in 1 place\(s\)/);
        assert.match(message, /"etl" name: staging "<namePrefix>-etl", prod "<namePrefix>-etl-nightly"/);
    });

    it("compares secrets by digest and never prints one, even beside a plain value", async () => {
        const plain = await parityMessage(withProps(prod, "webhook-token", { value: "plain-text-secret-value" }));
        assert.match(plain, /"webhook-token" value: staging \[secret sha256:[0-9a-f]{12}\], prod \[not secret\]/);
        const other = await parityMessage(withProps(prod, "webhook-token", { value: secret("another-secret-value") }));
        assert.match(other, /"webhook-token" value: staging \[secret sha256:[0-9a-f]{12}\], prod \[secret sha256:[0-9a-f]{12}\]/);
        for (const message of [plain, other]) {
            assert.ok(!message.includes(SECRET) && !message.includes("plain-text-secret-value") && !message.includes("another-secret-value"), message);
        }
    });

    it("compares file assets by content hash", async () => {
        const message = await parityMessage(withProps(prod, "etl-script", { source: stringAsset("print('changed')") }));
        const hash = createHash("sha256").update(fs.readFileSync(ETL_SCRIPT)).digest("hex");
        assert.match(
            message,
            new RegExp(
                `"etl-script" source: staging \\[file content ${hash.slice(0, 12)}\\], prod \\[file content ${createHash("sha256").update("print('changed')").digest("hex").slice(0, 12)}\\]`,
            ),
        );
    });

    it("compares components only by existence and kind", async () => {
        assert.deepStrictEqual(await parityMessages(withProps(prod, "storage", { bucketName: "anything", extra: 1 })), []);
        const message = await parityMessage(withResource(prod, "storage", (r) => ({ ...r, provider: PROVIDER })));
        assert.match(message, /"storage" \(kind\): staging component, prod custom resource/);
    });

    it("refuses a changed provider or dependency", async () => {
        const otherProvider: ResourceSpec = { type: "pulumi:providers:aws", name: "aws-other", props: { region: "eu-west-1" } };
        assert.match(
            await parityMessages([...withResource(prod, "queries", (r) => ({ ...r, provider: "aws-other" })), otherProvider]).then((m) => m.join("\n")),
            /"queries" \(provider\): staging urn:pulumi:<environment>::atlas::pulumi:providers:aws::atlas-aws, prod urn:pulumi:<environment>::atlas::pulumi:providers:aws::aws-other/,
        );
        assert.match(
            await parityMessage(withResource(prod, "queries", (r) => ({ ...r, dependsOn: { name: ["raw"] } }))),
            /"queries" \(dependencies\): staging \(no others\), prod "raw"/,
        );
    });

    describe("values unknown during preview", () => {
        it("passes prod's first deployment, comparing what the cloud computes by the resources it comes from", async () => {
            assert.deepStrictEqual(await parityMessages(firstDeployment(prod)), []);
        });

        it("refuses an unknown value computed from other resources than staging's", async () => {
            const stack = withResource(prod, "etl-logs", (r) => ({
                ...r,
                props: { ...r.props, kmsKeyId: UNKNOWN_STRING },
                dependsOn: { kmsKeyId: ["glue-role"] },
            }));
            const message = await parityMessage(stack);
            assert.match(message, /"etl-logs" kmsKeyId \(computed from\): staging "data-key", prod "glue-role"/);
        });

        it("refuses an unknown value computed from no resource, as uncompared", async () => {
            const message = await parityMessage(withProps(prod, "queries", { description: UNKNOWN_STRING }));
            assert.match(
                message,
                /^Refused for stack "prod": 1 value\(s\) of prod could not be compared with staging's:\n {2}- aws:athena\/workgroup:Workgroup "queries" description: it is unknown until the update and computed from no resource of the stack\./,
            );
        });

        it("compares an unknown nested value by the dependencies of its top-level property", async () => {
            const stack = withProps(prod, "queries", { configuration: { bytesScannedCutoffPerQuery: UNKNOWN_STRING } });
            assert.match(await parityMessage(stack), /"queries" configuration: it is unknown until the update and computed from no resource/);
            const traced = withResource(stack, "queries", (r) => ({ ...r, dependsOn: { configuration: ["raw"] } }));
            assert.match((await parityMessages(traced)).join("\n"), /"queries" configuration \(computed from\): staging \(nothing\), prod "raw"/);
        });
    });

    describe("evidence", () => {
        it("refuses a missing stagingState, saying to run promote", async () => {
            const { stagingState: _state, ...promotionOnly } = PARITY as Record<string, unknown>;
            const message = await parityMessage(prod, promotionOnly);
            assert.match(
                message,
                /carries no record of what staging runs \(policy config `stagingState`\), so prod cannot be compared with it\.\nTo fix: run `npm run promote/,
            );
        });

        it("refuses a malformed stagingState, naming what is wrong", async () => {
            const messages = await parityMessages(prod, withStagingState({ environments: { staging: {} }, resources: [{ urn: "x" }] }));
            assert.strictEqual(messages.length, 2);
            assert.match(messages[0], /`stagingState`\.environments should be \{staging: \{\.\.\.\}, prod: \{\.\.\.\}\}/);
            assert.match(messages[1], /`stagingState`\.resources should be a list of \{urn, type, custom, inputs/);
        });

        it("refuses a staging state that holds none of prod's resources", async () => {
            assert.match(
                await parityMessage(prod, withStagingState(stagingState([]))),
                /staging's state holds none of prod's resources, so there is nothing to compare prod with/,
            );
        });

        it("refuses environment-specific values that do not look like their key's (they could hide a real difference)", async () => {
            const state = stagingState();
            const hiding = { ...state, environments: { staging: state.environments.staging, prod: { ...state.environments.prod, teamAlertEmail: "G.1X" } } };
            const message = await parityMessage(withProps(prod, "etl", { workerType: "G.2X" }), withStagingState(hiding));
            assert.match(
                message,
                /these do not look like what their keys hold, so they could hide a real difference: prod: atlas:teamAlertEmail is "G\.1X", not an e-mail address/,
            );
        });

        it("refuses unknown keys in its block", async () => {
            assert.match(
                await parityMessage(prod, { ...PARITY, stagingstate: {} }),
                /policy config for "staging-prod-parity" has unknown key\(s\) stagingstate/,
            );
        });

        it("lists at most 40 differences, then counts the rest", async () => {
            const extras = Array.from({ length: 45 }, (_, i): ResourceSpec => ({
                type: "aws:sqs/queue:Queue",
                name: `extra-${String(i).padStart(2, "0")}`,
                props: {},
                provider: PROVIDER,
            }));
            const message = await parityMessage([...prod, ...extras]);
            assert.match(message, /in 45 place\(s\)/);
            assert.strictEqual(message.split("\n").filter((l) => l.startsWith("  - aws:sqs")).length, 40);
            assert.match(message, /\n {2}- … and 5 more\.\n/);
        });
    });
});

describe("staging-prod-parity-coverage", () => {
    /** promote gives staging's state to staging-prod-parity only: the note reads parity's comparison of the same resources. */
    const coverageAfterParity = async (stack: ResourceSpec[]) => {
        await parityMessages(stack);
        return messagesOf(stagingProdParityCoverage, "prod", stack, COVERAGE);
    };

    it("receives no staging state from promote, and reads the comparison staging-prod-parity made", () => {
        assert.strictEqual("stagingState" in (COVERAGE as Record<string, unknown>), false);
    });

    it("says nothing when every value was compared by value", async () => {
        assert.deepStrictEqual(await coverageAfterParity(prod), []);
    });

    it("advises (never refuses) which values were compared by the resources they are computed from", async () => {
        const [message, ...rest] = await coverageAfterParity(firstDeployment(prod));
        assert.deepStrictEqual(rest, []);
        assert.match(
            message,
            /^Advice for stack "prod": \d+ value\(s\) are unknown until the update and were compared by the resources they are computed from:\n/,
        );
        assert.match(message, /- aws:cloudwatch\/logGroup:LogGroup "etl-logs" kmsKeyId ← data-key/);
        assert.match(message, /- aws:glue\/job:Job "etl" roleArn ← glue-role/);
        assert.match(message, /To fix: nothing; the update's own policy run compares them by value\.$/);
    });

    it("says nothing about resources parity has not compared (another plan than parity's last)", async () => {
        await parityMessages(prod);
        assert.deepStrictEqual(
            await messagesOf(stagingProdParityCoverage, "prod", firstDeployment(withProps(prod, "etl", { numberOfWorkers: 8 })), COVERAGE),
            [],
        );
    });

    it("compares by itself when given staging's state", async () => {
        const [message] = await messagesOf(stagingProdParityCoverage, "prod", firstDeployment(prod), blockFor(stagingProdParity.name));
        assert.match(message, /compared by the resources they are computed from/);
    });

    it("leaves differences to staging-prod-parity", async () => {
        assert.deepStrictEqual(await coverageAfterParity(withProps(prod, "etl", { numberOfWorkers: 8 })), []);
    });
});

describe("prod's plan as parity reads it (planned-state.ts)", () => {
    const planned = async (specs: ResourceSpec[]) => (await plannedResources(stackResources("prod", specs))).resources;
    const one = async (spec: ResourceSpec, others: ResourceSpec[] = []) => (await planned([...others, spec])).find((r) => r.urn.endsWith(`::${spec.name}`))!;
    const provider: ResourceSpec = { type: "pulumi:providers:aws", name: PROVIDER, props: { region: "eu-west-1" } };

    it("tells custom resources (with a provider, or providers themselves) from components", async () => {
        const resources = await planned([
            provider,
            { type: "atlas:storage:Storage", name: "storage" },
            { type: "aws:sqs/queue:Queue", name: "q", provider: PROVIDER },
        ]);
        assert.deepStrictEqual(
            resources.map((r) => [r.type, r.custom]),
            [
                ["pulumi:providers:aws", true],
                ["atlas:storage:Storage", false],
                ["aws:sqs/queue:Queue", true],
            ],
        );
        assert.strictEqual(resources[2].provider, "urn:pulumi:prod::atlas::pulumi:providers:aws::atlas-aws");
    });

    it("leaves out the engine's bookkeeping: the Stack and stack references", async () => {
        const resources = await planned([
            { type: "pulumi:pulumi:Stack", name: "atlas-prod" },
            { type: "pulumi:pulumi:StackReference", name: "upstream-stack", props: { name: "organization/atlas/staging" } },
            provider,
        ]);
        assert.deepStrictEqual(
            resources.map((r) => r.type),
            ["pulumi:providers:aws"],
        );
    });

    it("turns values the engine marked secret into digests, at any depth, and leaves other values plain", async () => {
        const r = await one(
            {
                type: "aws:sqs/queue:Queue",
                name: "q",
                provider: PROVIDER,
                props: { token: secret(SECRET), nested: { list: ["plain", secret(SECRET)] }, plain: SECRET },
            },
            [provider],
        );
        const digest = (r.inputs.token as Record<string, string>)[SECRET_MARKER];
        assert.match(digest, /^sha256:[0-9a-f]{64}$/);
        assert.deepStrictEqual(r.inputs.nested, { list: ["plain", { [SECRET_MARKER]: digest }] });
        assert.strictEqual(r.inputs.plain, SECRET, "a value not marked secret stays as it is");
        assert.ok(!JSON.stringify({ ...r.inputs, plain: undefined }).includes(SECRET));
    });

    it("turns the engine's unknown sentinels into markers, at any depth, reading past the unknown-checking proxy", async () => {
        const r = await one(
            {
                type: "aws:sqs/queue:Queue",
                name: "q",
                provider: PROVIDER,
                props: { arn: UNKNOWN_STRING, policy: UNKNOWN_OBJECT, tags: { owner: UNKNOWN_STRING, team: "data" } },
            },
            [provider],
        );
        assert.deepStrictEqual(r.inputs, { arn: { [UNKNOWN]: true }, policy: { [UNKNOWN]: true }, tags: { owner: { [UNKNOWN]: true }, team: "data" } });
    });

    it("hashes file and text assets as the checkpoint records them", async () => {
        const r = await one(
            {
                type: "aws:s3/bucketObjectv2:BucketObjectv2",
                name: "o",
                provider: PROVIDER,
                props: { source: stringAsset("hello"), script: { path: ETL_SCRIPT } },
            },
            [provider],
        );
        assert.deepStrictEqual(r.inputs.source, { [ASSET]: createHash("sha256").update("hello").digest("hex") });
        assert.deepStrictEqual(r.inputs.script, { path: ETL_SCRIPT }, "a plain object with a path is not an asset");
        const file = await one(
            {
                type: "aws:s3/bucketObjectv2:BucketObjectv2",
                name: "o",
                provider: PROVIDER,
                props: { source: prod.find((s) => s.name === "etl-script")!.props!.source },
            },
            [provider],
        );
        assert.deepStrictEqual(file.inputs.source, { [ASSET]: createHash("sha256").update(fs.readFileSync(ETL_SCRIPT)).digest("hex") });
        const missing = await one(
            {
                type: "aws:s3/bucketObjectv2:BucketObjectv2",
                name: "o",
                provider: PROVIDER,
                props: { source: { [SIG]: ASSET_SIG, path: "/nonexistent/file.py" } },
            },
            [provider],
        );
        assert.deepStrictEqual(missing.inputs.source, { [ASSET]: "(unreadable file /nonexistent/file.py)" });
    });

    it("records dependencies, property dependencies and protect", async () => {
        const r = await one({ type: "aws:sqs/queue:Queue", name: "q", provider: PROVIDER, protect: true, dependsOn: { kmsKeyId: [PROVIDER] } }, [provider]);
        assert.strictEqual(r.protect, true);
        assert.deepStrictEqual(r.dependencies, ["urn:pulumi:prod::atlas::pulumi:providers:aws::atlas-aws"]);
        assert.deepStrictEqual(r.propertyDependencies, { kmsKeyId: ["urn:pulumi:prod::atlas::pulumi:providers:aws::atlas-aws"] });
    });

    it("matches staging's checkpoint form for the same platform (the fixtures' control)", async () => {
        const staging = stagingResources();
        const plan = await planned(prod);
        const webhook = (rs: typeof plan) => rs.find((r) => r.urn.endsWith("::webhook-token"))!.inputs.value;
        assert.deepStrictEqual(webhook(plan), webhook(staging), "the same secret gives the same digest on both sides");
    });
});

/**
 * Desired-state parity (src/contract/desired-state): staging's checkpoint against prod's plan,
 * property by property, with environment-specific values and generated ids set aside. Pure
 * functions over hand-built resources; the policies that use them are in parity.spec.ts.
 */
import { compareEngineOnlyOptions, engineOnlyOptionsOf, placeOf } from "../src/contract/desired-state/engine-only-options";
import * as assert from "assert";
import { CheckpointResource, EncryptedSecretError, comparedResourcesOf, holdsSecrets } from "../src/contract/desired-state/checkpoint";
import { ParityComparison, compareDesiredState } from "../src/contract/desired-state/compare";
import { EnvironmentNormaliser, misshapenValues } from "../src/contract/desired-state/environment";
import { GeneratedValues, isAutoName, tokensOf } from "../src/contract/desired-state/generated";
import { ComparedResource, isCompared, labelOf, logicalNameOf } from "../src/contract/desired-state/resources";
import {
    ASSET,
    JSON_TEXT,
    SECRET,
    UNKNOWN,
    UNKNOWN_VALUE,
    assetValue,
    containsUnknown,
    isUnknown,
    markerOf,
    printable,
    secretValue,
} from "../src/contract/desired-state/values";
import {
    ENVIRONMENT_SPECIFIC_CONFIG,
    ENVIRONMENT_SPECIFIC_KEYS,
    isEnvironmentSpecificKey,
    isEnvironmentSpecificRole,
    stripNamespace,
} from "../src/contract/environment-keys";
import { CONSUMER, KEY_IDS, QA, environmentValuesOf } from "./fixtures";
import { SECRET_SIG, SIG } from "./helpers";

type Stack = "staging" | "prod";
const ENV = { staging: environmentValuesOf("staging"), prod: environmentValuesOf("prod") };
const ACCOUNT = { staging: "222222222222", prod: "333333333333" };
const PREFIX = { staging: "atlas-staging", prod: "atlas-prod" };
const PROVIDER_URN = (stack: Stack) => `urn:pulumi:${stack}::atlas::pulumi:providers:aws::aws`;

function urn(stack: Stack, type: string, name: string): string {
    return `urn:pulumi:${stack}::atlas::${type}::${name}`;
}

/** A custom resource of one stack: staging's as its checkpoint has it (with `computed`), prod's as planned (without). */
function resource(stack: Stack, type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ComparedResource> = {}): ComparedResource {
    return {
        urn: urn(stack, type, name),
        type,
        custom: true,
        inputs,
        ...(stack === "staging" ? { computed: {} } : {}),
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        provider: stack === "staging" ? `${PROVIDER_URN(stack)}::0a1b2c3d-id` : PROVIDER_URN(stack),
        ...extra,
    };
}

function compare(staging: ComparedResource[], prod: ComparedResource[]): ParityComparison {
    return compareDesiredState({ environment: ENV.staging, resources: staging }, { environment: ENV.prod, resources: prod });
}

/** A Glue job in each stack: the same settings, each stack's own names. */
function glueJob(stack: Stack, inputs: Record<string, unknown> = {}, computed?: Record<string, unknown>): ComparedResource {
    const name = (inputs.name as string | undefined) ?? `${PREFIX[stack]}-etl`;
    const arn = `arn:aws:glue:eu-west-1:${ACCOUNT[stack]}:job/${name}`;
    const job = resource(stack, "aws:glue/job:Job", "etl", { name, numberOfWorkers: 10, workerType: "G.2X", ...inputs });
    return stack === "staging" ? { ...job, computed: computed ?? { arn } } : { ...job, inputs: { ...job.inputs, ...(computed ?? { arn }) } };
}

const keyArn = (stack: Stack, id = KEY_IDS[stack]) => `arn:aws:kms:eu-west-1:${ACCOUNT[stack]}:key/${id}`;

/** A KMS key and a log group encrypted with it, as deployed (staging) and planned for a deployed prod. */
function keyAndLogs(stack: Stack, logKey = keyArn(stack)): ComparedResource[] {
    const key = resource(stack, "aws:kms/key:Key", "data-key", { enableKeyRotation: true, description: `${PREFIX[stack]} data key` });
    const computed = { arn: keyArn(stack), keyId: KEY_IDS[stack] };
    const logsUrnDeps = { kmsKeyId: [urn(stack, "aws:kms/key:Key", "data-key")] };
    return [
        stack === "staging" ? { ...key, computed } : { ...key, inputs: { ...key.inputs, ...computed } },
        resource(
            stack,
            "aws:cloudwatch/logGroup:LogGroup",
            "logs",
            { name: `/aws-glue/${PREFIX[stack]}`, kmsKeyId: logKey, retentionInDays: 365 },
            { dependencies: logsUrnDeps.kmsKeyId, propertyDependencies: logsUrnDeps },
        ),
    ];
}

describe("desired-state parity: compareDesiredState", () => {
    it("finds nothing between stacks that differ only in account, prefix, environment, principals, e-mail and generated ids", () => {
        const side = (stack: Stack): ComparedResource[] => [
            glueJob(stack, { defaultArguments: { "--environment": stack } }),
            resource(stack, "aws:sns/topicSubscription:TopicSubscription", "team-email", {
                protocol: "email",
                endpoint: stack === "staging" ? "atlas-staging-alerts@example.com" : "atlas-alerts@example.com",
            }),
            resource(stack, "aws:iam/role:Role", "reader", {
                name: `${PREFIX[stack]}-reader`,
                assumeRolePolicy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Principal: { AWS: stack === "prod" ? [CONSUMER] : [] }, Action: "sts:AssumeRole" }],
                }),
            }),
            resource(
                stack,
                "aws:s3/bucketV2:BucketV2",
                "published",
                { bucket: `${PREFIX[stack]}-published-${ACCOUNT[stack]}`, tags: { environment: stack, project: "atlas" } },
                { protect: true },
            ),
            ...keyAndLogs(stack),
        ];
        const result = compare(side("staging"), side("prod"));
        assert.deepStrictEqual(result.differences, []);
        assert.deepStrictEqual([result.comparedByDependency, result.uncompared, result.resourcesCompared], [[], [], 6]);
    });

    it("compares an environment-specific value with property sites as a value anywhere else (an alert e-mail routed into a Glue argument)", () => {
        const alerts = { staging: "atlas-staging-alerts@example.com", prod: "atlas-alerts@example.com" };
        const side = (stack: Stack) => [
            glueJob(stack, { defaultArguments: { "--alerts": alerts[stack as "staging" | "prod"] } }),
            resource(stack, "aws:iam/rolePolicy:RolePolicy", "reader", {
                policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: stack === "prod" ? [CONSUMER] : [] } }] }),
            }),
        ];
        assert.deepStrictEqual(
            compare(side("staging"), side("prod")).differences.map((d) => `${d.path}: ${d.staging} / ${d.prod}`),
            [
                'defaultArguments["--alerts"]: "<namePrefix>-alerts@example.com" / "atlas-alerts@example.com"',
                'policy (JSON).Statement[0].Principal.AWS: 0 item(s): [] / 1 item(s): ["arn:aws:iam::444444444444:role/analytics-consumers"]',
            ],
        );
    });

    it("reports a setting that differs, with the resource label, the path and both values", () => {
        const result = compare([glueJob("staging")], [glueJob("prod", { numberOfWorkers: 20 })]);
        assert.deepStrictEqual(result.differences, [{ resource: 'aws:glue/job:Job "etl"', path: "numberOfWorkers", staging: "10", prod: "20" }]);
    });

    it("reports nested paths, inside JSON documents too, with placeholders for environment values", () => {
        const policy = (stack: Stack, actions: string[]) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: [`arn:aws:s3:::${PREFIX[stack]}-raw/*`] }] });
        const staging = resource("staging", "aws:iam/rolePolicy:RolePolicy", "pipeline", {
            policy: policy("staging", ["s3:GetObject"]),
            settings: { retry: { max: 3 } },
        });
        const prod = resource("prod", "aws:iam/rolePolicy:RolePolicy", "pipeline", {
            policy: policy("prod", ["s3:PutObject"]),
            settings: { retry: { max: 5 } },
        });
        assert.deepStrictEqual(compare([staging], [prod]).differences, [
            {
                resource: 'aws:iam/rolePolicy:RolePolicy "pipeline"',
                path: "policy (JSON).Statement[0].Action[0]",
                staging: '"s3:GetObject"',
                prod: '"s3:PutObject"',
            },
            { resource: 'aws:iam/rolePolicy:RolePolicy "pipeline"', path: "settings.retry.max", staging: "3", prod: "5" },
        ]);
    });

    it("writes keys that are not identifiers in brackets, and lists of another length with their items", () => {
        const staging = resource("staging", "aws:glue/job:Job", "etl", { defaultArguments: { "--mode": "full" }, connections: ["a"] });
        const prod = resource("prod", "aws:glue/job:Job", "etl", { defaultArguments: { "--mode": "delta" }, connections: ["a", "b"] });
        assert.deepStrictEqual(
            compare([staging], [prod]).differences.map((d) => [d.path, d.staging, d.prod]),
            [
                ["connections", '1 item(s): ["a"]', '2 item(s): ["a","b"]'],
                ['defaultArguments["--mode"]', '"full"', '"delta"'],
            ],
        );
    });

    it("reports a property set on one side only as absent on the other", () => {
        const result = compare([glueJob("staging")], [glueJob("prod", { maxRetries: 2 })]);
        assert.deepStrictEqual(result.differences, [{ resource: 'aws:glue/job:Job "etl"', path: "maxRetries", staging: "(absent)", prod: "2" }]);
    });

    it("reports a resource only one side has, and allows the environment-specific ones", () => {
        const staging = [
            glueJob("staging"),
            resource("staging", "aws:iam/role:Role", "qa-role", { assumeRolePolicy: QA }),
            resource("staging", "aws:sqs/queue:Queue", "old-queue", {}),
        ];
        const prod = [
            glueJob("prod"),
            resource("prod", "aws:iam/role:Role", "consumer-role", {}),
            resource("prod", "aws:sns/topicSubscription:TopicSubscription", "oncall-subscription", {}),
            resource("prod", "aws:sqs/queue:Queue", "new-queue", {}),
        ];
        assert.deepStrictEqual(compare(staging, prod).differences, [
            { resource: 'aws:sqs/queue:Queue "new-queue"', path: "(resource)", staging: "(absent)", prod: "present" },
            { resource: 'aws:sqs/queue:Queue "old-queue"', path: "(resource)", staging: "present", prod: "(absent)" },
        ]);
    });

    it("pairs resources by URN with the environment set aside, so a resource under another parent is another resource", () => {
        const staging = resource("staging", "aws:sqs/queue:Queue", "q", {}, { urn: "urn:pulumi:staging::atlas::atlas:storage:Storage$aws:sqs/queue:Queue::q" });
        const prod = resource("prod", "aws:sqs/queue:Queue", "q", {}, { urn: "urn:pulumi:prod::atlas::atlas:query:Query$aws:sqs/queue:Queue::q" });
        assert.deepStrictEqual(
            compare([staging], [prod]).differences.map((d) => [d.path, d.staging, d.prod]),
            [
                ["(resource)", "(absent)", "present"],
                ["(resource)", "present", "(absent)"],
            ],
        );
    });

    it("reports protect, provider and dependency differences", () => {
        const job = glueJob("staging");
        const queue = (stack: Stack) => resource(stack, "aws:sqs/queue:Queue", "q", {});
        const result = compare(
            [{ ...job, protect: true, dependencies: [urn("staging", "aws:sqs/queue:Queue", "q")] }, queue("staging")],
            [{ ...glueJob("prod"), provider: "urn:pulumi:prod::atlas::pulumi:providers:aws::aws-other", dependencies: [] }, queue("prod")],
        );
        assert.deepStrictEqual(
            result.differences.map((d) => [d.path, d.staging, d.prod]),
            [
                ["(protect)", "true", "false"],
                [
                    "(provider)",
                    "urn:pulumi:<environment>::atlas::pulumi:providers:aws::aws",
                    "urn:pulumi:<environment>::atlas::pulumi:providers:aws::aws-other",
                ],
                ["(dependencies)", '"q"', "(no others)"],
            ],
        );
    });

    it("compares a provider reference without the id a checkpoint appends to it", () => {
        const [s, p] = [glueJob("staging"), glueJob("prod")];
        assert.ok(s.provider!.endsWith("::0a1b2c3d-id") && !p.provider!.endsWith("-id"));
        assert.deepStrictEqual(compare([s], [p]).differences, []);
    });

    it("compares components only by existence and kind, never by their (derived) properties", () => {
        const component = (stack: Stack, inputs: Record<string, unknown>, custom = false) => ({
            ...resource(stack, "atlas:storage:Storage", "storage", inputs),
            custom,
            provider: undefined,
        });
        assert.deepStrictEqual(compare([component("staging", { buckets: 5 })], [component("prod", { buckets: 6, extra: true })]).differences, []);
        assert.deepStrictEqual(compare([component("staging", {})], [component("prod", {}, true)]).differences, [
            { resource: 'atlas:storage:Storage "storage"', path: "(kind)", staging: "component", prod: "custom resource" },
        ]);
    });

    it("skips engine bookkeeping keys such as a provider's __internal", () => {
        const provider = (stack: Stack, internal: object) =>
            resource(stack, "pulumi:providers:aws", "aws", { region: "eu-west-1", __internal: internal }, { provider: undefined });
        assert.deepStrictEqual(compare([provider("staging", { a: 1 })], [provider("prod", { a: 2 })]).differences, []);
    });

    it("does not compare what the provider computed on both sides (staging's outputs, prod's planned ones)", () => {
        const staging = glueJob("staging", {}, { arn: "arn:x", createdOn: "2026-11-01" });
        const prod = glueJob("prod", {}, { arn: "arn:y", createdOn: "2026-11-26" });
        assert.deepStrictEqual(compare([staging], [prod]).differences, []);
    });

    describe("generated values", () => {
        it("sets aside a KMS key id inside every ARN that refers to it", () => {
            const result = compare(keyAndLogs("staging"), keyAndLogs("prod"));
            assert.deepStrictEqual(result.differences, []);
            assert.strictEqual(result.resourcesCompared, 2);
        });

        it("still reports a reference to a different key", () => {
            const result = compare(keyAndLogs("staging"), keyAndLogs("prod", keyArn("prod", "ffffffff-1111-4222-8333-444444444444")));
            assert.deepStrictEqual(result.differences, [
                {
                    resource: 'aws:cloudwatch/logGroup:LogGroup "logs"',
                    path: "kmsKeyId",
                    staging: '"arn:aws:kms:<awsRegion>:<awsAccountId>:key/<generated-1>"',
                    prod: '"arn:aws:kms:<awsRegion>:<awsAccountId>:key/ffffffff-1111-4222-8333-444444444444"',
                },
            ]);
        });

        it("pairs auto-names (`<logical name>-<7 hex>`) and the ARNs that contain them", () => {
            const topic = (stack: Stack, name: string) => resource(stack, "aws:sns/topic:Topic", "alerts", { name });
            const subscription = (stack: Stack, name: string) =>
                resource(stack, "aws:sns/topicSubscription:TopicSubscription", "team", { topic: `arn:aws:sns:eu-west-1:${ACCOUNT[stack]}:${name}` });
            assert.deepStrictEqual(
                compare(
                    [topic("staging", "alerts-1a2b3c4"), subscription("staging", "alerts-1a2b3c4")],
                    [topic("prod", "alerts-9f8e7d6"), subscription("prod", "alerts-9f8e7d6")],
                ).differences,
                [],
            );
            const named = compare([topic("staging", "alerts-1a2b3c4")], [topic("prod", "alerts-main")]);
            assert.deepStrictEqual(
                named.differences.map((d) => [d.path, d.staging, d.prod]),
                [["name", '"alerts-1a2b3c4"', '"alerts-main"']],
            );
        });

        it("never masks a changed setting: a renamed Glue job is reported although its computed ARN changed with it", () => {
            const result = compare([glueJob("staging")], [glueJob("prod", { name: "atlas-prod-etl-nightly" })]);
            assert.deepStrictEqual(result.differences, [
                { resource: 'aws:glue/job:Job "etl"', path: "name", staging: '"<namePrefix>-etl"', prod: '"<namePrefix>-etl-nightly"' },
            ]);
        });

        it("never takes a token of a resource's own settings for a generated value, however long", () => {
            const queue = (stack: Stack, mode: string) => {
                const q = resource(stack, "aws:sqs/queue:Queue", "q", { name: `${PREFIX[stack]}-${mode}` });
                return stack === "staging"
                    ? { ...q, computed: { url: `https://sqs/${PREFIX[stack]}-${mode}` } }
                    : { ...q, inputs: { ...q.inputs, url: `https://sqs/${PREFIX[stack]}-${mode}` } };
            };
            const result = compare([queue("staging", "standard-delivery")], [queue("prod", "priority-delivery")]);
            assert.deepStrictEqual(
                result.differences.map((d) => d.path),
                ["name"],
            );
        });
    });

    describe("values unknown during preview", () => {
        const logs = (stack: Stack, kmsKeyId: unknown, dependsOn: string[]) => {
            const deps = dependsOn.map((name) => urn(stack, "aws:kms/key:Key", name));
            return resource(
                stack,
                "aws:cloudwatch/logGroup:LogGroup",
                "logs",
                { kmsKeyId },
                { dependencies: deps, propertyDependencies: deps.length ? { kmsKeyId: deps } : {} },
            );
        };

        it("compares an unknown value by the resources it is computed from: the same sources match", () => {
            const result = compare([logs("staging", keyArn("staging"), ["data-key"])], [logs("prod", UNKNOWN_VALUE, ["data-key"])]);
            assert.deepStrictEqual(result.differences, []);
            assert.deepStrictEqual(result.comparedByDependency, [
                { resource: 'aws:cloudwatch/logGroup:LogGroup "logs"', path: "kmsKeyId", dependsOn: ["data-key"] },
            ]);
        });

        it("reports different sources as a difference", () => {
            const result = compare(
                [logs("staging", keyArn("staging"), ["data-key"])],
                [{ ...logs("prod", UNKNOWN_VALUE, ["other-key"]), dependencies: [urn("prod", "aws:kms/key:Key", "data-key")] }],
            );
            assert.deepStrictEqual(result.differences, [
                { resource: 'aws:cloudwatch/logGroup:LogGroup "logs"', path: "kmsKeyId (computed from)", staging: '"data-key"', prod: '"other-key"' },
            ]);
            assert.deepStrictEqual(result.comparedByDependency, []);
        });

        it("lists a value with no sources on either side as uncompared, never as equal", () => {
            const result = compare([logs("staging", "alias/aws/logs", [])], [logs("prod", UNKNOWN_VALUE, [])]);
            assert.deepStrictEqual(result.differences, []);
            assert.deepStrictEqual(result.uncompared, [
                {
                    resource: 'aws:cloudwatch/logGroup:LogGroup "logs"',
                    path: "kmsKeyId",
                    reason: "it is unknown until the update and computed from no resource of the stack",
                },
            ]);
        });

        it("compares the known parts of a value beside an unknown part", () => {
            const staging = resource("staging", "aws:glue/job:Job", "etl", { command: { scriptLocation: "s3://x/etl.py", pythonVersion: "3" } });
            const prod = resource("prod", "aws:glue/job:Job", "etl", { command: { scriptLocation: UNKNOWN_VALUE, pythonVersion: "2" } });
            const result = compare([staging], [prod]);
            assert.deepStrictEqual(
                result.differences.map((d) => d.path),
                ["command.pythonVersion"],
            );
            assert.deepStrictEqual(
                result.uncompared.map((u) => u.path),
                ["command"],
            );
        });
    });

    describe("secrets and assets", () => {
        it("compares secrets by digest and prints them only as digests", () => {
            const [a, b] = [secretValue("token-one"), secretValue("token-two")];
            const result = compare(
                [resource("staging", "aws:ssm/parameter:Parameter", "p", { value: a })],
                [resource("prod", "aws:ssm/parameter:Parameter", "p", { value: b })],
            );
            assert.deepStrictEqual(
                result.differences.map((d) => [d.staging, d.prod]),
                [[`[secret ${a[SECRET].slice(0, 19)}]`, `[secret ${b[SECRET].slice(0, 19)}]`]],
            );
            assert.deepStrictEqual(
                compare(
                    [resource("staging", "aws:ssm/parameter:Parameter", "p", { value: a })],
                    [resource("prod", "aws:ssm/parameter:Parameter", "p", { value: secretValue("token-one") })],
                ).differences,
                [],
            );
        });

        it("sets aside each environment's own secret value of an environment-specific key (known by its digest), and only that value", () => {
            const endpoint = { staging: "https://oncall.invalid/staging-pager", prod: "https://oncall.invalid/prod-pager" };
            const subscription = (stack: Stack, plain: string) =>
                resource(stack, "aws:sns/topicSubscription:TopicSubscription", "oncall-subscription", { endpoint: secretValue(plain) });
            const withSecrets = (stack: Stack) => ({ ...ENV[stack], oncallEndpoint: secretValue(endpoint[stack]) });
            const judged = (stagingEndpoint: string, prodEndpoint: string) =>
                compareDesiredState(
                    { environment: withSecrets("staging"), resources: [subscription("staging", stagingEndpoint)] },
                    { environment: withSecrets("prod"), resources: [subscription("prod", prodEndpoint)] },
                );
            assert.deepStrictEqual(judged(endpoint.staging, endpoint.prod).differences, [], "each pages its own on-call endpoint");
            const other = judged(endpoint.staging, "https://attacker.invalid/pager").differences;
            assert.deepStrictEqual(
                other.map((d) => [d.path, d.staging]),
                [["endpoint", "[secret <oncallEndpoint>]"]],
                "prod's value is not prod's endpoint",
            );
            assert.match(other[0].prod, /^\[secret sha256:/);
            assert.deepStrictEqual(
                judged(endpoint.prod, endpoint.prod).differences.map((d) => [d.staging, d.prod]),
                [[printable(secretValue(endpoint.prod)), "[secret <oncallEndpoint>]"]],
                "staging paging prod's endpoint is a difference",
            );
            assert.deepStrictEqual(misshapenValues(withSecrets("prod")), [], "a secret's shape is the tooling's to check");
        });

        it("prints `[not secret]` for the plain side of a secret against a non-secret, whichever side it is on", () => {
            const secretSide = { value: secretValue("hunter2") };
            const plainSide = { value: "hunter2" };
            const forward = compare(
                [resource("staging", "aws:ssm/parameter:Parameter", "p", secretSide)],
                [resource("prod", "aws:ssm/parameter:Parameter", "p", plainSide)],
            );
            const backward = compare(
                [resource("staging", "aws:ssm/parameter:Parameter", "p", plainSide)],
                [resource("prod", "aws:ssm/parameter:Parameter", "p", secretSide)],
            );
            assert.strictEqual(forward.differences[0].prod, "[not secret]");
            assert.strictEqual(backward.differences[0].staging, "[not secret]");
            assert.ok(!JSON.stringify([forward, backward]).includes("hunter2"));
        });

        it("hides a secret nested in a list or map that differs in length", () => {
            const result = compare(
                [resource("staging", "aws:ecs/taskDefinition:TaskDefinition", "t", { env: [secretValue("s3cr3t-value")] })],
                [resource("prod", "aws:ecs/taskDefinition:TaskDefinition", "t", { env: [secretValue("s3cr3t-value"), "x"] })],
            );
            assert.match(result.differences[0].staging, /^1 item\(s\): \["\[secret sha256:[0-9a-f]{12}\]"\]$/);
            assert.ok(!JSON.stringify(result).includes("s3cr3t-value"));
        });

        it("compares file assets by content hash", () => {
            const object = (stack: Stack, hash: string) => resource(stack, "aws:s3/bucketObjectv2:BucketObjectv2", "script", { source: assetValue(hash) });
            assert.deepStrictEqual(compare([object("staging", "ab".repeat(32))], [object("prod", "ab".repeat(32))]).differences, []);
            assert.deepStrictEqual(
                compare([object("staging", "ab".repeat(32))], [object("prod", "cd".repeat(32))]).differences.map((d) => [d.staging, d.prod]),
                [["[file content abababababab]", "[file content cdcdcdcdcdcd]"]],
            );
        });
    });
});

describe("desired-state parity: environment values (environment.ts)", () => {
    const staging = new EnvironmentNormaliser(ENV.staging);

    it("replaces text values anywhere in a string, longest first (a principal before the account inside it)", () => {
        assert.strictEqual(staging.replace("arn:aws:s3:::atlas-staging-raw-222222222222/*"), "arn:aws:s3:::<namePrefix>-raw-<awsAccountId>/*");
        assert.strictEqual(staging.value(QA, { type: "aws:iam/role:Role", property: "assumeRolePolicy" }), "<qaPrincipals>");
    });

    it("sets aside a key with property sites only there (principals in a role's trust, e-mail and on-call endpoint in a subscription's endpoint)", () => {
        assert.strictEqual(
            staging.replace(QA),
            "arn:aws:iam::<awsAccountId>:role/atlas-qa",
            "outside its sites a principal is a value (its account still set aside)",
        );
        const email = ENV.staging.teamAlertEmail as string;
        assert.strictEqual(staging.value(email, { type: "aws:sns/topicSubscription:TopicSubscription", property: "endpoint" }), "<teamAlertEmail>");
        // the name prefix inside it is still set aside anywhere
        assert.strictEqual(staging.value(email, { type: "aws:glue/job:Job", property: "defaultArguments" }), "<namePrefix>-alerts@example.com");
        assert.strictEqual(staging.value(email), "<namePrefix>-alerts@example.com");
    });

    it("replaces word values only as whole words", () => {
        assert.strictEqual(staging.replace("etl_staging_run"), "etl_<environment>_run");
        assert.strictEqual(staging.replace("staging-area"), "<environment>-area");
        assert.strictEqual(staging.replace("stagingarea"), "stagingarea");
    });

    it("sets aside the name prefix as Glue database names spell it (dashes as underscores), whatever else the prefix holds", () => {
        assert.strictEqual(staging.replace("atlas_staging_landing"), "<namePrefix>_landing");
        const secondRegion = new EnvironmentNormaliser({ environment: "prod", namePrefix: "atlas-us-prod-east" });
        assert.strictEqual(secondRegion.replace("atlas_us_prod_east_landing"), "<namePrefix>_landing");
        assert.strictEqual(secondRegion.replace("atlas_us_prod_west_landing"), "atlas_us_<environment>_west_landing", "another prefix is not set aside");
    });

    it("leaves short values alone (they could be part of anything)", () => {
        const short = new EnvironmentNormaliser({ environment: "qa", namePrefix: "ab1", awsAccountId: "123456789012" });
        assert.strictEqual(short.replace("qa ab1 123456789012"), "qa ab1 <awsAccountId>");
    });

    it("never replaces values of keys that appear in no property", () => {
        assert.deepStrictEqual(
            Object.entries(ENVIRONMENT_SPECIFIC_CONFIG)
                .filter(([, k]) => k.appears === "absent")
                .map(([k]) => k)
                .sort(),
            ["routeAlertsToOncall", "upstreamStack"],
        );
        const prod = new EnvironmentNormaliser({ ...ENV.prod, upstreamStack: "staging-east" });
        assert.strictEqual(prod.replace("staging-east"), "staging-east");
    });

    it("drops list members of list keys (principals) and parses JSON documents inside strings", () => {
        const prod = new EnvironmentNormaliser(ENV.prod);
        const document = JSON.stringify({ Principal: { AWS: [CONSUMER, "arn:aws:iam::999999999999:root"] }, Tag: "prod" });
        const trust = { type: "aws:iam/role:Role", property: "assumeRolePolicy" };
        assert.deepStrictEqual(prod.value({ policy: document, list: [CONSUMER], other: 7 }, trust), {
            policy: { [JSON_TEXT]: { Principal: { AWS: ["arn:aws:iam::999999999999:root"] }, Tag: "<environment>" } },
            list: [],
            other: 7,
        });
    });

    it("keeps a string that only looks like JSON, and leaves markers untouched", () => {
        assert.strictEqual(staging.value("{not json atlas-staging"), "{not json <namePrefix>");
        const marker = secretValue("atlas-staging");
        assert.strictEqual(staging.value(marker), marker);
    });
});

describe("desired-state parity: generated values (generated.ts)", () => {
    it("pairs differing long tokens of same-shaped values, first pairing wins", () => {
        const generated = new GeneratedValues();
        generated.pair(
            "key/1b2c3d4e-5f60",
            "key/9f8e7d6c-5b4a",
            () => new Set(),
            () => new Set(),
        );
        generated.add("1b2c3d4e-5f60", "other-token-x");
        assert.strictEqual(generated.stagingString("arn:key/1b2c3d4e-5f60"), "arn:key/<generated-1>");
        assert.strictEqual(generated.prodString("arn:key/9f8e7d6c-5b4a"), "arn:key/<generated-1>");
        assert.strictEqual(generated.prodString("other-token-x"), "other-token-x");
    });

    it("does not pair values of another shape, short tokens, or tokens of a resource's settings", () => {
        const generated = new GeneratedValues();
        generated.pair(
            "a/abcdef12",
            "a:b/abcdef34",
            () => new Set(),
            () => new Set(),
        );
        generated.pair(
            "workers:4",
            "workers:8",
            () => new Set(),
            () => new Set(),
        );
        generated.pair(
            "job/nightly-run",
            "job/weekly-runs",
            () => new Set(["nightly-run"]),
            () => new Set(),
        );
        generated.pair(
            { [JSON_TEXT]: { id: "aaaaaaaa" } },
            { [JSON_TEXT]: { id: "bbbbbbbb" } },
            () => new Set(),
            () => new Set(["bbbbbbbb"]),
        );
        assert.deepStrictEqual(
            ["abcdef12", "workers:4", "nightly-run", "aaaaaaaa"].map((t) => generated.stagingString(t)),
            ["abcdef12", "workers:4", "nightly-run", "aaaaaaaa"],
        );
    });

    it("pairs inside JSON documents and maps", () => {
        const generated = new GeneratedValues();
        generated.pair(
            { [JSON_TEXT]: { Resource: "key/aaaaaaaa11" } },
            { [JSON_TEXT]: { Resource: "key/bbbbbbbb22" } },
            () => new Set(),
            () => new Set(),
        );
        generated.pair(
            { nested: { id: "cccccccc33" }, onlyStaging: "dddddddd44" },
            { nested: { id: "eeeeeeee55" } },
            () => new Set(),
            () => new Set(),
        );
        assert.strictEqual(generated.stagingString("aaaaaaaa11 cccccccc33 dddddddd44"), "<generated-1> <generated-2> dddddddd44");
    });

    it("recognises auto-names and collects tokens", () => {
        assert.ok(isAutoName("alerts-1a2b3c4", "alerts"));
        for (const [value, name] of [
            ["alerts-1a2b3cz", "alerts"],
            ["alerts-1a2b3c4d", "alerts"],
            ["other-1a2b3c4", "alerts"],
            [7, "alerts"],
        ] as const) {
            assert.ok(!isAutoName(value, name), String(value));
        }
        assert.deepStrictEqual([...tokensOf({ a: "arn:aws:kms:eu-west-1:key/ab-12", b: ["x.y", 3] })].sort(), [
            "ab-12",
            "arn",
            "aws",
            "eu-west-1",
            "key",
            "kms",
            "x.y",
        ]);
    });
});

describe("desired-state parity: values (values.ts)", () => {
    it("knows its markers, and only single-key maps carry one", () => {
        assert.strictEqual(markerOf(secretValue("x")), SECRET);
        assert.strictEqual(markerOf(assetValue("h")), ASSET);
        assert.strictEqual(markerOf(UNKNOWN_VALUE), UNKNOWN);
        assert.strictEqual(markerOf({ [UNKNOWN]: true, other: 1 }), undefined);
        assert.strictEqual(markerOf([UNKNOWN_VALUE]), undefined);
        assert.ok(isUnknown(UNKNOWN_VALUE) && !isUnknown({}));
        assert.ok(containsUnknown({ a: [{ b: UNKNOWN_VALUE }] }) && !containsUnknown({ a: ["atlas:unknown"] }));
    });

    it("prints secrets, assets and unknowns without their content, nested ones included, and truncates long values", () => {
        assert.match(printable(secretValue("hunter2")), /^\[secret sha256:[0-9a-f]{12}\]$/);
        assert.strictEqual(printable(assetValue("0123456789abcdef")), "[file content 0123456789ab]");
        assert.strictEqual(printable(UNKNOWN_VALUE), "(unknown until the update)");
        assert.strictEqual(printable(undefined), "(absent)");
        assert.strictEqual(printable({ [JSON_TEXT]: { b: 1, a: [secretValue("hunter2")] } }), `JSON {"a":["${printable(secretValue("hunter2"))}"],"b":1}`);
        const long = printable("x".repeat(500));
        assert.strictEqual(long.length, 160);
        assert.ok(long.endsWith("…"));
    });
});

describe("desired-state parity: staging's checkpoint (checkpoint.ts)", () => {
    const secretWire = (plain: unknown) => ({ [SIG]: SECRET_SIG, plaintext: JSON.stringify(plain) });
    const exportOf = (extra: Partial<CheckpointResource> = {}): CheckpointResource => ({
        urn: urn("staging", "aws:ssm/parameter:Parameter", "p"),
        type: "aws:ssm/parameter:Parameter",
        custom: true,
        inputs: { name: "p", value: secretWire("hunter2") },
        outputs: { name: "p", value: secretWire("hunter2"), arn: "arn:aws:ssm:p", version: 3 },
        dependencies: ["urn:a"],
        propertyDependencies: { value: ["urn:a"] },
        protect: true,
        provider: `${PROVIDER_URN("staging")}::id-1`,
        ...extra,
    });

    it("keeps inputs as settings and the rest of the outputs as computed, with secrets as digests", () => {
        const [r] = comparedResourcesOf([exportOf()]);
        assert.deepStrictEqual(r, {
            urn: urn("staging", "aws:ssm/parameter:Parameter", "p"),
            type: "aws:ssm/parameter:Parameter",
            custom: true,
            inputs: { name: "p", value: secretValue("hunter2") },
            computed: { arn: "arn:aws:ssm:p", version: 3 },
            dependencies: ["urn:a"],
            propertyDependencies: { value: ["urn:a"] },
            protect: true,
            provider: `${PROVIDER_URN("staging")}::id-1`,
        });
        assert.ok(!JSON.stringify(r).includes("hunter2"));
    });

    it("records assets by their hash", () => {
        const [r] = comparedResourcesOf([
            exportOf({ inputs: { source: { [SIG]: "c44067f5952c0a294b673a41bacd8c17", hash: "abc123", path: "etl.py" } }, outputs: {} }),
        ]);
        assert.deepStrictEqual(r.inputs, { source: assetValue("abc123") });
    });

    it("leaves out reads, pending deletions and the engine's bookkeeping", () => {
        const resources = comparedResourcesOf([
            exportOf(),
            exportOf({ urn: "urn:read", external: true }),
            exportOf({ urn: "urn:old", delete: true }),
            { urn: urn("staging", "pulumi:pulumi:Stack", "atlas-staging"), type: "pulumi:pulumi:Stack", outputs: { release: {} } },
            { urn: "urn:ref", type: "pulumi:pulumi:StackReference", custom: true },
        ]);
        assert.deepStrictEqual(
            resources.map((r) => r.urn),
            [urn("staging", "aws:ssm/parameter:Parameter", "p")],
        );
        assert.deepStrictEqual(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:pulumi", "pulumi:providers:aws"].map(isCompared), [
            false,
            false,
            false,
            true,
        ]);
    });

    it("refuses a secret it holds only encrypted, naming the resource (the export must show secrets)", () => {
        const encrypted = exportOf({ inputs: { value: { [SIG]: SECRET_SIG, ciphertext: "AAAA" } } });
        assert.throws(
            () => comparedResourcesOf([encrypted]),
            (e: Error) =>
                e instanceof EncryptedSecretError &&
                /the state of urn:pulumi:staging::atlas::aws:ssm\/parameter:Parameter::p holds an encrypted secret; export it with --show-secrets/.test(
                    e.message,
                ),
        );
    });

    it("says whether a compared resource holds a secret (so the export must show secrets)", () => {
        assert.ok(holdsSecrets([exportOf()]));
        assert.ok(!holdsSecrets([exportOf({ inputs: { name: "p" }, outputs: { name: "p" } })]));
        const stackWithSecretOutput: CheckpointResource = {
            urn: "urn:stack",
            type: "pulumi:pulumi:Stack",
            outputs: { token: { [SIG]: SECRET_SIG, ciphertext: "AAAA" } },
        };
        assert.ok(!holdsSecrets([stackWithSecretOutput]), "the Stack's outputs are not compared, so they need no decryption");
    });

    it("labels resources by type and logical name", () => {
        assert.strictEqual(logicalNameOf("urn:pulumi:prod::atlas::atlas:storage:Storage$aws:s3/bucketV2:BucketV2::raw"), "raw");
        assert.strictEqual(labelOf({ type: "aws:glue/job:Job", urn: urn("prod", "aws:glue/job:Job", "etl") }), 'aws:glue/job:Job "etl"');
    });
});

describe("environment-specific keys (environment-keys.ts)", () => {
    it("derive the key list from the table, each with how its value appears", () => {
        assert.deepStrictEqual(ENVIRONMENT_SPECIFIC_KEYS, Object.keys(ENVIRONMENT_SPECIFIC_CONFIG));
        assert.ok(Object.values(ENVIRONMENT_SPECIFIC_CONFIG).every((k) => ["text", "word", "absent"].includes(k.appears)));
        assert.strictEqual(ENVIRONMENT_SPECIFIC_CONFIG.environment.appears, "word");
        assert.strictEqual(ENVIRONMENT_SPECIFIC_CONFIG.awsAccountId.appears, "text");
    });

    it("give every key whose value parity sets aside a shape its values must have", () => {
        for (const [key, spec] of Object.entries(ENVIRONMENT_SPECIFIC_CONFIG)) {
            assert.strictEqual(spec.shape !== undefined, spec.appears !== "absent", key);
        }
    });

    it("find values that do not have their key's shape, list members included, and accept the fixtures' and empty values", () => {
        assert.deepStrictEqual(misshapenValues(ENV.staging), []);
        assert.deepStrictEqual(misshapenValues(ENV.prod), []);
        assert.deepStrictEqual(misshapenValues({ ...ENV.prod, oncallEndpoint: "", qaPrincipals: [] }), []);
        assert.deepStrictEqual(misshapenValues({ ...ENV.prod, teamAlertEmail: "G.2X", consumerPrincipals: [CONSUMER, "10"], awsAccountId: "3333" }), [
            'atlas:awsAccountId is "3333", not a 12-digit account id',
            'atlas:consumerPrincipals is "10", not an IAM role or user ARN',
            'atlas:teamAlertEmail is "G.2X", not an e-mail address',
        ]);
    });

    it("match keys with or without the namespace, and nothing else", () => {
        assert.ok(isEnvironmentSpecificKey("atlas:awsAccountId") && isEnvironmentSpecificKey("namePrefix"));
        assert.ok(!isEnvironmentSpecificKey("glueNumberOfWorkers") && !isEnvironmentSpecificKey("NAMEPREFIX") && !isEnvironmentSpecificKey("namePrefixExtra"));
        assert.strictEqual(stripNamespace("atlas:glueVersion"), "glueVersion");
    });

    it("allow exactly the environment-specific resource names", () => {
        for (const name of ["developer-role", "qa-policy", "consumer-read", "oncall-subscription"]) {
            assert.ok(isEnvironmentSpecificRole(name), name);
        }
        for (const name of ["developers-role", "qa", "xconsumer-read", "pipeline-role", "oncall"]) {
            assert.ok(!isEnvironmentSpecificRole(name), name);
        }
    });
});

describe("desired-state parity: what the red team tried (tests/engine/gate-attacks.spec.ts on the engine)", () => {
    it("never pairs a computed value that echoes settings (tagsAll): a prod-only token stays a difference wherever it appears", () => {
        const job = (stack: Stack, conf: string) =>
            resource(
                stack,
                "aws:glue/job:Job",
                "etl",
                { name: `${PREFIX[stack]}-etl`, defaultArguments: { "--conf": conf } },
                { computed: { tagsAll: { deps: conf }, arn: `arn:aws:glue:eu-west-1:${ACCOUNT[stack]}:job/${PREFIX[stack]}-etl` } },
            );
        const result = compare([job("staging", "delta-spark-2.31.0")], [job("prod", "delta-spark-2.99.9")]);
        assert.deepStrictEqual(
            result.differences.map((d) => d.path),
            ['defaultArguments["--conf"]'],
        );
    });

    it("compares a JSON document that repeats a key as text, so the repetition is a difference", () => {
        const policy = (text: string) => (stack: Stack) => resource(stack, "aws:iam/rolePolicy:RolePolicy", "p", { policy: text });
        const plain = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
        const repeated =
            '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
        assert.deepStrictEqual(compare([policy(plain)("staging")], [policy(plain)("prod")]).differences, []);
        assert.deepStrictEqual(
            compare([policy(plain)("staging")], [policy(repeated)("prod")]).differences.map((d) => d.path),
            ["policy"],
        );
    });

    it("takes a constant that is another environment's name as the same constant in both stacks (`s3://…/staging/`)", () => {
        const job = (stack: Stack) =>
            resource(stack, "aws:glue/job:Job", "etl", { name: `${PREFIX[stack]}-etl`, scriptLocation: `s3://${PREFIX[stack]}-artifacts/staging/etl.py` });
        assert.deepStrictEqual(compare([job("staging")], [job("prod")]).differences, []);
    });

    it("compares the resource options both forms record (ignoreChanges, customTimeouts, additionalSecretOutputs)", () => {
        const queue = (stack: Stack, options?: ComparedResource["options"]) =>
            resource(stack, "aws:sqs/queue:Queue", "q", { name: `${PREFIX[stack]}-q` }, options ? { options } : {});
        assert.deepStrictEqual(
            compare([queue("staging")], [queue("prod", { ignoreChanges: ["policy"] })]).differences.map((d) => [d.path, d.staging, d.prod]),
            [["(ignoreChanges)", "(absent)", '["policy"]']],
        );
        assert.deepStrictEqual(
            compare(
                [queue("staging", { customTimeouts: { create: 60, update: 0, delete: 0 } })],
                [queue("prod", { customTimeouts: { create: 60, update: 0, delete: 0 } })],
            ).differences,
            [],
        );
    });

    it("does not set aside environment-specific values of the wrong shape: an e-mail with a URL in it, a name prefix without the environment", () => {
        assert.deepStrictEqual(misshapenValues({ ...ENV.prod, teamAlertEmail: "etl-deps@https://attacker.invalid/evil.whl" }), [
            'atlas:teamAlertEmail is "etl-deps@https://attacker.invalid/evil.whl", not an e-mail address',
        ]);
        const [prefixProblem] = misshapenValues({ ...ENV.prod, namePrefix: "atlas-prod2" });
        assert.match(prefixProblem, /atlas:namePrefix is "atlas-prod2", which does not name the environment "prod"/);
        assert.match(misshapenValues({ ...ENV.prod, environment: "prod-us" }).join("\n"), /atlas:environment is "prod-us", not dev, staging or prod/);
        assert.deepStrictEqual(misshapenValues({ ...ENV.prod, namePrefix: "atlas-us-prod" }), [], "the environment's name between dashes, anywhere");
        assert.deepStrictEqual(misshapenValues(ENV.prod), []);
    });
});

describe("desired-state parity: options no policy sees (engine-only-options.ts)", () => {
    const entry = (stack: string, name: string, options: { retainOnDelete?: boolean; replaceOnChanges?: string[] } = {}) => ({
        urn: `urn:pulumi:${stack}::atlas::aws:cloudwatch/metricAlarm:MetricAlarm::${name}`,
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        ...options,
    });

    it("compares each resource both stacks run by its place (the URN without the stack), only the options named", () => {
        const staging = engineOnlyOptionsOf([entry("staging", "a"), entry("staging", "b", { replaceOnChanges: ["x"] })]);
        const prod = engineOnlyOptionsOf([
            entry("prod", "a", { retainOnDelete: true, replaceOnChanges: ["*"] }),
            entry("prod", "b", { replaceOnChanges: ["x"] }),
            entry("prod", "only-prod", { retainOnDelete: true }),
        ]);
        assert.deepStrictEqual(compareEngineOnlyOptions(staging, prod, ["retainOnDelete"]), [
            { resource: 'aws:cloudwatch/metricAlarm:MetricAlarm "a"', path: "(retainOnDelete)", staging: "false", prod: "true" },
        ]);
        assert.deepStrictEqual(
            compareEngineOnlyOptions(staging, prod, ["retainOnDelete", "replaceOnChanges"]).map((d) => `${d.resource} ${d.path}`),
            ['aws:cloudwatch/metricAlarm:MetricAlarm "a" (retainOnDelete)', 'aws:cloudwatch/metricAlarm:MetricAlarm "a" (replaceOnChanges)'],
        );
    });

    it("ignores pending deletions and reads, and orders replaceOnChanges", () => {
        const staging = engineOnlyOptionsOf([entry("staging", "a", { replaceOnChanges: ["y", "x"] }), { ...entry("staging", "gone"), delete: true }]);
        const prod = engineOnlyOptionsOf([
            entry("prod", "a", { replaceOnChanges: ["x", "y"] }),
            { ...entry("prod", "gone", { retainOnDelete: true }), external: true },
        ]);
        assert.deepStrictEqual(compareEngineOnlyOptions(staging, prod, ["retainOnDelete", "replaceOnChanges"]), []);
        assert.strictEqual(placeOf("urn:pulumi:prod::atlas::aws:sns/topic:Topic::alerts"), "atlas::aws:sns/topic:Topic::alerts");
    });
});

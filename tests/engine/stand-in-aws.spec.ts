// The stand-in aws provider driven by the real Pulumi CLI (Automation API, inline program), plus a check that
// its resource-type table matches @pulumi/aws. The workspace setup here is local on purpose; it moves to the
// shared tools/offline module later.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { ensurePulumiCli, pulumiCommand } from "../../tools/offline/pulumi-cli";
import { installedAwsSdkVersion, installStandInAws } from "../../tools/stand-in-aws/install";
import { RESOURCE_TYPES } from "../../tools/stand-in-aws/resource-types";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const LONG_BUCKET_NAME = "Raw-Data-Landing-Zone-For-The-Atlas-Platform-Ingest-Pipeline-EU-West";

/** What the inline program declares; tests change it between runs. */
interface Scenario {
    owner: string;
    retentionInDays: number;
    logGroupName?: string;
    withTopic: boolean;
    withParameter: boolean;
    withUnmodelledType: boolean;
}

let scenario: Scenario;

async function program() {
    const provider = new aws.Provider("stand-in", {
        region: REGION,
        allowedAccountIds: [ACCOUNT],
        defaultTags: { tags: { owner: scenario.owner } },
    });
    const opts = { provider };
    const key = new aws.kms.Key("data", { description: "data at rest" }, opts);
    const alias = new aws.kms.Alias("data", { targetKeyId: key.keyId }, opts);
    const bucket = new aws.s3.Bucket(LONG_BUCKET_NAME, { tags: { tier: "raw" } }, opts);
    new aws.s3.BucketVersioning("raw", { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, opts);
    const role = new aws.iam.Role("etl", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }, opts);
    const logs = new aws.cloudwatch.LogGroup("etl", { name: scenario.logGroupName, retentionInDays: scenario.retentionInDays }, opts);
    const topic = scenario.withTopic ? new aws.sns.Topic("alerts", {}, opts) : undefined;
    const parameter = scenario.withParameter ? new aws.ssm.Parameter("release", { type: "String", value: "1.0.0" }, opts) : undefined;
    if (scenario.withUnmodelledType) {
        new aws.sqs.Queue("jobs", {}, opts);
    }
    return {
        keyId: key.keyId,
        keyArn: key.arn,
        aliasName: alias.name,
        bucketName: bucket.bucket,
        bucketArn: bucket.arn,
        bucketTags: bucket.tagsAll,
        roleArn: role.arn,
        logGroupId: logs.id,
        logGroupArn: logs.arn,
        topicArn: topic?.arn,
        parameterArn: parameter?.arn,
        callerAccount: aws.getCallerIdentityOutput({}, { provider }).accountId,
        region: aws.getRegionOutput({}, { provider }).region,
    };
}

describe("stand-in aws provider (real engine)", () => {
    let root: string;
    let pulumiHome: string;
    let stack: Stack;
    let realHomePluginsBefore: string[];

    before(async () => {
        realHomePluginsBefore = listing(path.join(os.homedir(), ".pulumi", "plugins"));
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-aws-"));
        pulumiHome = path.join(root, "home");
        await installStandInAws({
            pulumiBinary: ensurePulumiCli().binary,
            pulumiHome,
            workDir: path.join(root, "plugin"),
        });
        scenario = { owner: "atlas", retentionInDays: 7, withTopic: false, withParameter: false, withUnmodelledType: false };
        const projectDir = path.join(root, "project");
        fs.mkdirSync(projectDir);
        fs.mkdirSync(path.join(root, "state"));
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "test", projectName: "stand-in-aws", program },
            {
                pulumiCommand: await pulumiCommand(),
                workDir: projectDir,
                envVars: {
                    PULUMI_HOME: pulumiHome,
                    PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
                    PULUMI_CONFIG_PASSPHRASE: "test",
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    ATLAS_STANDIN_FAIL: "",
                    ATLAS_STANDIN_CALLER_ACCOUNT: "",
                },
                projectSettings: { name: "stand-in-aws", runtime: "nodejs" },
            },
        );
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("creates resources with auto-names and ARNs in the provider's account and region", async () => {
        const { outputs } = await stack.up();
        const out = (key: string) => outputs[key]?.value;

        assert.match(out("bucketName"), /^raw-data-landing-zone-[a-z0-9-]*-[0-9a-f]{7}$/);
        assert.ok(out("bucketName").length <= 63, `bucket name too long: ${out("bucketName")}`);
        assert.strictEqual(out("bucketArn"), `arn:aws:s3:::${out("bucketName")}`);
        assert.deepStrictEqual(out("bucketTags"), { owner: "atlas", tier: "raw" });
        assert.strictEqual(out("keyArn"), `arn:aws:kms:${REGION}:${ACCOUNT}:key/${out("keyId")}`);
        assert.match(out("aliasName"), /^alias\/data-[0-9a-f]{7}$/);
        assert.match(out("roleArn"), new RegExp(`^arn:aws:iam::${ACCOUNT}:role/etl-[0-9a-f]{7}$`));
        assert.strictEqual(out("logGroupArn"), `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${out("logGroupId")}`);
        assert.strictEqual(out("callerAccount"), ACCOUNT);
        assert.strictEqual(out("region"), REGION);
    });

    it("updates a changed property in place and keeps generated names", async () => {
        const before = await stack.outputs();
        scenario.retentionInDays = 14;
        const { summary, outputs } = await stack.up();

        assert.deepStrictEqual(changes(summary.resourceChanges), { update: 1 });
        for (const key of ["bucketName", "aliasName", "roleArn", "logGroupArn", "keyArn"]) {
            assert.strictEqual(outputs[key].value, before[key].value, key);
        }
    });

    it("replaces a resource when a property AWS cannot change in place changes", async () => {
        scenario.logGroupName = "/atlas/etl";
        const { summary, outputs } = await stack.up();

        assert.deepStrictEqual(changes(summary.resourceChanges), { replace: 1 });
        assert.strictEqual(outputs.logGroupArn.value, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/atlas/etl`);
    });

    it("updates tagsAll when only the provider's default tags change", async () => {
        scenario.owner = "data-platform";
        const { outputs } = await stack.up();

        assert.deepStrictEqual(outputs.bucketTags.value, { owner: "data-platform", tier: "raw" });
        assert.deepStrictEqual(changes((await stack.preview()).changeSummary), {});
    });

    it("fails the create named in ATLAS_STANDIN_FAIL, and a rerun without it converges", async () => {
        scenario.withTopic = true;
        await withEnv(stack, { ATLAS_STANDIN_FAIL: "create:aws:sns/topic:Topic::alerts" }, async () => {
            await assert.rejects(stack.up(), /injected failure of create for aws:sns\/topic:Topic::alerts/);
        });
        assert.strictEqual(await resourceIn(stack, "aws:sns/topic:Topic"), undefined);

        const { summary, outputs } = await stack.up();
        assert.deepStrictEqual(changes(summary.resourceChanges), { create: 1 });
        assert.match(outputs.topicArn.value, new RegExp(`^arn:aws:sns:${REGION}:${ACCOUNT}:alerts-[0-9a-f]{7}$`));
    });

    it("records a partial create (written, then failed) in state, and a rerun converges", async () => {
        scenario.withParameter = true;
        await withEnv(stack, { ATLAS_STANDIN_FAIL: "create-partial:*::release" }, async () => {
            await assert.rejects(stack.up(), /injected failure of create \(partial/);
        });
        const partial = await resourceIn(stack, "aws:ssm/parameter:Parameter");
        assert.ok(partial, "the partially created parameter is in state");
        assert.match(String(partial.id), /^release-[0-9a-f]{7}$/);
        assert.ok(partial.initErrors?.length, "state records the initialisation error");

        const { outputs } = await stack.up();
        assert.strictEqual(outputs.parameterArn.value, `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${partial.id}`);
        assert.strictEqual((await resourceIn(stack, "aws:ssm/parameter:Parameter"))?.initErrors, undefined);
        assert.deepStrictEqual(changes((await stack.preview()).changeSummary), {});
    });

    it("fails the delete named in ATLAS_STANDIN_FAIL, keeping the resource, and a rerun deletes it", async () => {
        scenario.withTopic = false;
        await withEnv(stack, { ATLAS_STANDIN_FAIL: "delete:aws:sns/topic:Topic::alerts" }, async () => {
            await assert.rejects(stack.up(), /injected failure of delete for aws:sns\/topic:Topic::alerts/);
        });
        assert.ok(await resourceIn(stack, "aws:sns/topic:Topic"), "the topic is still in state");

        const { summary } = await stack.up();
        assert.deepStrictEqual(changes(summary.resourceChanges), { delete: 1 });
        assert.strictEqual(await resourceIn(stack, "aws:sns/topic:Topic"), undefined);
    });

    it("refuses every operation when the caller account is not in allowedAccountIds", async () => {
        await withEnv(stack, { ATLAS_STANDIN_CALLER_ACCOUNT: "999999999999" }, async () => {
            await assert.rejects(stack.preview(), /AWS Account ID not allowed: 999999999999/);
        });
    });

    it("names the type and the table file when the program uses a type it does not model", async () => {
        scenario.withUnmodelledType = true;
        try {
            await assert.rejects(
                stack.preview(),
                /resource type aws:sqs\/queue:Queue is not modelled; add an entry for it to tools\/stand-in-aws\/resource-types\.ts/,
            );
        } finally {
            scenario.withUnmodelledType = false;
        }
    });

    it("serves: the installed plugin prints its gRPC port, as the engine expects (its start-up time is in npm run bench)", async () => {
        const plugin = path.join(pulumiHome, "plugins", `resource-aws-v${installedAwsSdkVersion()}`, "pulumi-resource-aws");
        assert.match(await firstLineOf(plugin), /^\d+$/);
    });

    it("is installed only in the isolated PULUMI_HOME, never on PATH or in ~/.pulumi", async () => {
        const installed = listing(path.join(pulumiHome, "plugins"));
        assert.ok(installed.includes(`resource-aws-v${installedAwsSdkVersion()}`), installed.join(", "));
        assert.deepStrictEqual(listing(path.join(os.homedir(), ".pulumi", "plugins")), realHomePluginsBefore);
        const onPath = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => fs.existsSync(path.join(dir, "pulumi-resource-aws")));
        assert.deepStrictEqual(onPath, []);
    });
});

describe("stand-in aws resource-type table", () => {
    const sdkRoot = path.dirname(require.resolve("@pulumi/aws/package.json"));

    for (const [token, behaviour] of Object.entries(RESOURCE_TYPES)) {
        it(`${token} matches @pulumi/aws`, () => {
            const module = token.split(":")[1]; // e.g. s3/bucketVersioning
            const source = fs.readFileSync(path.join(sdkRoot, `${module}.js`), "utf8");
            assert.ok(source.includes(`__pulumiType = '${token}'`), "token");
            assert.strictEqual(source.includes(`resourceInputs["tagsAll"]`), behaviour.tagged === true, "tagged");
            assert.strictEqual(!source.includes(`resourceInputs["region"]`), behaviour.global === true, "global");
            if (behaviour.naming) {
                assert.ok(!source.includes(`Missing required property '${behaviour.naming.property}'`), "auto-named property is optional");
            }
            const inputs = behaviour.forceNew.properties.filter((property) => source.includes(`resourceInputs["${property}"] = args?.${property}`));
            assert.deepStrictEqual(inputs, behaviour.forceNew.properties, "every replace-forcing property is an input");
            const named = [behaviour.naming?.property, behaviour.naming?.prefixProperty].filter((p): p is string => p !== undefined);
            assert.deepStrictEqual(
                named.filter((p) => !behaviour.forceNew.properties.includes(p)),
                [],
                "a changed name replaces the resource",
            );
            assert.ok(behaviour.forceNew.source.trim() !== "", "the fact names its source");
        });
    }
});

function changes(resourceChanges: Record<string, number> | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(resourceChanges ?? {}).filter(([op]) => op !== "same"));
}

/** Runs with extra variables in the CLI's environment (which the plugin inherits), then restores them. */
async function withEnv(stack: Stack, vars: Record<string, string>, run: () => Promise<void>): Promise<void> {
    const env = stack.workspace.envVars;
    const saved = { ...env };
    Object.assign(env, vars);
    try {
        await run();
    } finally {
        Object.assign(env, saved);
    }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function resourceIn(stack: Stack, type: string): Promise<any> {
    const { deployment } = await stack.exportStack();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return deployment.resources?.find((r: any) => r.type === type);
}

function listing(dir: string): string[] {
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** The first line a plugin prints (its gRPC port, when it serves); the plugin is stopped afterwards. */
function firstLineOf(plugin: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(plugin, [], { stdio: ["ignore", "pipe", "inherit"] });
        let seen = "";
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`the plugin exited (code ${code}) before printing a line: ${seen}`)));
        child.stdout.on("data", (chunk: Buffer) => {
            seen += chunk.toString();
            if (seen.includes("\n")) {
                resolve(seen.split("\n")[0].trim());
                child.kill();
            }
        });
    });
}

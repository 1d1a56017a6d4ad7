/**
 * Pins down, on the real engine, the behaviours the release design relies on: what a stack
 * policy sees of stack references, of the root stack's outputs, of secrets and of values
 * unknown during preview. If a Pulumi upgrade changes one of them, this fails first.
 */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Stack } from "@pulumi/pulumi/automation";
import { transpileTree } from "../../tools/transpile";
import { runWithPolicies } from "../../cli/lib/kit/engine-run";
import { describeRun } from "../../cli/lib/gate/promote-report";
import { digestOf } from "../../policy-pack/src/contract/canonical";
import { OfflineWorkspace } from "../../tools/offline/workspace";

const FIXTURES = path.join(__dirname, "fixtures");
const PROBE_PACK = path.join(FIXTURES, "probe-pack");
const SECRET = "probe-secret-value-4f1c";
const SECRET_DISPLAY_NAME = "probe-secret-display-9a2e";
const SCRIPT = path.join(FIXTURES, "probe-project", "Pulumi.yaml");

interface Planned {
    type: string;
    urn: string;
    inputs: Record<string, unknown>;
    computed?: Record<string, unknown>;
}

interface Seen {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/**
 * The probe pack as JavaScript under `root`, beside the policy-pack sources it imports (transpiled too, at the same
 * relative path), resolving packages from the project's install. Returns the pack's directory.
 */
function javascriptProbePack(root: string): string {
    const repo = path.join(__dirname, "..", "..");
    const pack = path.join(root, path.relative(repo, PROBE_PACK));
    transpileTree(PROBE_PACK, pack);
    transpileTree(path.join(repo, "policy-pack", "src"), path.join(root, "policy-pack", "src"));
    fs.copyFileSync(path.join(PROBE_PACK, "PulumiPolicy.yaml"), path.join(pack, "PulumiPolicy.yaml"));
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "atlas-probe-pack", version: "0.0.1", private: true, main: "index.js" }));
    fs.symlinkSync(path.join(repo, "node_modules"), path.join(root, "node_modules"), "dir");
    return pack;
}

describe("engine behaviour the policy pack relies on", function () {
    let workspace: OfflineWorkspace;
    let prod: Stack;
    let outFile: string;
    /** The probe pack as JavaScript, as promote hands packs to the engine (a TypeScript pack is type-checked at every start). */
    let probePack: string;

    const stagingProgram = async () => ({ release: { version: "1.0.0" }, token: pulumi.secret(SECRET) });
    const prodProgram = async () => {
        const provider = new aws.Provider("aws", { region: "eu-west-1", allowedAccountIds: ["333333333333"] });
        const topic = new aws.sns.Topic("alerts", { displayName: pulumi.secret(SECRET_DISPLAY_NAME) }, { provider });
        new aws.s3.BucketObjectv2("script", { bucket: "probe-artifacts", key: "probe.yaml", source: new pulumi.asset.FileAsset(SCRIPT) }, { provider });
        const staging = new pulumi.StackReference("organization/atlas/staging");
        return { upstream: staging.getOutput("release"), upstreamToken: staging.getOutput("token"), topicArn: topic.arn };
    };

    async function seenBy(operation: "preview" | "update", touchOutput?: string) {
        fs.rmSync(outFile, { force: true });
        const config = { "record-stack": { outFile }, "record-planned": { outFile }, "touches-output": { outFile, touchOutput } };
        const outcome = await runWithPolicies(prod, operation, { policyPack: probePack, policyConfig: config });
        assert.ok(fs.existsSync(outFile), `the probe pack recorded nothing:\n${describeRun(outcome)}`);
        const records = fs
            .readFileSync(outFile, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as { policy: string; seen?: Seen[]; planned?: Planned[]; unrecorded?: string[] });
        const seen = records.filter((r) => r.policy === "stack").pop()!.seen!;
        const { planned, unrecorded } = records.filter((r) => r.policy === "planned").pop()!;
        return { outcome, seen, planned: planned!, unrecorded: unrecorded!, root: seen.find((r) => r.type === "pulumi:pulumi:Stack") };
    }

    before(async function () {
        workspace = await OfflineWorkspace.create({ projectSource: path.join(FIXTURES, "probe-project") });
        outFile = path.join(workspace.dir, "seen.jsonl");
        probePack = javascriptProbePack(path.join(workspace.dir, "probe"));
        const staging = await workspace.stack("staging", stagingProgram);
        const up = await staging.up();
        assert.equal(up.summary.result, "succeeded");
        prod = await workspace.stack("prod", prodProgram);
    });

    after(() => workspace?.remove());

    it("does not show StackReference reads to stack policies", async () => {
        const { seen } = await seenBy("preview");
        assert.deepEqual(
            seen.filter((r) => r.type === "pulumi:pulumi:StackReference"),
            [],
        );
        assert.ok(
            seen.some((r) => r.type === "aws:sns/topic:Topic"),
            "custom resources are visible",
        );
    });

    it("shows the root stack's outputs, including values read through a reference, in preview and update", async () => {
        for (const operation of ["preview", "update"] as const) {
            const { root } = await seenBy(operation);
            assert.ok(root, `${operation}: the root stack resource is visible`);
            assert.deepEqual(root.props.upstream, { version: "1.0.0" }, `${operation}: stack reference output carried`);
        }
    });

    it("hands secret outputs to policies unmasked", async () => {
        const { root } = await seenBy("preview");
        assert.equal(root?.props.upstreamToken, SECRET);
    });

    it("lets the parity policy tell secret inputs (as digests) and file assets (as content hashes), which the SDK hands over unmarked", async () => {
        for (const operation of ["preview", "update"] as const) {
            const { seen, planned } = await seenBy(operation);
            const topic = seen.find((r) => r.type === "aws:sns/topic:Topic");
            assert.equal(topic?.props.displayName, SECRET_DISPLAY_NAME, `${operation}: the SDK hands the secret over as plain text`);
            const plannedTopic = planned.find((r) => r.type === "aws:sns/topic:Topic");
            assert.deepEqual(plannedTopic?.inputs.displayName, { "atlas:secret": digestOf(SECRET_DISPLAY_NAME) }, `${operation}: parity sees a secret`);
            const object = planned.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
            const hash = createHash("sha256").update(fs.readFileSync(SCRIPT)).digest("hex");
            assert.deepEqual(object?.inputs.source, { "atlas:asset": hash }, `${operation}: parity sees the file's content hash, as the checkpoint records it`);
        }
        assert.equal(
            JSON.stringify((await prod.exportStack()).deployment).includes(createHash("sha256").update(fs.readFileSync(SCRIPT)).digest("hex")),
            true,
            "the checkpoint records the same hash",
        );
    });

    it("runs a resource policy on every custom resource's inputs before the stack policies, in the same pack process (parity's inputs)", async () => {
        for (const operation of ["preview", "update"] as const) {
            const { planned, unrecorded } = await seenBy(operation);
            assert.deepEqual(unrecorded, [], `${operation}: every custom resource's inputs were recorded`);
            const topic = planned.find((r) => r.type === "aws:sns/topic:Topic");
            assert.deepEqual(Object.keys(topic?.inputs ?? {}).sort(), ["displayName", "name"], `${operation}: the inputs, not the outputs`);
            if (operation === "update") {
                assert.ok(topic?.computed && "arn" in topic.computed, "the provider's outputs are computed values");
            }
        }
    });

    it("reports outputs unknown during preview as unknown, and known after the update", async () => {
        await prod.destroy();
        const preview = await seenBy("preview");
        assert.equal(preview.root?.props.topicArn, "<unknown during preview>");
        const update = await seenBy("update");
        assert.match(String(update.root?.props.topicArn), /^arn:aws:sns:eu-west-1:333333333333:alerts/);
    });

    it("downgrades a mandatory policy that touches an unknown value to advisory during preview", async () => {
        await prod.destroy();
        const { outcome } = await seenBy("preview", "topicArn");
        const touched = outcome.violations.find((v) => v.policy === "touches-output");
        assert.ok(touched, "the engine reports the policy");
        assert.equal(touched.level, "advisory");
        assert.match(touched.message, /can't be known during preview/);
        assert.equal(outcome.succeeded, true, "so a gate written this way would let the preview pass");
    });
});

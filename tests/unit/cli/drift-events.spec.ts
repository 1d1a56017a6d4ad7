/**
 * Drift from the engine's events, as a refresh preview hands them out (secrets blinded as "[secret]" on both sides,
 * no `diffs` on a refresh step): the engine's operation is the verdict, the values only explain it, and the report's
 * count is held to the engine's own summary. The streams below are shaped as the real engine sends them (pinned on
 * the engine in tests/engine/secret-drift.spec.ts).
 */
import { strict as assert } from "assert";
import { DiffKind } from "@pulumi/pulumi/automation";
import { driftReport, explained, UnexplainedDrift } from "../../../cli/lib/operations/drift";
import { driftRecordOf, parseDriftRecord } from "../../../cli/lib/operations/drift-record";
import { driftOf } from "../../../cli/lib/operations/status";
import { historyEntry, releaseUpdate } from "../../../policy-pack/tests/fixtures";

const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const URN = (type: string, name: string) => `urn:pulumi:prod::atlas::atlas:platform:Observability$${type}::${name}`;
const OLD_ENDPOINT = "https://hooks.example.invalid/old-endpoint-value";
const NEW_ENDPOINT = "https://hooks.example.invalid/new-endpoint-value";

type Step = Parameters<typeof driftReport>[1][number];

/** A refresh step's metadata as the engine sends it: outputs (and inputs) of both sides, secrets blinded. */
function step(op: string, name: string, old: Record<string, unknown>, now: Record<string, unknown> | undefined, extra: Partial<Step> = {}): Step {
    const urn = URN(SUBSCRIPTION, name);
    const state = (outputs: Record<string, unknown>) => ({
        type: SUBSCRIPTION,
        urn,
        custom: true,
        id: "sub-1",
        parent: "",
        provider: "",
        inputs: outputs,
        outputs,
    });
    return { op: op as Step["op"], urn, type: SUBSCRIPTION, provider: "", old: state(old), new: now === undefined ? undefined : state(now), ...extra };
}

const SUBSCRIBED = { protocol: "https", endpoint: "[secret]", topicArn: "arn:aws:sns:eu-west-1:333333333333:atlas-prod-alarms" };
const same = (name: string) => step("same", name, SUBSCRIBED, SUBSCRIBED);

describe("drift: the engine's verdict is the verdict", () => {
    it("reports a changed secret the events blind on both sides, by its path, with no value", () => {
        const report = driftReport(
            "prod",
            [same("team-subscription"), step("update", "oncall-subscription", SUBSCRIBED, SUBSCRIBED)],
            { same: 1, update: 1 },
            1,
        );
        assert.equal(report.engineChanged, 1);
        assert.deepEqual(
            report.drifted.map((d) => [d.label, d.change, d.properties.map((p) => p.path)]),
            [[`${SUBSCRIPTION} "oncall-subscription"`, "changed", ["endpoint"]]],
        );
        assert.match(report.drifted[0].properties[0].cloud, /the engine shows neither side/);
        assert.equal(JSON.stringify(report).includes("hooks.example.invalid/"), false);
    });

    it("reports a secret removed in the cloud as present on one side only, still blinded", () => {
        const removed = { ...SUBSCRIBED } as Record<string, unknown>;
        delete removed.endpoint;
        const report = driftReport("prod", [step("update", "oncall-subscription", SUBSCRIBED, removed)], { update: 1 }, 1);
        assert.deepEqual(
            report.drifted[0].properties.map((p) => [p.path, p.recorded, p.cloud]),
            [["endpoint", "[secret]", "(absent)"]],
        );
    });

    it("names a changed plain property beside a secret, with both values, and does not blame the secret", () => {
        const report = driftReport("prod", [step("update", "oncall-subscription", SUBSCRIBED, { ...SUBSCRIBED, protocol: "http" })], { update: 1 }, 1);
        assert.deepEqual(
            report.drifted[0].properties.map((p) => [p.path, p.recorded, p.cloud]),
            [["protocol", '"https"', '"http"']],
        );
    });

    it("reports a deleted resource that held a secret as deleted, with no value", () => {
        const report = driftReport("prod", [step("delete", "oncall-subscription", SUBSCRIBED, undefined)], { delete: 1 }, 1);
        assert.deepEqual(
            report.drifted.map((d) => [d.change, d.properties]),
            [["deleted", []]],
        );
    });

    it("names a property the engine lists in diffs or detailedDiff even when the values show nothing", () => {
        const properties = explained({
            old: step("update", "x", SUBSCRIBED, SUBSCRIBED).old,
            new: step("update", "x", SUBSCRIBED, SUBSCRIBED).new,
            diffs: ["endpoint"],
            detailedDiff: { endpoint: { diffKind: DiffKind.update, inputDiff: false } },
        });
        assert.deepEqual(
            properties.map((p) => p.path),
            ["endpoint"],
        );
    });

    it("says plainly when several secrets could have changed, and when nothing can be named; never leaves the resource out", () => {
        const twoSecrets = { ...SUBSCRIBED, deliveryPolicy: "[secret]" };
        const several = driftReport("prod", [step("update", "oncall-subscription", twoSecrets, twoSecrets)], { update: 1 }, 1);
        assert.deepEqual(
            several.drifted[0].properties.map((p) => p.path),
            ["one of deliveryPolicy, endpoint"],
        );
        const plain = { protocol: "https" };
        const unnamed = driftReport("prod", [step("update", "oncall-subscription", plain, plain)], { update: 1 }, 1);
        assert.deepEqual(
            unnamed.drifted[0].properties.map((p) => p.path),
            ["(a property the engine does not name)"],
        );
    });

    it("after a refresh recorded a console edit, names what the release asked for against what the cloud holds", () => {
        // As the engine sends it: the state's outputs and the cloud agree (240), the state's inputs are the release's (120).
        const urn = URN("aws:glue/job:Job", "etl-job");
        const state = {
            type: "aws:glue/job:Job",
            urn,
            custom: true,
            id: "etl",
            parent: "",
            provider: "",
            inputs: { __defaults: [], timeout: 120 },
            outputs: { timeout: 240 },
        };
        const report = driftReport(
            "staging",
            [{ op: "update" as Step["op"], urn, type: "aws:glue/job:Job", provider: "", old: state, new: state }],
            { update: 1, same: 74 },
            1,
        );
        assert.deepEqual(
            report.drifted[0].properties.map((p) => [p.path, p.recorded, p.cloud]),
            [["timeout", "120", "240"]],
        );
    });

    it("treats a replacement as drift too", () => {
        const report = driftReport("prod", [step("replace", "oncall-subscription", SUBSCRIBED, { ...SUBSCRIBED, protocol: "sqs" })], { replace: 1 }, 1);
        assert.deepEqual(
            report.drifted.map((d) => d.change),
            ["replaced"],
        );
    });

    it("counts what the engine counts, so a missing event is a mismatch the check refuses (never 'no drift')", () => {
        const report = driftReport("prod", [same("oncall-subscription")], { same: 1, update: 1 }, 1);
        assert.deepEqual([report.engineChanged, report.drifted.length], [1, 0]);
        assert.match(new UnexplainedDrift(report).message, /^the engine found 1 changed resource\(s\) in prod, the report explains 0;/);
    });

    it("refuses a run without the engine's summary: its verdict could not be checked", () => {
        assert.throws(() => driftReport("prod", [same("oncall-subscription")], {}, 1), /ended without the engine's summary of its changes/);
        assert.throws(() => driftReport("prod", [same("oncall-subscription")], undefined, 1), /ended without the engine's summary/);
        const neverDeployed = driftReport("staging", [], {}, 1);
        assert.deepEqual(
            [neverDeployed.checkedResources, neverDeployed.drifted, neverDeployed.engineChanged],
            [0, [], 0],
            "an empty summary of an empty stack",
        );
    });

    it("never prints a value the recorded stream holds in plain text under a secret signature", () => {
        const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
        const report = driftReport(
            "prod",
            [step("update", "oncall-subscription", { ...SUBSCRIBED, endpoint: secret(OLD_ENDPOINT) }, { ...SUBSCRIBED, endpoint: secret(NEW_ENDPOINT) })],
            { update: 1 },
            1,
        );
        assert.deepEqual(
            report.drifted[0].properties.map((p) => [p.path, p.recorded, p.cloud]),
            [["endpoint", "[secret]", "[secret]"]],
        );
        assert.equal(JSON.stringify(report).includes("endpoint-value"), false);
    });
});

describe("drift: the recorded verdict status reads", () => {
    const report = { stack: "prod", checkedAt: "2026-12-04T16:30:00.123Z", seconds: 2, checkedResources: 68, drifted: [], engineChanged: 0 };

    it("is written as the stack tag's value and read back", () => {
        const value = driftRecordOf(report);
        assert.equal(value, "at=2026-12-04T16:30:00Z drifted=0 checked=68");
        assert.deepEqual(parseDriftRecord(value), { at: "2026-12-04T16:30:00Z", drifted: 0, checked: 68 });
        for (const bad of ["", "no drift", "at=yesterday drifted=0 checked=1", "at=2026-12-04T16:30:00Z drifted=-1 checked=1"]) {
            assert.equal(parseDriftRecord(bad), undefined, bad);
        }
    });

    it("status shows the newest check since the release, recorded or refreshed; one from before the release is not a check of it", () => {
        const release = { ...releaseUpdate(), startTime: "2026-12-04T10:00:00.000Z" };
        const record = (at: string, drifted: number) => ({ record: { at, drifted, checked: 68 } });
        assert.deepEqual(driftOf([release], record("2026-12-04T16:30:00Z", 0)), {
            checked: true,
            drifted: false,
            at: "2026-12-04T16:30:00Z",
            note: "no drift",
        });
        assert.equal(driftOf([release], record("2026-12-04T16:30:00Z", 2)).note, "drift in 2 resource(s)");
        assert.equal(driftOf([release], record("2026-12-04T09:00:00Z", 2)).note, "not checked");
        const refresh = { ...historyEntry("refresh", "succeeded", { same: 68 }), startTime: "2026-12-04T17:00:00.000Z" };
        assert.equal(driftOf([refresh, release], record("2026-12-04T16:30:00Z", 2)).note, "none (refresh)", "the newer refresh wins");
        assert.match(driftOf([release], { unreadable: "its atlas:drift tag is not a drift check's record" }).note, /^not checked \(its atlas:drift tag/);
    });
});

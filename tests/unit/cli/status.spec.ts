/**
 * `npm run status` read from canned stacks (the fake stack source): the drift column from the history's refreshes, a
 * failed update that changed nothing, a stack missing and a history that cannot be read, each its own row.
 * The engine test (tests/engine/status.spec.ts) covers the formats against real stacks.
 */
import { strict as assert } from "assert";
import { StackSource } from "../../../cli/lib/stacks/stack-source";
import { readStatus, statusMarkdown, statusTable } from "../../../cli/lib/operations/status";
import { CANDIDATE, historyEntry, quietRefresh, releaseUpdate } from "../../../policy-pack/tests/fixtures";
import { FakeStackSource } from "../support/fake-stack-source";

const ROOT = "/nonexistent";

describe("status rows", () => {
    it("say what a refresh recorded since the release, and 'not checked' without one", async () => {
        const source = new FakeStackSource(ROOT, {
            "organization/atlas/dev": { history: [quietRefresh(), releaseUpdate()] },
            "organization/atlas/staging": { history: [releaseUpdate(), quietRefresh()] },
        });
        const { environments } = await readStatus(source);
        const [dev, staging, prod] = environments;
        assert.deepEqual([dev.drift.checked, dev.drift.drifted, dev.drift.note], [true, false, "none (refresh)"]);
        assert.equal(dev.release?.version, CANDIDATE.version);
        assert.deepEqual(dev.lastOperation && [dev.lastOperation.kind, dev.lastOperation.result], ["refresh", "succeeded"]);
        assert.equal(dev.problem, undefined);
        assert.deepEqual(staging.drift, { checked: false, drifted: null, note: "not checked" }, "a refresh before the release says nothing of now");
        assert.equal(prod.exists, false);
        assert.match(prod.problem ?? "", /^no stack "prod" in a fake stack source; to fix: create it/);
        assert.deepEqual([prod.parity.upstream, prod.parity.atParity], ["staging", null]);
    });

    it("say that a refresh found drift (and the stack then runs no known release)", async () => {
        const source = new FakeStackSource(ROOT, {
            "organization/atlas/dev": { history: [historyEntry("refresh", "succeeded", { same: 70, update: 1 }), releaseUpdate()] },
        });
        const [dev] = (await readStatus(source)).environments;
        assert.deepEqual([dev.drift.drifted, dev.drift.note], [true, "drift in 1 resource(s), recorded by a refresh"]);
        assert.equal(dev.release, null);
        assert.match(dev.problem ?? "", /found drift and rewrote its state/);
    });

    it("name a failed update that changed nothing, while the stack still runs its release", async () => {
        const source = new FakeStackSource(ROOT, { "organization/atlas/dev": { history: [historyEntry("update", "failed", {}), releaseUpdate()] } });
        const [dev] = (await readStatus(source)).environments;
        assert.equal(dev.release?.version, CANDIDATE.version);
        assert.match(
            dev.problem ?? "",
            new RegExp(`its last update failed at \\S+, changing no resource, so it still runs ${CANDIDATE.version.replace(/\./g, "\\.")}`),
        );
        assert.match(
            statusTable({ source: "x", environments: [dev], backendReachable: true }),
            /^ {2}dev +organization\/atlas\/dev +1\.4\.0 +0123456789ab +update at \S+ +failed /m,
        );
    });

    it("keep reading the other stacks when one cannot be read", async () => {
        const source = new FakeStackSource(ROOT, { "organization/atlas/staging": { history: [releaseUpdate()] } });
        const broken: StackSource = Object.assign(Object.create(source) as StackSource, {
            exists: async (name: string) => name !== "prod",
            pulumi: async (args: string[]) => {
                if (args.includes("organization/atlas/dev")) {
                    throw new Error("Command failed\nerror: could not read checkpoint: unexpected end of JSON input");
                }
                return source.pulumi(args);
            },
        });
        const [dev, staging] = (await readStatus(broken)).environments;
        assert.equal(
            dev.problem,
            "its history cannot be read: error: could not read checkpoint: unexpected end of JSON input; to fix: check access to the backend (pulumi stack history --stack dev)",
        );
        assert.equal(staging.release?.version, CANDIDATE.version);
        assert.match(
            statusMarkdown(await readStatus(broken)),
            /dev\["dev<br\/>\(never deployed\)"\] --> staging\["staging<br\/>1\.4\.0"\] --> prod\["prod<br\/>\(no stack\) \?"\]/,
        );
        assert.equal((await readStatus(broken)).backendReachable, true);
    });

    it("say so in every row when the backend cannot be reached, and the report says it was not", async () => {
        const source = new FakeStackSource(ROOT, {});
        const unreachable: StackSource = Object.assign(Object.create(source) as StackSource, {
            exists: async () => {
                throw new Error("error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
            },
        });
        const report = await readStatus(unreachable);
        assert.equal(report.backendReachable, false);
        for (const row of report.environments) {
            assert.match(row.problem ?? "", /^cannot list the stacks: error: PULUMI_ACCESS_TOKEN must be set .*; to fix: log in to the backend/);
        }
    });
});

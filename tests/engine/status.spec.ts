/**
 * `npm run status` on the real engine: what runs where, in each format, read from an offline workspace after releases
 * were deployed (the suite's deployed release: staging and prod at 1.0.0 of the snapshot, dev created and never
 * deployed); then a failed last update and a missing stack, each a row that says what is wrong (exit 0 all the same).
 */
import { strict as assert } from "assert";
import { runCommand } from "./hardening/harness";
import { DEPLOYED_VERSION } from "./support/deployed-release";
import { withOfflineWorkspace } from "./support/offline-release";

interface Row {
    environment: string;
    exists: boolean;
    release: { version: string; commit: string } | null;
    lastOperation: { kind: string; result: string; at: string } | null;
    parity: { upstream: string | null; atParity: boolean | null; differences: number | null };
    drift: { checked: boolean; note: string };
    problem?: string;
}

describe("npm run status (real engine)", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;
    const status = async (format?: string) => {
        const result = await runCommand("status", [...(format ? ["--format", format] : []), "--workspace", sys().workspace.dir], {
            root: sys().repository.dir,
        });
        assert.equal(result.code, 0, result.stdout + result.stderr);
        return result.stdout;
    };
    const rows = async () =>
        Object.fromEntries((JSON.parse(await status("json")) as { environments: Row[] }).environments.map((row) => [row.environment, row]));

    describe("after staging and prod were deployed", function () {
        it("prints a table: one row per environment with its release, commit, last change, result, parity and drift", async () => {
            const table = await status();
            const commit = sys().snapshot.slice(0, 12);
            assert.match(table, /^status of offline workspace /m);
            assert.match(table, /ENVIRONMENT +STACK +RELEASE +COMMIT +LAST CHANGE +RESULT +PARITY +DRIFT/);
            assert.match(table, /^ {2}dev +organization\/atlas\/dev +\(never deployed\) +- +- +- +- +not checked$/m);
            assert.match(
                table,
                new RegExp(`^ {2}staging +organization/atlas/staging +${DEPLOYED_VERSION} +${commit} +update at \\S+ +succeeded +- +not checked$`, "m"),
            );
            assert.match(
                table,
                new RegExp(
                    `^ {2}prod +organization/atlas/prod +${DEPLOYED_VERSION} +${commit} +update at \\S+ +succeeded +✔ at parity with staging +not checked$`,
                    "m",
                ),
            );
            assert.match(table, /dev: dev has never been updated; to fix: deploy the release to dev first/);
        });

        it("prints Markdown with a Mermaid flowchart naming each environment's release and prod's parity", async () => {
            const markdown = await status("markdown");
            const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? "";
            assert.match(block, /^flowchart LR$/m, markdown);
            assert.match(block, /dev\["dev<br\/>\(never deployed\)"\] --> staging\["staging<br\/>1\.0\.0"\] --> prod\["prod<br\/>1\.0\.0 ✔ parity"\]/, block);
            assert.match(markdown, /^\| environment \| stack \| release \| commit \| last change \| result \| parity \| drift \|$/m);
            assert.match(
                markdown,
                new RegExp(
                    `^\\| prod \\| organization/atlas/prod \\| ${DEPLOYED_VERSION} \\| \`${sys().snapshot.slice(0, 12)}\` \\|.*\\| ✔ at parity with staging \\| not checked \\|$`,
                    "m",
                ),
            );
        });

        it("prints JSON for tools: the full commit, the last operation, parity with its difference count", async () => {
            const { dev, staging, prod } = await rows();
            assert.equal(dev.release, null);
            assert.equal(dev.lastOperation, null);
            for (const row of [staging, prod]) {
                assert.deepEqual([row.release?.version, row.release?.commit], [DEPLOYED_VERSION, sys().snapshot], row.environment);
                assert.deepEqual([row.lastOperation?.kind, row.lastOperation?.result], ["update", "succeeded"], row.environment);
                assert.equal(row.problem, undefined, row.problem);
                assert.deepEqual(row.drift, { checked: false, drifted: null, note: "not checked" });
            }
            assert.deepEqual([prod.parity.upstream, prod.parity.atParity, prod.parity.differences], ["staging", true, 0]);
            assert.equal(staging.parity.upstream, null);
        });
    });

    describe("a failed last update", function () {
        before(async function () {
            this.timeout(600_000);
            sys().workspace.setStandIn({ fail: ["create:aws:glue/job:Job::etl-job"] });
            try {
                const report = await sys().promote("dev", DEPLOYED_VERSION);
                assert.equal(report.succeeded, false, "the injected failure stops dev's update");
            } finally {
                sys().workspace.setStandIn({});
            }
        });

        it("is its environment's row: the failed update, no known release, and what to do", async () => {
            const { dev, prod } = await rows();
            assert.deepEqual([dev.lastOperation?.kind, dev.lastOperation?.result], ["update", "failed"]);
            assert.equal(dev.release, null);
            assert.match(dev.problem ?? "", /dev (no longer runs a known release: its newest change \(update failed|has never been updated).*to fix:/);
            assert.equal(prod.release?.version, DEPLOYED_VERSION, "the other rows are read as before");
            const table = await status();
            assert.match(table, /^ {2}dev +organization\/atlas\/dev +\(none known\) +- +update at \S+ +failed /m);
        });
    });

    describe("a missing stack", function () {
        before(async function () {
            this.timeout(600_000);
            await sys().pulumi(["stack", "rm", "dev", "--force", "--yes"]);
        });

        it("is a row that says the stack is missing, in every format (exit 0)", async () => {
            const { dev, staging } = await rows();
            assert.equal(dev.exists, false);
            assert.match(dev.problem ?? "", /no stack "dev" in offline workspace .*; to fix: create it/);
            assert.equal(staging.release?.version, DEPLOYED_VERSION);
            assert.match(await status(), /^ {2}dev +\(missing\) +\(no stack\) +- +- +- +- +not checked$/m);
            assert.match(await status("markdown"), /dev\["dev<br\/>\(no stack\)"\] --> staging/);
        });
    });
});

/**
 * Reading a stack's history (src/contract/stack-history.ts): which entries changed its state,
 * which of them the gate is given, and which release the stack runs according to them.
 * Entries are newest first, as `pulumi stack history` lists them.
 */
import * as assert from "assert";
import {
    HistoryEntry,
    changedResources,
    isStateChange,
    parseHistoryEntries,
    resourcesAfter,
    runningRelease,
    stateChangesUntilRelease,
} from "../src/contract/stack-history";
import { CANDIDATE, NEXT, historyEntry, quietRefresh, releaseUpdate } from "./fixtures";

const FIX = "promote --stack staging";

describe("stack history", () => {
    describe("state changes", () => {
        it("counts changed resources, leaving out `same` and `read`", () => {
            assert.strictEqual(changedResources({ resourceChanges: { same: 40, read: 1, create: 2, update: 1, delete: 3 } }), 6);
            assert.strictEqual(changedResources({ resourceChanges: { same: 40 } }), 0);
            assert.strictEqual(changedResources({ resourceChanges: {} }), 0);
        });

        it("treats an entry as a state change when it changed a resource, or has not finished", () => {
            assert.ok(isStateChange(historyEntry("update", "succeeded", { create: 1 })));
            assert.ok(isStateChange(historyEntry("update", "failed", { update: 1 })));
            assert.ok(isStateChange(historyEntry("update", "in-progress", {})));
            assert.ok(!isStateChange(quietRefresh()));
            assert.ok(!isStateChange(historyEntry("update", "failed", {})), "an update that failed before any step changed nothing");
            assert.ok(!isStateChange(historyEntry("update", "succeeded", { same: 17 })));
        });

        it("counts the resources a successful update left", () => {
            assert.strictEqual(resourcesAfter({ resourceChanges: { same: 10, create: 3, update: 2, replace: 1, read: 1, delete: 4, discard: 2 } }), 17);
        });
    });

    describe("stateChangesUntilRelease", () => {
        it("keeps state changes, newest first, up to and including the newest successful release update", () => {
            const drift = historyEntry("refresh", "succeeded", { update: 1, same: 16 });
            const release = releaseUpdate();
            const older = releaseUpdate(NEXT);
            const { changes, done } = stateChangesUntilRelease([drift, quietRefresh(), release, older]);
            assert.deepStrictEqual(changes, [drift, release]);
            assert.ok(done);
        });

        it("never lets refreshes that changed nothing hide the release, however many there are", () => {
            const refreshes = Array.from({ length: 12 }, () => quietRefresh());
            const release = releaseUpdate();
            const { changes, done } = stateChangesUntilRelease([...refreshes, release, historyEntry("update", "succeeded", { create: 17 }, "first deploy")]);
            assert.deepStrictEqual(changes, [release]);
            assert.ok(done);
            const running = runningRelease("staging", changes, FIX);
            assert.ok(running.runs);
            assert.deepStrictEqual(running.identity, CANDIDATE);
            assert.strictEqual(running.entry, release);
        });

        it("skips updates that failed before any step", () => {
            const failedEarly = historyEntry("update", "failed", {}, "atlas release 1.5.0");
            assert.deepStrictEqual(
                stateChangesUntilRelease([failedEarly, releaseUpdate()]).changes.map((e) => e.kind + e.result),
                ["updatesucceeded"],
            );
        });

        it("does not stop at a failed release update, nor at a successful update without a release message", () => {
            const failed = { ...releaseUpdate(NEXT), result: "failed" };
            const manual = historyEntry("update", "succeeded", { update: 1 }, "manual fix");
            const release = releaseUpdate();
            assert.deepStrictEqual(stateChangesUntilRelease([failed, manual, release]), { changes: [failed, manual, release], done: true });
        });

        it("is not done when the entries so far hold no release update (the tooling reads another page)", () => {
            const changes = [historyEntry("update", "succeeded", { create: 1 }, "manual")];
            assert.deepStrictEqual(stateChangesUntilRelease(changes), { changes, done: false });
            assert.deepStrictEqual(stateChangesUntilRelease([]), { changes: [], done: false });
        });
    });

    describe("runningRelease", () => {
        it("is the release of the newest change when that is a successful release update", () => {
            const release = releaseUpdate(NEXT);
            assert.deepStrictEqual(runningRelease("staging", [release, releaseUpdate()], FIX), { runs: true, identity: NEXT, entry: release });
        });

        it("is none when the stack has never been updated", () => {
            assert.deepStrictEqual(runningRelease("organization/atlas/staging", [], FIX), {
                runs: false,
                problem: "organization/atlas/staging has never been updated",
                fix: "deploy the release to organization/atlas/staging first (promote --stack staging)",
            });
        });

        const cases: [string, HistoryEntry, RegExp][] = [
            [
                "a destroy",
                historyEntry("destroy", "succeeded", { delete: 17 }),
                /\(destroy succeeded at .*: 17 delete\) after release 1\.4\.0 .* removed resources$/,
            ],
            [
                "a failed update",
                historyEntry("update", "failed", { create: 1 }),
                /\(update failed at .*: 1 create\) after release 1\.4\.0 .* failed part-way, so its resources are a mix of releases$/,
            ],
            ["a failed destroy", historyEntry("destroy", "failed", { delete: 3 }), /failed part-way/],
            ["an unfinished update", historyEntry("update", "in-progress", {}), /has not finished, so its state is unknown$/],
            [
                "a refresh that found drift",
                historyEntry("refresh", "succeeded", { update: 2, same: 15 }),
                /\(refresh succeeded at .*: 2 update\) .* found drift and rewrote its state$/,
            ],
            ["an import", historyEntry("import", "succeeded", { import: 2 }), /imported resources$/],
            [
                "an update not made by promote",
                historyEntry("update", "succeeded", { update: 1 }, "hotfix"),
                /message "hotfix"\) .* was not made by `promote`, so which code it ran is not recorded$/,
            ],
            ["another kind of operation", historyEntry("rename", "succeeded", { update: 1 }), /is a rename that changed its state$/],
        ];
        for (const [what, entry, expected] of cases) {
            it(`is none after ${what}, naming the change and the release before it`, () => {
                const running = runningRelease("staging", [entry, releaseUpdate()], FIX);
                assert.ok(!running.runs);
                assert.match(running.problem, /^staging no longer runs a known release: its newest change /);
                assert.match(running.problem, expected);
                assert.strictEqual(running.fix, "redeploy the release to staging (promote --stack staging) so it runs exactly one release again, then promote");
            });
        }

        it("shortens a long message of the change it names", () => {
            const running = runningRelease("staging", [historyEntry("update", "succeeded", { update: 1 }, "x".repeat(200))], FIX);
            assert.ok(!running.runs && running.problem.includes(`message "${"x".repeat(80)}"`) && !running.problem.includes("x".repeat(81)));
        });
    });

    describe("parseHistoryEntries", () => {
        it("accepts well-formed entries", () => {
            const entries = [releaseUpdate(), quietRefresh()];
            assert.deepStrictEqual(parseHistoryEntries(entries, "changes"), { ok: true, value: entries });
        });

        it("names every malformed entry", () => {
            const parsed = parseHistoryEntries(
                [
                    releaseUpdate(),
                    { kind: "update" },
                    { ...releaseUpdate(), resourceChanges: { create: "3" } },
                    { ...releaseUpdate(), resourceChanges: { create: -1 } },
                    null,
                ],
                "changes",
            );
            assert.ok(!parsed.ok);
            assert.deepStrictEqual(
                parsed.problems.map((p) => p.split(" ")[0]),
                ["changes[1]", "changes[2]", "changes[3]", "changes[4]"],
            );
            assert.match(parsed.problems[0], /should be \{kind, result, message, startTime, resourceChanges: \{operation: count\}\}/);
        });

        it("refuses a value that is not a list", () => {
            const parsed = parseHistoryEntries({ 0: releaseUpdate() }, "changes");
            assert.ok(!parsed.ok && parsed.problems[0] === "changes should be a list of history entries (got a map)");
        });
    });
});

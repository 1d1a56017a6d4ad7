/**
 * Reading a stack's history and checkpoint through the Pulumi CLI (cli/lib/stacks/stack-reading.ts),
 * against a fake backend: history page by page until the caller has enough, and the checkpoint
 * with secrets in plain text only when it holds any.
 */
import { strict as assert } from "assert";
import { StackReadError, readCheckpoint, readHistory } from "../../../cli/lib/stacks/stack-reading";
import { HistoryEntry, stateChangesUntilRelease } from "../../../policy-pack/src/contract/stack-history";
import { STAGING_STACK, quietRefresh, releaseUpdate, stagingCheckpoint } from "../../../policy-pack/tests/fixtures";
import { FakeStackSource } from "../support/fake-stack-source";

const refreshes = (n: number) => Array.from({ length: n }, () => quietRefresh());
const pagesRead = (source: FakeStackSource) => source.callsOf("history").map((args) => args[args.indexOf("--page") + 1]);
const never = () => false;

describe("reading a stack's history", () => {
    it("asks the CLI for JSON pages of 50 entries of the named stack", async () => {
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [releaseUpdate()] } });
        await readHistory(source, STAGING_STACK, never);
        assert.deepEqual(source.calls, [["stack", "history", "--json", "--page-size", "50", "--page", "1", "--stack", STAGING_STACK]]);
    });

    it("pages on until the caller has enough: a release behind 60 quiet refreshes is found on page 2, page 3 is never read", async () => {
        const release = releaseUpdate();
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [...refreshes(60), release, ...refreshes(100)] } });
        const entries = await readHistory(source, STAGING_STACK, (so_far) => stateChangesUntilRelease(so_far).done);
        assert.deepEqual(pagesRead(source), ["1", "2"]);
        assert.equal(entries.length, 100);
        assert.deepEqual(entries[60], release);
        assert.deepEqual(stateChangesUntilRelease(entries).changes, [release]);
    });

    it("stops at the first page when it is enough", async () => {
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [releaseUpdate(), ...refreshes(120)] } });
        const entries = await readHistory(source, STAGING_STACK, (so_far) => stateChangesUntilRelease(so_far).done);
        assert.deepEqual(pagesRead(source), ["1"]);
        assert.equal(entries.length, 50);
    });

    it("reads the whole history when nothing is enough: a short last page ends it, and so does an empty one", async () => {
        const short = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: refreshes(120) } });
        assert.equal((await readHistory(short, STAGING_STACK, never)).length, 120);
        assert.deepEqual(pagesRead(short), ["1", "2", "3"]);
        const exact = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: refreshes(100) } });
        assert.equal((await readHistory(exact, STAGING_STACK, never)).length, 100);
        assert.deepEqual(pagesRead(exact), ["1", "2", "3"]);
        const none = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [] } });
        assert.deepEqual(await readHistory(none, STAGING_STACK, never), []);
    });

    it("keeps only the fields the gate reads, defaulting a missing message and counts", async () => {
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [{ kind: "update", result: "in-progress" } as HistoryEntry] } });
        assert.deepEqual(await readHistory(source, STAGING_STACK, never), [
            { kind: "update", result: "in-progress", message: "", resourceChanges: {}, startTime: "" },
        ]);
    });

    it("refuses an answer that is not JSON, or an entry without kind or result, naming the stack", async () => {
        const garbled = new FakeStackSource("/nonexistent", { [STAGING_STACK]: {} });
        garbled.pulumi = async () => "warning: a newer version of Pulumi is available\n[]";
        await assert.rejects(
            readHistory(garbled, STAGING_STACK, never),
            (e: Error) => e instanceof StackReadError && /pulumi stack history of organization\/atlas\/staging did not return JSON: warning/.test(e.message),
        );
        const partial = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { history: [{ result: "succeeded" } as HistoryEntry] } });
        await assert.rejects(
            readHistory(partial, STAGING_STACK, never),
            (e: Error) => e instanceof StackReadError && /of organization\/atlas\/staging returned an entry without kind or result/.test(e.message),
        );
    });
});

describe("reading a stack's checkpoint", () => {
    it("exports once, without secrets, when the checkpoint holds none", async () => {
        const checkpoint = stagingCheckpoint().filter((r) => !r.urn.endsWith("::webhook-token"));
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { checkpoint } });
        assert.deepEqual(await readCheckpoint(source, STAGING_STACK), checkpoint);
        assert.deepEqual(source.calls, [["stack", "export", "--stack", STAGING_STACK]]);
    });

    it("exports again with --show-secrets when a compared resource holds a secret, to digest it", async () => {
        const checkpoint = stagingCheckpoint();
        const source = new FakeStackSource("/nonexistent", { [STAGING_STACK]: { checkpoint } });
        assert.deepEqual(await readCheckpoint(source, STAGING_STACK), checkpoint);
        assert.deepEqual(source.callsOf("export"), [
            ["stack", "export", "--stack", STAGING_STACK],
            ["stack", "export", "--stack", STAGING_STACK, "--show-secrets"],
        ]);
    });

    it("reads an empty deployment as no resources, and refuses an answer that is not JSON", async () => {
        const empty = new FakeStackSource("/nonexistent", { [STAGING_STACK]: {} });
        assert.deepEqual(await readCheckpoint(empty, STAGING_STACK), []);
        empty.pulumi = async () => "error: stack not found";
        await assert.rejects(
            readCheckpoint(empty, STAGING_STACK),
            (e: Error) => e instanceof StackReadError && /pulumi stack export of organization\/atlas\/staging did not return JSON/.test(e.message),
        );
    });
});

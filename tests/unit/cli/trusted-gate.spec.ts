/**
 * Which policy pack judges a prod promotion (cli/lib/gate/trusted-gate.ts): the pinned commit, else the
 * pack of the release prod runs, else (prod never released) the candidate's. Never simply the
 * candidate's own when prod has a release. A throw-away repository holds three versions of the
 * pack; a fake backend serves prod's history.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../../cli/lib/kit/args";
import { GateRefusal, PACK_CHANGE_ENV, PINNED_GATE_ENV, chooseTrustedGate } from "../../../cli/lib/gate/trusted-gate";
import { HistoryEntry } from "../../../policy-pack/src/contract/stack-history";
import { CANDIDATE, PROD_STACK, historyEntry, quietRefresh, releaseUpdate } from "../../../policy-pack/tests/fixtures";
import { FakeStackSource } from "../support/fake-stack-source";
import { ThrowAwayRepo } from "../support/throw-away-repo";

const PACK_FILE = "policy-pack/src/policies/gate.ts";

describe("the trusted gate", () => {
    let repo: ThrowAwayRepo;
    let scratch: string;
    /** Commits whose pack says "v1", "v2" and "v3" (the candidate's), one on a side branch from v1, and one after the candidate changing only the program. */
    let [v1, v2, candidate, side, programOnly] = ["", "", "", "", ""];
    /** The candidate's pack (its git tree), and the prod environment's approval of it. */
    let candidatePack = "";
    let approved: NodeJS.ProcessEnv = {};

    before(() => {
        repo = new ThrowAwayRepo();
        repo.write(PACK_FILE, "export const gate = 'v1';\n");
        v1 = repo.commit("pack v1");
        repo.write(PACK_FILE, "export const gate = 'v2';\n");
        v2 = repo.commit("pack v2");
        repo.write(PACK_FILE, "export const gate = 'v3 (relaxed by the candidate)';\n");
        candidate = repo.commit("pack v3");
        repo.git("checkout", "-q", "-b", "side", v1);
        repo.write(PACK_FILE, "export const gate = 'side (never reviewed on the way to the candidate)';\n");
        side = repo.commit("pack on a side branch");
        repo.git("checkout", "-q", "-");
        assert.equal(repo.git("rev-parse", "HEAD"), candidate);
        candidatePack = repo.git("rev-parse", `${candidate}:policy-pack`);
        approved = { [PACK_CHANGE_ENV]: candidatePack };
        repo.write("index.ts", "export const program = 'changed';\n");
        programOnly = repo.commit("program only");
    });
    after(() => repo.remove());
    beforeEach(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-gate-scratch-"));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    const prodWith = (history: HistoryEntry[] | undefined) => new FakeStackSource(repo.dir, history === undefined ? {} : { [PROD_STACK]: { history } });
    const released = (commit: string) => releaseUpdate({ ...CANDIDATE, commit });
    const packAt = (packDir: string) => fs.readFileSync(path.join(packDir, "src", "policies", "gate.ts"), "utf8");

    it("is the pack of the release prod runs: its newest successful update made by promote", async () => {
        const source = prodWith([
            { ...released(candidate), result: "failed" },
            historyEntry("update", "succeeded", { update: 1 }, "hotfix by hand"),
            released(v2),
            released(v1),
        ]);
        const gate = await chooseTrustedGate(source, PROD_STACK, candidate, scratch, { env: approved });
        assert.deepEqual([gate.source, gate.commit, gate.packChange], ["prod-release", v2, candidatePack]);
        assert.equal(packAt(gate.packDir), "export const gate = 'v2';\n");
        assert.ok(gate.packDir.startsWith(scratch), "extracted into the run's scratch directory");
    });

    it("finds prod's release behind many refreshes, reading history page by page", async () => {
        const source = prodWith([...Array.from({ length: 70 }, () => quietRefresh()), released(v1)]);
        const gate = await chooseTrustedGate(source, PROD_STACK, candidate, scratch, { env: approved });
        assert.deepEqual([gate.source, gate.commit], ["prod-release", v1]);
        assert.equal(source.callsOf("history").length, 2);
    });

    it("is the candidate's own pack only while prod has never been released (bootstrap)", async () => {
        for (const source of [prodWith(undefined), prodWith([]), prodWith([historyEntry("update", "succeeded", { create: 20 }, "pulumi up")])]) {
            const gate = await chooseTrustedGate(source, PROD_STACK, candidate, scratch, { env: {} });
            assert.deepEqual([gate.source, gate.commit, gate.packChange], ["bootstrap", candidate, undefined]);
            assert.match(packAt(gate.packDir), /v3/);
        }
    });

    it("is the pinned commit when ATLAS_GATE_COMMIT is set, without reading prod's history", async () => {
        const source = prodWith([released(v2)]);
        const gate = await chooseTrustedGate(source, PROD_STACK, candidate, scratch, { env: { ...approved, [PINNED_GATE_ENV]: v1 } });
        assert.deepEqual([gate.source, gate.commit], ["pinned", v1]);
        assert.equal(packAt(gate.packDir), "export const gate = 'v1';\n");
        assert.deepEqual(source.calls, []);
    });

    it("refuses a pinned commit that is the candidate itself, or not in the candidate's history (one commit cannot pin its own pack)", async () => {
        for (const pinned of [candidate, side]) {
            await assert.rejects(
                chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env: { [PINNED_GATE_ENV]: pinned } }),
                (e: Error) =>
                    e instanceof UsageError &&
                    e.message.startsWith(`${PINNED_GATE_ENV}=${pinned} is not an earlier commit of the release being promoted (${candidate})`),
                pinned === candidate ? "the candidate" : "a side branch",
            );
        }
    });

    it("ignores an empty pinned setting", async () => {
        const gate = await chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env: { ...approved, [PINNED_GATE_ENV]: "" } });
        assert.equal(gate.source, "prod-release");
    });

    it("refuses a pinned setting that is not a full commit id", async () => {
        for (const pinned of ["main", v1.slice(0, 12), v1.toUpperCase(), `${v1} `]) {
            await assert.rejects(
                chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env: { [PINNED_GATE_ENV]: pinned } }),
                (e: Error) => e instanceof UsageError && e.message.startsWith(`${PINNED_GATE_ENV}="${pinned}" is not a full git commit id`),
                pinned,
            );
        }
    });

    it("refuses a gate commit the checkout does not have, saying to fetch the full history", async () => {
        const unknown = "f".repeat(40);
        await assert.rejects(
            chooseTrustedGate(prodWith([released(unknown)]), PROD_STACK, candidate, scratch, { env: {} }),
            (e: Error) =>
                e instanceof UsageError &&
                new RegExp(`is at commit ${unknown} \\(the release prod runs\\), which .* does not have; fetch the full history`).test(e.message),
        );
        await assert.rejects(
            chooseTrustedGate(prodWith([]), PROD_STACK, candidate, scratch, { env: { [PINNED_GATE_ENV]: unknown } }),
            (e: Error) => e instanceof UsageError && new RegExp(`\\(${PINNED_GATE_ENV}\\), which .* does not have`).test(e.message),
        );
    });

    describe("a release that changes policy-pack/", () => {
        it("is refused before anything runs unless the target environment approves that very pack", async () => {
            for (const env of [
                {},
                { [PACK_CHANGE_ENV]: "" },
                { [PACK_CHANGE_ENV]: repo.git("rev-parse", `${v2}:policy-pack`) },
                { [PACK_CHANGE_ENV]: candidate },
            ]) {
                await assert.rejects(
                    chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env }),
                    (e: Error) =>
                        e instanceof GateRefusal &&
                        e.message.startsWith(
                            `this release changes policy-pack/ (tree ${candidatePack}) from the pack that judges prod (commit ${v2.slice(0, 12)}`,
                        ) &&
                        e.message.includes(`set ${PACK_CHANGE_ENV}=${candidatePack} in the prod environment's protected settings`),
                    JSON.stringify(env),
                );
            }
        });

        it("is still judged by the trusted pack once approved, and the approval is recorded", async () => {
            const gate = await chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env: approved });
            assert.equal(gate.packChange, candidatePack);
            assert.equal(packAt(gate.packDir), "export const gate = 'v2';\n", "the approval lets the change through; the old pack still judges this release");
        });

        it("is reported, not refused, by a preview whose release gate is advisory (a pull-request check)", async () => {
            const gate = await chooseTrustedGate(prodWith([released(v2)]), PROD_STACK, candidate, scratch, { env: {}, adviseOnPackChange: true });
            assert.equal(gate.packChange, undefined, "not approved");
            assert.match(gate.unapprovedPackChange ?? "", new RegExp(`^this release changes policy-pack/ \\(tree ${candidatePack}\\)`));
            assert.equal(packAt(gate.packDir), "export const gate = 'v2';\n");
        });

        it("needs no approval when only the program changed since the judging release", async () => {
            const gate = await chooseTrustedGate(prodWith([released(candidate)]), PROD_STACK, programOnly, scratch, { env: {} });
            assert.deepEqual([gate.source, gate.commit, gate.packChange], ["prod-release", candidate, undefined]);
        });
    });
});

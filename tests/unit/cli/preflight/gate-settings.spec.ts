/**
 * Doctor's gate-settings check (cli/lib/preflight/gate-settings.ts): ATLAS_GATE_COMMIT pins an earlier commit of the
 * checkout, as promote demands, and ATLAS_PACK_CHANGE_APPROVED approves this checkout's `policy-pack/` tree, not a
 * stale one. The checkout's answers are canned: one commit before HEAD, HEAD itself, and a commit off HEAD's history.
 */
import { strict as assert } from "assert";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { GATE_CHECK, GateFacts, gateFindings } from "../../../../cli/lib/preflight/gate-settings";

const HEAD = "c".repeat(40);
const EARLIER = "a".repeat(40);
const SIDE = "b".repeat(40);
const PACK_TREE = "d".repeat(40);
const OTHER_TREE = "e".repeat(40);

const FACTS: GateFacts = {
    head: HEAD,
    headPackTree: PACK_TREE,
    hasCommit: (commit) => [HEAD, EARLIER, SIDE].includes(commit),
    isAncestorOfHead: (commit) => [HEAD, EARLIER].includes(commit),
};
const lines = (env: NodeJS.ProcessEnv) => gateFindings(env, FACTS).map(findingLine);
const pin = (value: string) => lines({ ATLAS_GATE_COMMIT: value });
const approve = (value: string) => lines({ ATLAS_PACK_CHANGE_APPROVED: value });

describe("doctor: the gate's settings", () => {
    it("is ok with both unset (or empty), their normal state", () => {
        for (const env of [{}, { ATLAS_GATE_COMMIT: "", ATLAS_PACK_CHANGE_APPROVED: "" }]) {
            assert.deepEqual(lines(env), [`ok  ${GATE_CHECK} (both unset: a gated environment is judged by the pack of the release it runs)`]);
        }
    });

    describe("ATLAS_GATE_COMMIT", () => {
        it("is ok pinning an earlier commit of the checkout, and says to unset it later", () => {
            assert.deepEqual(pin(EARLIER), [
                `ok  ${GATE_CHECK} (ATLAS_GATE_COMMIT pins the judging pack to ${EARLIER.slice(0, 12)}, an earlier commit; unset it once a release runs that pack)`,
            ]);
        });

        it("is a problem when it is not a full commit id (a short one, a branch name)", () => {
            for (const value of ["aaaaaaa", "main"]) {
                assert.match(
                    pin(value)[0],
                    new RegExp(`^✘ {3}gate settings .*: ATLAS_GATE_COMMIT="${value}" is not a full git commit id; to fix: set it to the 40-character commit`),
                );
            }
        });

        it("is a problem when the checkout does not have the commit, with fetching the history as the fix", () => {
            assert.match(
                pin("f".repeat(40))[0],
                /ATLAS_GATE_COMMIT=f{40} is not a commit of this checkout; to fix: fetch the full history \(git fetch --unshallow\), or unset ATLAS_GATE_COMMIT/,
            );
        });

        it("is a problem pinning the checkout's own commit, or a commit off its history, as promote refuses both", () => {
            assert.match(
                pin(HEAD)[0],
                /ATLAS_GATE_COMMIT=cccccccccccc is the checkout's own commit; promote refuses a pin that is not reviewed history before the candidate; to fix: pin a reviewed commit before cccccccccccc/,
            );
            assert.match(pin(SIDE)[0], /ATLAS_GATE_COMMIT=bbbbbbbbbbbb is not an earlier commit of the checkout's history/);
        });
    });

    describe("ATLAS_PACK_CHANGE_APPROVED", () => {
        it("is ok approving this checkout's policy-pack/ tree, and says to unset it once promoted", () => {
            assert.deepEqual(approve(PACK_TREE), [
                `ok  ${GATE_CHECK} (ATLAS_PACK_CHANGE_APPROVED approves this checkout's policy-pack/ tree ${PACK_TREE.slice(0, 12)}; unset it once the release is promoted)`,
            ]);
        });

        it("is a problem when it is not a full tree id, with the command that prints the right one", () => {
            assert.match(
                approve("yes")[0],
                /ATLAS_PACK_CHANGE_APPROVED="yes" is not a full git tree id; to fix: set it to the tree promote's refusal names \(git rev-parse HEAD:policy-pack\)/,
            );
        });

        it("is a problem approving another tree: a stale approval that would approve that pack again", () => {
            const [line] = approve(OTHER_TREE);
            assert.match(
                line,
                /approves policy-pack\/ tree eeeeeeeeeeee, but this checkout's is dddddddddddd: it approves nothing a promote from here would release/,
            );
            assert.match(line, new RegExp(`to fix: unset ATLAS_PACK_CHANGE_APPROVED .*set it to ${PACK_TREE}\\)$`));
        });
    });

    it("judges each setting that is set, one line each", () => {
        assert.deepEqual(
            lines({ ATLAS_GATE_COMMIT: EARLIER, ATLAS_PACK_CHANGE_APPROVED: OTHER_TREE }).map((line) => line.slice(0, 4)),
            ["ok  ", "✘   "],
        );
    });
});

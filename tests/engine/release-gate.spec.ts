/**
 * The release gate on the real engine, as a story from empty stacks: the real Pulumi CLI with the
 * stand-in AWS provider, the real program and policy pack, driven by the real release tooling
 * (`promote`, the rehearsal). One workspace is shared by the whole file: the rehearsal's release
 * path (dev, staging, prod's first deployment), what the strategy allows (refreshes, a rollback),
 * and prod's own environment-specific values under a pinned gate. What the gate refuses starts
 * from the suite's deployed release instead (gate-refusals.spec.ts, gate-attacks.spec.ts).
 *
 * Releases are commits of a release repository made from this working tree (see
 * support/offline-release.ts).
 */
import { strict as assert } from "assert";
import { parseReleaseMessage } from "../../policy-pack/src/contract/release-identity";
import { assertDeployed, messageOf, replacing, show } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

const FIRST = "1.0.0";
const SECOND = "1.1.0";

describe("release gate on the real engine", function () {
    const fixture = withOfflineWorkspace();
    const sys = () => fixture.system;
    const step = (name: string) => {
        const found = sys().rehearsal.STEPS.find((s) => s.name === name);
        assert.ok(found, `rehearsal step ${name}`);
        return found;
    };
    /** Runs a promote step of the rehearsal; its report (the step ran promote to its end). */
    const promoteStep = async (name: string) => {
        const result = await sys().runStep(step(name));
        assert.ok(result.report, `step ${name} ran no promote to its end: ${result.refusal ?? result.note}`);
        return { mismatches: result.mismatches, report: result.report };
    };
    const historyOf = async (stack: string) =>
        JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack])) as { kind: string; result: string; message: string }[];
    /** Promotes `commit` (default: the snapshot) to staging, then asserts it deployed. */
    const deployStaging = async (version: string, commit?: string) =>
        assertDeployed(await sys().promote("staging", version, { commit }), `staging @ ${version}`);

    describe("the rehearsal's release path", function () {
        it("refuses prod before staging has deployed, in the preview, saying staging has never been updated", async () => {
            const result = await promoteStep("prod-before-staging");
            assert.deepEqual(result.mismatches, [], show(result.report.preview));
            assert.match(messageOf(result.report.preview, "prod-release-matches-staging"), /staging has never been updated/);
            assert.deepEqual(await historyOf("prod"), [], "prod has deployed nothing");
        });

        for (const name of ["dev", "staging"]) {
            it(`deploys ${name}, recording the release measured from git in the update's message`, async () => {
                const result = await promoteStep(name);
                assert.deepEqual(result.mismatches, []);
                assert.ok((result.report.update?.changes.create ?? 0) > 20, `${name} created its platform: ${JSON.stringify(result.report.update?.changes)}`);
                const [last] = await historyOf(name);
                assert.deepEqual(parseReleaseMessage(last.message)?.identity, { version: FIRST, commit: sys().snapshot, digest: result.report.release.digest });
                const state = await sys().state(name);
                assert.equal((state.outputs.release as { commit: string }).commit, sys().snapshot, "the program reports what promote told it");
            });
        }

        it("deploys prod at staging's release: a first deployment is judged by the candidate's own pack (bootstrap), recorded", async () => {
            const result = await promoteStep("prod");
            assert.deepEqual(result.mismatches, [], show(result.report.preview));
            assert.deepEqual(result.report.gate, { source: "bootstrap", commit: sys().snapshot });
            assert.equal(parseReleaseMessage((await historyOf("prod"))[0].message)?.gate?.source, "bootstrap");
            assert.equal((await sys().state("prod")).outputs.upstreamStack, sys().workspace.qualified("staging"));
            assert.ok(
                messageOf(result.report.preview, "staging-prod-parity-coverage", "advisory").includes("compared by the resources they are computed from"),
                "values unknown at preview are listed, not passed over silently",
            );
        });
    });

    describe("what the strategy allows", function () {
        // Refreshes that changed nothing are skipped however many there are; walking several history pages is a
        // unit test of the history reader (tests/unit/cli/stack-reading.spec.ts).
        it("promotes after three refreshes of staging that changed nothing (a nightly drift check)", async () => {
            for (let i = 0; i < 3; i++) {
                await sys().pulumi(["refresh", "--stack", "staging", "--yes", "--skip-preview", "--color", "never"]);
            }
            const history = await historyOf("staging");
            assert.equal(
                history.slice(0, 3).every((entry) => entry.kind === "refresh"),
                true,
                "the newest three entries are refreshes",
            );
            const promotion = await sys().promote("prod", FIRST);
            assertDeployed(promotion, "prod after refreshes");
            assert.deepEqual(promotion.gate, { source: "prod-release", commit: sys().snapshot }, "judged by the pack of the release prod runs");
        });

        it("rolls prod back to an older release through staging", async () => {
            await deployStaging(SECOND);
            assertDeployed(await sys().promote("prod", SECOND), "prod @ 1.1.0");
            await deployStaging(FIRST);
            const rollback = await sys().promote("prod", FIRST);
            assertDeployed(rollback, "prod rolled back to 1.0.0");
            assert.equal(((await sys().state("prod")).outputs.release as { version: string }).version, FIRST);
        });
    });

    describe("environment-specific differences and a pinned gate", function () {
        it("deploys prod whose environment-specific keys differ from staging's (its own alert e-mail), judged by a pinned gate", async () => {
            const ownEmail = sys().commit(
                { "Pulumi.prod.yaml": replacing(/atlas:teamAlertEmail: .*/, "atlas:teamAlertEmail: atlas-prod-oncall@example.com") },
                "prod alerts its own list",
            );
            await deployStaging("3.0.0", ownEmail);
            // The prod environment's protected setting may pin the gate: an earlier commit, never the candidate itself.
            await assert.rejects(
                sys().promote("prod", "3.0.0", { commit: ownEmail, env: { ATLAS_GATE_COMMIT: ownEmail } }),
                /is not an earlier commit of the release being promoted/,
            );
            await assert.rejects(
                sys().promote("prod", "3.0.0", { commit: ownEmail, env: { ATLAS_GATE_COMMIT: "main" } }),
                /ATLAS_GATE_COMMIT="main" is not a full git commit id/,
            );
            const promotion = await sys().promote("prod", "3.0.0", { commit: ownEmail, env: { ATLAS_GATE_COMMIT: sys().snapshot } });
            assertDeployed(promotion, "prod with its own alert e-mail");
            assert.deepEqual(
                parseReleaseMessage((await historyOf("prod"))[0].message)?.gate,
                { source: "pinned", commit: sys().snapshot },
                "the pinned gate is recorded in prod's history",
            );
            const subscription = Object.entries((await sys().state("prod")).resources).find(([urn]) => urn.endsWith("::team-email-subscription"));
            assert.match(String(subscription?.[1]), /atlas-prod-oncall@example\.com/);
        });
    });

    describe("secrets", function () {
        it("no policy message or engine error of any run above contains prod's on-call secret", () => {
            assert.ok(sys().outcomes.length >= 15, `every run was recorded (${sys().outcomes.length})`);
            assert.ok(
                sys().outcomes.some((o) => o.violations.length > 0),
                "there were messages to check",
            );
            assert.equal(JSON.stringify(sys().outcomes).includes(sys().oncallSecret), false);
        });
    });
});

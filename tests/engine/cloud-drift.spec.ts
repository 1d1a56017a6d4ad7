/**
 * Cloud truth between releases, on the real engine: the stand-in keeps a cloud apart from Pulumi's state, a console
 * edit there is drift that `npm run drift` finds (each format and exit code) without writing anything, the gate
 * refuses prod while staging's cloud has drifted from its release and allows it once staging is reconciled, and a
 * release of the same commit under a new version changes no resource (a quiet release).
 *
 * Starts from the suite's deployed release (staging and prod at 1.0.0 of the snapshot).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudStore } from "../../tools/stand-in-aws/cloud";
import { CALLER_ACCOUNT_ENV } from "../../tools/stand-in-aws/provider-settings";
import { runCommand } from "./hardening/harness";
import { assertDeployed, changedResources, show, showPromotion } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

/** The deployed release's commit under another version. */
const QUIET = "1.0.1";

describe("cloud truth between releases (real engine)", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;
    const cloud = () => new CloudStore(sys().workspace.cloudDir);
    const historyLength = async (stack: string) => (JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack])) as unknown[]).length;
    /** `npm run <command>` of the copy's checkout against the copy's workspace. */
    const command = (name: string, args: string[], env: Record<string, string> = {}) =>
        runCommand(name, [...args, "--workspace", sys().workspace.dir], { root: sys().repository.dir, env });
    const stateIds = async (stack: string) =>
        (
            JSON.parse(await sys().pulumi(["stack", "export", "--stack", stack])) as {
                deployment: { resources: { urn: string; id?: string; custom?: boolean; type: string }[] };
            }
        ).deployment.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));

    describe("the stand-in's cloud", function () {
        it("holds every resource an update created, apart from Pulumi's state", async () => {
            for (const stack of ["staging", "prod"]) {
                const resources = await stateIds(stack);
                assert.ok(resources.length > 60, `${stack} has its platform`);
                const missing = resources.filter(
                    (r) =>
                        !cloud()
                            .resourcesOf(r.urn)
                            .some((c) => c.id === r.id),
                );
                assert.deepEqual(
                    missing.map((r) => r.urn),
                    [],
                    `${stack}'s resources missing from the cloud`,
                );
            }
        });
    });

    describe("a quiet release", function () {
        it("of the same commit under a new version changes no resource, in the preview and in the update", async () => {
            const promotion = await sys().promote("staging", QUIET);
            assertDeployed(promotion, `staging @ ${QUIET}`);
            assert.deepEqual(changedResources(promotion.preview), {}, `preview:\n${show(promotion.preview)}`);
            assert.deepEqual(changedResources(promotion.update!), {}, `update:\n${show(promotion.update)}`);
            assert.equal(
                await sys()
                    .stack("staging")
                    .then((s) => s.getTag("atlas:release")),
                QUIET,
                "the version is a stack tag",
            );
            assert.equal(((await sys().state("staging")).outputs.release as { version: string }).version, QUIET, "and a stack output");
            const prod = await sys().promote("prod", QUIET);
            assertDeployed(prod, `prod @ ${QUIET}`);
            assert.deepEqual([changedResources(prod.preview), changedResources(prod.update!)], [{}, {}], showPromotion(prod));
        });
    });

    describe("a console edit in staging", function () {
        let historyBefore: number;

        before(async function () {
            this.timeout(600_000);
            historyBefore = await historyLength("staging");
            const edited = await command("cloud", ["set", "--stack", "staging", "--resource", "etl-job", "--property", "timeout", "--value", "240"]);
            assert.equal(edited.code, 0, edited.stdout + edited.stderr);
            assert.match(edited.stdout, /set timeout of urn:pulumi:staging::atlas::.*etl-job to 240 in the cloud/);
        });

        it("is found by `npm run drift` (table, exit 1): the resource, the property, what the state says and what the cloud has", async () => {
            const result = await command("drift", ["--stack", "staging"]);
            assert.equal(result.code, 1, result.stdout + result.stderr);
            assert.match(result.stdout, /^drift of staging: DRIFT in 1 of \d+ resources/m);
            assert.match(result.stdout, /aws:glue\/job:Job "etl-job" +timeout +120 +240/);
            assert.match(result.stdout, /To fix: .*pulumi refresh --stack staging --yes/);
        });

        it("as Markdown and JSON too, and the check writes nothing: no history entry, the state unchanged", async () => {
            const markdown = await command("drift", ["--stack", "staging", "--format", "markdown"]);
            assert.equal(markdown.code, 1, markdown.stderr);
            assert.match(markdown.stdout, /^### Drift of `staging`: DRIFT in 1 of \d+ resources/m);
            assert.match(markdown.stdout, /\| aws:glue\/job:Job "etl-job" \| `timeout` \| 120 \| 240 \|/);
            const json = await command("drift", ["--stack", "staging", "--format", "json"]);
            assert.equal(json.code, 1, json.stderr);
            const report = JSON.parse(json.stdout) as {
                drifted: { label: string; change: string; properties: { path: string; recorded: string; cloud: string }[] }[];
            };
            assert.deepEqual(
                report.drifted.map((d) => [d.label, d.change, d.properties]),
                [['aws:glue/job:Job "etl-job"', "changed", [{ path: "timeout", recorded: "120", cloud: "240" }]]],
            );
            assert.equal(await historyLength("staging"), historyBefore, "a drift check adds no history entry");
            const job = Object.entries((await sys().state("staging")).resources).find(([urn]) => urn.endsWith("::etl-job"));
            assert.match(String(job?.[1]), /"timeout":120/, "the state still says 120");
        });

        it("refuses prod before any run, naming staging's drifted resource and property and how to reconcile (exit 1)", async () => {
            const prodHistory = await historyLength("prod");
            await assert.rejects(sys().promote("prod", QUIET), (error: Error) => {
                assert.equal(error.constructor.name, "GateRefusal", error.message);
                assert.match(error.message, /staging has drifted from its last release: its cloud differs from its state in 1 resource\(s\)/);
                assert.match(error.message, /aws:glue\/job:Job "etl-job" timeout: state 120, cloud 240/);
                assert.match(error.message, /pulumi refresh --stack staging --yes.*promote prod again/s);
                return true;
            });
            assert.equal(await historyLength("prod"), prodHistory, "nothing ran");
            const cli = await command("promote", ["--stack", "prod", "--version", QUIET, "--preview-only"]);
            assert.equal(cli.code, 1, cli.stdout + cli.stderr);
            assert.match(cli.stderr, /^promote: refused: staging has drifted from its last release/m);
        });

        it("a pull-request check reports it without refusing (the gate is advisory there), as the workflow runs it", async () => {
            const markdown = path.join(sys().workspace.dir, "pr-prod.md");
            const check = await command("promote", [
                "--stack",
                "prod",
                "--version",
                "0.0.0-pr.1",
                "--preview-only",
                "--pull-request-check",
                "--markdown",
                markdown,
            ]);
            assert.equal(check.code, 0, check.stdout + check.stderr);
            assert.match(check.stdout, /would refuse \(advisory in this run\): staging has drifted from its last release/);
            assert.match(check.stdout, /its cloud: DRIFT in 1 of \d+ resources/);
            assert.match(fs.readFileSync(markdown, "utf8"), /staging has drifted from its last release/);
        });

        it("allows prod once staging is reconciled: refresh (drift recorded), then staging's release promoted again", async () => {
            await sys().pulumi(["refresh", "--stack", "staging", "--yes", "--skip-preview", "--color", "never"]);
            // A refresh that recorded drift is a state change: staging no longer runs a known release, which the pack
            // refuses at the preview (promote does not check the cloud of a staging that runs no release).
            const stale = await sys().promote("prod", QUIET, { previewOnly: true });
            assert.equal(stale.preview.succeeded, false, "a refresh that recorded drift is a state change: staging no longer runs a known release");
            assert.match(stale.preview.violations.map((v) => v.message).join("\n"), /refresh .* found drift|no longer runs a known release/);
            // The refresh wrote the cloud's 240 into the state's outputs, but its inputs still say what the release asked
            // for (120): the engine's refresh preview still counts etl-job as one the next update would change.
            const recorded = await command("drift", ["--stack", "staging"]);
            assert.equal(recorded.code, 1, "a recorded drift is still drift until a release puts the cloud back");
            assert.match(recorded.stdout, /aws:glue\/job:Job "etl-job" +timeout +120 +240/);
            assertDeployed(await sys().promote("staging", QUIET), "staging reconciled");
            const clean = await command("drift", ["--stack", "staging"]);
            assert.equal(clean.code, 0, clean.stdout + clean.stderr);
            assert.match(clean.stdout, /^drift of staging: no drift in \d+ resources/m);
            const job = Object.entries((await sys().state("staging")).resources).find(([urn]) => urn.endsWith("::etl-job"));
            assert.match(String(job?.[1]), /"timeout":120/, "the release put the code's timeout back");
            const released = await command("release-of", ["--stack", "staging", "--format", "github"]);
            assert.equal(released.code, 0, released.stderr);
            assert.equal(released.stdout, `version=${QUIET}\ncommit=${sys().snapshot}\n`, "what the prod workflow reads from staging");
            const prod = await sys().promote("prod", QUIET);
            assertDeployed(prod, "prod after staging was reconciled");
            assert.deepEqual(prod.upstream?.drift, {
                checkedResources: prod.upstream!.drift!.checkedResources,
                drifted: 0,
                seconds: prod.upstream!.drift!.seconds,
            });
        });
    });

    describe("a resource deleted in prod's console", function () {
        it("is found as deleted, and repaired by a refresh and promoting prod's release again", async () => {
            const deleted = await command("cloud", ["delete", "--stack", "prod", "--resource", "pipeline-dashboard"]);
            assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
            const found = await command("drift", ["--stack", "prod", "--format", "json"]);
            assert.equal(found.code, 1, found.stdout + found.stderr);
            assert.deepEqual(
                (JSON.parse(found.stdout) as { drifted: { label: string; change: string }[] }).drifted.map((d) => [d.label, d.change]),
                [['aws:cloudwatch/dashboard:Dashboard "pipeline-dashboard"', "deleted"]],
            );
            await sys().pulumi(["refresh", "--stack", "prod", "--yes", "--skip-preview", "--color", "never"]);
            const repaired = await sys().promote("prod", QUIET);
            assertDeployed(repaired, "prod repaired");
            assert.deepEqual(changedResources(repaired.update!), { create: 1 }, show(repaired.update));
            assert.equal((await command("drift", ["--stack", "prod"])).code, 0);
        });
    });

    describe("staging moving while prod is promoted", function () {
        it("stops prod's update when staging changed after prod's preview: the update never starts; promoting again follows staging", async () => {
            const moved = "1.0.2";
            const prodHistory = await historyLength("prod");
            await assert.rejects(
                sys().promote("prod", QUIET, {
                    onPreviewPassed: async () => assertDeployed(await sys().promote("staging", moved), `staging @ ${moved}, between prod's preview and update`),
                }),
                (error: Error) => {
                    assert.equal(error.constructor.name, "GateRefusal", error.message);
                    assert.match(
                        error.message,
                        /^organization\/atlas\/staging changed while prod was being promoted: the preview was judged against its change of .*, and its newest is now update succeeded at .*; nothing was updated/,
                    );
                    return true;
                },
            );
            assert.equal(await historyLength("prod"), prodHistory, "prod's update ran");
            assertDeployed(await sys().promote("prod", moved), `prod @ ${moved}, the release staging runs now`);
        });
    });

    describe("a drift check that cannot read the cloud", function () {
        it("fails with exit 3 and the provider's reason, never reporting no drift", async () => {
            const result = await command("drift", ["--stack", "staging"], { [CALLER_ACCOUNT_ENV]: "999999999999" });
            assert.equal(result.code, 3, result.stdout + result.stderr);
            assert.match(result.stderr, /^drift: the refresh preview of staging failed: .*AWS Account ID not allowed: 999999999999/m);
        });
    });

    // In a describe of its own: mocha runs a describe's own tests before its nested describes.
    describe("afterwards", function () {
        it("no message or report of any run above holds prod's on-call secret", () => {
            assert.ok(sys().outcomes.length >= 8, `every run was recorded (${sys().outcomes.length})`);
            assert.equal(JSON.stringify(sys().outcomes).includes(sys().oncallSecret), false);
        });
    });
});

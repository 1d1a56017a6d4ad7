/**
 * Drift of secret properties on the real engine. A refresh preview blinds a secret on both sides ("[secret]") and a
 * refresh step carries no `diffs`, so a reader that decides from the values it can print sees nothing: every kind of
 * secret drift below is found by the engine's own verdict (the step's operation), named by its property path, never
 * with a value — by `npm run drift` in prod (every format), and by prod's promote in staging, refused before any run.
 * A drift check whose report cannot explain what the engine counts fails (exit 3) and the gate refuses.
 *
 * Starts from the suite's deployed release (staging and prod at 1.0.0 of the snapshot; prod holds the on-call secret).
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { runCommand } from "./hardening/harness";
import { assertDeployed } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";
import { detectDrift, UnexplainedDrift } from "../../cli/lib/operations/drift";
import { DRIFT_STACK_TAG } from "../../cli/lib/operations/drift-record";

const ONCALL = "oncall-subscription";
const SUBSCRIPTION = 'aws:sns/topicSubscription:TopicSubscription "oncall-subscription"';
const FORMATS = ["table", "markdown", "json"] as const;

describe("secret drift (real engine)", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;
    /** Every value of a secret this file handled: none may appear in any output. */
    const secrets: string[] = [];
    const outputs: string[] = [];
    const command = async (name: string, args: string[]) => {
        const result = await runCommand(name, [...args, "--workspace", sys().workspace.dir], { root: sys().repository.dir });
        outputs.push(result.stdout, result.stderr);
        return result;
    };
    const consoleEdit = async (stack: string, ...args: string[]) => {
        const edited = await command("cloud", [...args, "--stack", stack, "--resource", ONCALL]);
        assert.equal(edited.code, 0, edited.stdout + edited.stderr);
    };
    const endpoint = () => `https://hooks.example.invalid/${randomBytes(8).toString("hex")}`;
    const historyLength = async (stack: string) => (JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack])) as unknown[]).length;

    /** `npm run drift` of `stack` in `formats`: each exits 1 and names the resource and `path`. */
    async function assertDriftFound(stack: string, path: string | RegExp, change = "changed", formats: readonly string[] = ["json"]): Promise<void> {
        for (const format of formats) {
            const result = await command("drift", ["--stack", stack, "--format", format]);
            assert.equal(result.code, 1, `${format}: ${result.stdout}${result.stderr}`);
            if (format === "json") {
                const report = JSON.parse(result.stdout) as {
                    drifted: { label: string; change: string; properties: { path: string }[] }[];
                    engineChanged: number;
                };
                assert.deepEqual(
                    report.drifted.map((d) => [d.label, d.change]),
                    [[SUBSCRIPTION, change]],
                );
                assert.equal(report.engineChanged, 1, "the engine's own count");
                if (change !== "deleted") {
                    assert.match(report.drifted[0].properties.map((p) => p.path).join(","), path instanceof RegExp ? path : new RegExp(`^${path}$`));
                }
            } else {
                assert.match(result.stdout, /DRIFT in 1 of \d+ resources/, format);
                assert.match(result.stdout, /oncall-subscription/, format);
                if (change !== "deleted") {
                    assert.match(result.stdout, path instanceof RegExp ? path : new RegExp(path), format);
                }
            }
        }
    }

    describe("in prod: npm run drift reports each kind, naming the resource and the property, never a value", function () {
        before(() => secrets.push(sys().oncallSecret));

        it("a secret property changed in the console", async () => {
            const changed = endpoint();
            secrets.push(changed);
            const historyBefore = await historyLength("prod");
            await consoleEdit("prod", "set", "--property", "endpoint", "--value", changed);
            assert.doesNotMatch(outputs[outputs.length - 2], /hooks\.example\.invalid/, "the console edit does not echo a secret");
            await assertDriftFound("prod", "endpoint", "changed", FORMATS);
            assert.equal(await historyLength("prod"), historyBefore, "a drift check adds no history entry");
            const shown = await command("cloud", ["show", "--stack", "prod", "--resource", ONCALL]);
            assert.equal(shown.code, 0, shown.stderr);
            assert.equal((JSON.parse(shown.stdout) as { endpoint: unknown }).endpoint, "[secret]", "the console shows the secret masked");
        });

        it("is recorded for npm run status, which shows the check's time and verdict without refreshing", async () => {
            const tags = JSON.parse(await sys().pulumi(["stack", "tag", "ls", "--json", "--stack", "prod"])) as Record<string, string>;
            assert.match(tags[DRIFT_STACK_TAG] ?? "", /^at=\S+Z drifted=1 checked=\d+$/);
            const status = await command("status", ["--format", "json"]);
            assert.equal(status.code, 0, status.stdout + status.stderr);
            const prod = (JSON.parse(status.stdout) as { environments: { environment: string; drift: { note: string; at?: string } }[] }).environments.find(
                (row) => row.environment === "prod",
            );
            assert.equal(prod?.drift.note, "drift in 1 resource(s)");
            const table = await command("status", []);
            assert.match(table.stdout, /prod .* drift in 1 resource\(s\) at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
        });

        it("put back as it was, it is no drift (and status says so)", async () => {
            await consoleEdit("prod", "set", "--property", "endpoint", "--value", sys().oncallSecret);
            const clean = await command("drift", ["--stack", "prod"]);
            assert.equal(clean.code, 0, clean.stdout + clean.stderr);
            assert.match(clean.stdout, /no drift in \d+ resources/);
            assert.match((await command("status", [])).stdout, /prod .* no drift at \d{4}-/);
        });

        it("a plain property changed on a resource that also holds a secret: named with both values, the secret not blamed", async () => {
            await consoleEdit("prod", "set", "--property", "endpointAutoConfirms", "--value", "false");
            await assertDriftFound("prod", /endpointAutoConfirms +true +false/, "changed", ["table"]);
            const json = JSON.parse((await command("drift", ["--stack", "prod", "--format", "json"])).stdout) as {
                drifted: { properties: { path: string; recorded: string; cloud: string }[] }[];
            };
            assert.deepEqual(json.drifted[0].properties, [{ path: "endpointAutoConfirms", recorded: "true", cloud: "false" }]);
            await consoleEdit("prod", "set", "--property", "endpointAutoConfirms", "--value", "true");
        });

        it("a secret property removed in the console", async () => {
            await consoleEdit("prod", "unset", "--property", "endpoint");
            await assertDriftFound("prod", "endpoint");
        });

        it("a resource holding a secret deleted in the console", async () => {
            await consoleEdit("prod", "delete");
            await assertDriftFound("prod", "", "deleted");
        });
    });

    describe("in staging: prod's promote is refused before any run, naming the resource and the property path", function () {
        const version = "1.0.5";
        let prodHistory: number;

        /** Staging given a secret: its alerts page on-call too (a stack-file change), with its own secret endpoint. */
        before(async function () {
            this.timeout(600_000);
            const stagingSecret = endpoint();
            secrets.push(stagingSecret);
            const commit = sys().commit(
                { "Pulumi.staging.yaml": (text) => text.replace("atlas:routeAlertsToOncall: false", "atlas:routeAlertsToOncall: true") },
                "staging's alerts page on-call",
            );
            await (await sys().stack("staging")).setConfig("atlas:oncallEndpoint", { value: stagingSecret, secret: true });
            assertDeployed(await sys().promote("staging", version, { commit }), "staging with an on-call secret");
            const clean = await command("drift", ["--stack", "staging"]);
            assert.equal(clean.code, 0, clean.stdout + clean.stderr);
            prodHistory = await historyLength("prod");
            restoreStaging = () => consoleEdit("staging", "set", "--property", "endpoint", "--value", stagingSecret);
        });
        let restoreStaging: () => Promise<void>;

        async function assertPromoteRefused(path: RegExp): Promise<void> {
            await assert.rejects(sys().promote("prod", version), (error: Error) => {
                assert.equal(error.constructor.name, "GateRefusal", error.message);
                assert.match(error.message, /^staging has drifted from its last release: its cloud differs from its state in 1 resource\(s\)/);
                assert.match(error.message, path);
                outputs.push(error.message);
                return true;
            });
            assert.equal(await historyLength("prod"), prodHistory, "nothing ran in prod");
        }

        it("a secret property changed", async () => {
            const changed = endpoint();
            secrets.push(changed);
            await consoleEdit("staging", "set", "--property", "endpoint", "--value", changed);
            await assertPromoteRefused(
                /aws:sns\/topicSubscription:TopicSubscription "oncall-subscription" endpoint: state \[secret\], cloud \[secret\] \(changed/,
            );
            const cli = await command("promote", ["--stack", "prod", "--version", version, "--preview-only"]);
            assert.equal(cli.code, 1, cli.stdout + cli.stderr);
            assert.match(cli.stderr, /^promote: refused: staging has drifted from its last release/m);
            assert.match(cli.stderr, /"oncall-subscription" endpoint/);
            await restoreStaging();
        });

        it("a plain property changed on the resource holding the secret", async () => {
            await consoleEdit("staging", "set", "--property", "endpointAutoConfirms", "--value", "false");
            await assertPromoteRefused(/"oncall-subscription" endpointAutoConfirms: state true, cloud false/);
            await consoleEdit("staging", "set", "--property", "endpointAutoConfirms", "--value", "true");
        });

        it("a secret property removed", async () => {
            await consoleEdit("staging", "unset", "--property", "endpoint");
            await assertPromoteRefused(/"oncall-subscription" endpoint: state \[secret\], cloud \(absent\)/);
        });

        it("the resource holding the secret deleted", async () => {
            await consoleEdit("staging", "delete");
            await assertPromoteRefused(/"oncall-subscription" deleted outside Pulumi/);
        });

        it("a report that cannot explain what the engine counts fails the check, and the gate refuses (fail closed)", async () => {
            // A reader that misses the drifted resource's events (as one that read only the values would): forced here.
            const missesOncall = (event: { resOutputsEvent?: { metadata: { urn: string } }; resourcePreEvent?: { metadata: { urn: string } } }) =>
                !(event.resOutputsEvent ?? event.resourcePreEvent)?.metadata.urn.endsWith(`::${ONCALL}`);
            await assert.rejects(detectDrift(sys().source(), "staging", { readsEvent: missesOncall }), (error: Error) => {
                assert.ok(error instanceof UnexplainedDrift, error.message);
                assert.match(error.message, /^the engine found 1 changed resource\(s\) in staging, the report explains 0;/);
                return true;
            });
            await assert.rejects(sys().promote("prod", version, { upstreamDriftEvents: missesOncall }), (error: Error) => {
                assert.equal(error.constructor.name, "GateRefusal", error.message);
                assert.match(error.message, /^staging's drift check cannot account for what the engine found: the engine found 1 changed resource\(s\)/);
                return true;
            });
            assert.equal(await historyLength("prod"), prodHistory, "nothing ran in prod");
        });
    });

    describe("afterwards", function () {
        it("no output of drift, promote, status or cloud show held any secret value, old or new", async () => {
            assert.ok(outputs.length > 30, `every output was kept (${outputs.length})`);
            assert.ok(secrets.length >= 4, "the secrets of both stacks were kept");
            for (const secret of secrets) {
                assert.equal(
                    outputs.some((text) => text.includes(secret)),
                    false,
                    "a secret value appeared in an output",
                );
            }
            assert.equal(JSON.stringify(sys().outcomes).includes(sys().oncallSecret), false);
        });
    });
});

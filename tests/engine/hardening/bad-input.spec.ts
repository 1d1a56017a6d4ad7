/**
 * Bad input on the real engine: a bad stack config refuses a real update before any resource
 * exists (missing keys and wrong types are refused by the CLI itself, from Pulumi.yaml's
 * declarations, before the program's own validation), and a bad policy-config file is refused by
 * the engine with its own message. (The full corpus of config rules runs under mocks in
 * tests/unit/config-validation.spec.ts; the policy-config corpus in tests/unit/hardening/.)
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { runWithPolicies } from "../../../cli/lib/kit/engine-run";
import { policyConfigFor } from "../../../cli/lib/gate/policy-config";
import { environmentFacts } from "../../../cli/lib/stacks/stack-file-config";
import { OfflineBackend } from "../../../cli/lib/stacks/stack-source";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { OfflineWorkspace } from "../../../tools/offline/workspace";
import { releaseVersionRestorer, rolesOf, runCommand, stateOf } from "./harness";

const PLAIN_ONCALL = "https://oncall.invalid/plain-text-endpoint-7d1e";
const POLICY_PACK = path.join(REPO_ROOT, "policy-pack");

const restoreVersion = releaseVersionRestorer();

describe("hardening: bad input on the real engine", function () {
    let workspace: OfflineWorkspace;
    let source: OfflineBackend;

    before(async () => {
        workspace = await OfflineWorkspace.create();
        source = new OfflineBackend(workspace);
        process.env.ATLAS_RELEASE_VERSION = "1.0.0";
    });

    after(() => {
        restoreVersion();
        workspace?.remove();
    });

    /** Runs with the given config changes, then restores the stack's config. */
    async function withConfig(stack: Stack, set: Record<string, { value: string; secret?: boolean }>, remove: string[], body: () => Promise<void>) {
        const before = await stack.getAllConfig();
        if (Object.keys(set).length > 0) {
            await stack.setAllConfig(set);
        }
        if (remove.length > 0) {
            await stack.removeAllConfig(remove);
        }
        try {
            await body();
        } finally {
            if (Object.keys(set).length > 0) {
                await stack.removeAllConfig(Object.keys(set));
            }
            const restore = Object.fromEntries(Object.entries(before).filter(([key]) => key in set || remove.includes(key)));
            if (Object.keys(restore).length > 0) {
                await stack.setAllConfig(restore);
            }
        }
    }

    function policyConfigFile(name: string, text: string): string {
        const file = path.join(workspace.dir, name);
        fs.writeFileSync(file, text);
        return file;
    }

    async function previewError(stack: Stack, configFile: string): Promise<string> {
        const started = await stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile], color: "never" }).then(
            () => "",
            (error: Error) => error.message,
        );
        return started;
    }

    describe("stack config", () => {
        /** A real update with the pack under this config: it must fail, create nothing, and its errors are returned. */
        async function refusedUpdate(stack: Stack): Promise<string> {
            const outcome = await runWithPolicies(stack, "update", { policyPack: POLICY_PACK });
            assert.equal(outcome.succeeded, false);
            assert.deepEqual(rolesOf((await stateOf(stack)).urns), [], "resources were created");
            return outcome.errors.join("\n");
        }

        it("a missing required key: the CLI refuses from Pulumi.yaml's declaration before the program runs", async () => {
            const dev = await source.stack("dev", { create: true });
            await withConfig(dev, {}, ["atlas:teamAlertEmail"], async () => {
                const errors = await refusedUpdate(dev);
                assert.ok(errors.includes("validating stack config: Stack 'dev' is missing configuration value 'teamAlertEmail'"), errors);
            });
        });

        it("a wrong type: the CLI refuses from Pulumi.yaml's declared type before the program runs", async () => {
            const dev = await source.stack("dev");
            await withConfig(dev, { "atlas:glueNumberOfWorkers": { value: "many" } }, [], async () => {
                const errors = await refusedUpdate(dev);
                assert.ok(
                    errors.includes("validating stack config: Stack 'dev' with configuration key 'glueNumberOfWorkers' must be of type 'integer'"),
                    errors,
                );
            });
        });

        it("an unknown environment, an out-of-range number and an unknown key: the program lists all three, nothing created", async () => {
            const dev = await source.stack("dev");
            const set = { "atlas:environment": { value: "qa" }, "atlas:kmsDeletionWindowDays": { value: "3" }, "atlas:glueWorkers": { value: "4" } };
            await withConfig(dev, set, [], async () => {
                const errors = await refusedUpdate(dev);
                for (const fragment of [
                    'Stack "dev" has 3 config problems; nothing was deployed:',
                    "atlas:glueWorkers: found a key the program does not know",
                    'atlas:environment: found "qa"; expected one of "dev", "staging", "prod".',
                    'atlas:kmsDeletionWindowDays: found "3"; expected an integer from 7 to 30.',
                ]) {
                    assert.ok(errors.includes(fragment), `the engine's errors lack ${JSON.stringify(fragment)}:\n${errors}`);
                }
            });
        });

        it("refuses a plain-text secret in a real update without echoing it, and creates nothing", async () => {
            const prod = await source.stack("prod", { create: true });
            await withConfig(prod, { "atlas:oncallEndpoint": { value: PLAIN_ONCALL } }, [], async () => {
                const errors = await refusedUpdate(prod);
                assert.ok(errors.includes("atlas:oncallEndpoint: found a plain-text value; expected a secret"), errors);
                assert.ok(errors.includes("Fix: pulumi config set --stack prod --secret atlas:oncallEndpoint"), errors);
                assert.ok(!errors.includes(PLAIN_ONCALL), "the message shows the value");
            });
        });
    });

    describe("policy config file", () => {
        it("refuses malformed JSON before anything runs", async () => {
            const dev = await source.stack("dev");
            const message = await previewError(dev, policyConfigFile("malformed.json", '{"dev-cost-guardrails": {"maxGlueWorkers": 4,}'));
            // The engine's own message; it does not name the file.
            assert.match(message, /\nerror: invalid character '\}' looking for beginning of object key string\n/);
            assert.doesNotMatch(message, /Loading policy packs\.\.\.: done/, "the pack was started");
        });

        it("refuses wrong types with the engine's schema validation message", async () => {
            const dev = await source.stack("dev");
            const config = {
                "dev-cost-guardrails": { maxGlueWorkers: "ten" },
                "no-cross-environment-references": { environments: { prod: { awsAccountId: 333333333333, namePrefix: "atlas-prod" } } },
            };
            const message = await previewError(dev, policyConfigFile("wrong-types.json", JSON.stringify(config)));
            assert.match(message, /\nerror: validating policy config\n/);
            assert.ok(
                message.includes(
                    "error: validating policy config: atlas-release 0.1.0  dev-cost-guardrails: maxGlueWorkers: Invalid type. Expected: integer, given: string",
                ),
                message,
            );
            assert.ok(
                message.includes(
                    "error: validating policy config: atlas-release 0.1.0  no-cross-environment-references: environments.prod.awsAccountId: Invalid type. Expected: string, given: integer",
                ),
                message,
            );
        });

        it("ignores a policy name the pack does not have: a mistyped override is dropped, so the policy keeps its own level", async () => {
            const dev = await source.stack("dev");
            const sound = policyConfigFor({ environments: environmentFacts(workspace.projectDir) });
            const outcome = await runWithPolicies(dev, "preview", { policyPack: POLICY_PACK, policyConfig: { ...sound, "dev-cost-guardrail": "disabled" } });
            assert.equal(outcome.succeeded, true, outcome.errors.join("\n"));
            assert.deepEqual(outcome.errors, []);
            assert.ok(outcome.violations.every((v) => v.policy !== "dev-cost-guardrail"));
        });
    });

    describe("promote's --stack", () => {
        it("refuses a stack the workspace does not have with exit 2, creating nothing", async () => {
            const result = await runCommand("promote", ["--workspace", workspace.dir, "--stack", "qa", "--version", "1.0.0"]);
            assert.equal(result.code, 2, result.stdout + result.stderr);
            assert.match(result.stderr, /^promote: stack "qa" does not exist in offline workspace .* create it with `pulumi stack init qa`$/m);
            assert.equal(workspace.stackExists("qa"), false);
        });
    });
});

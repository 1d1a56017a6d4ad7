/**
 * The gate's evidence end to end, without the engine: promote's reader (cli/lib/gate/staging-evidence.ts)
 * reads staging's history and checkpoint from a fake backend, promote's config builder
 * (cli/lib/gate/policy-config.ts) puts it into policy config, and the real policies judge prod's
 * compliant plan with it (policy-pack/tests/helpers.ts). Every broken form of staging keeps the
 * gate shut, with a message that says why; the sound one passes every policy.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { UsageError } from "../../../cli/lib/kit/args";
import { policyConfigFor } from "../../../cli/lib/gate/policy-config";
import { environmentFacts } from "../../../cli/lib/stacks/stack-file-config";
import { StackReadError } from "../../../cli/lib/stacks/stack-reading";
import { GateEvidence, readGateEvidence } from "../../../cli/lib/gate/staging-evidence";
import { EncryptedSecretError } from "../../../policy-pack/src/contract/desired-state/checkpoint";
import { secretValue } from "../../../policy-pack/src/contract/desired-state/values";
import { HistoryEntry } from "../../../policy-pack/src/contract/stack-history";
import { STACK_POLICIES } from "../../../policy-pack/src/policies";
import {
    CANDIDATE,
    NEXT,
    PROD_STACK,
    STAGING_STACK,
    blockFor,
    compliantStack,
    historyEntry,
    quietRefresh,
    releaseUpdate,
    stagingCheckpoint,
    withProps,
} from "../../../policy-pack/tests/fixtures";
import { ResourceSpec, runPolicy } from "../../../policy-pack/tests/helpers";
import { FakeStack, FakeStackSource, fixtureProject } from "../support/fake-stack-source";

const REQUEST = { target: PROD_STACK, upstream: STAGING_STACK, environments: { target: "prod", upstream: "staging" }, candidate: CANDIDATE };

describe("the gate's evidence, read from staging and judged by the pack", () => {
    let project: string;
    before(() => {
        project = fixtureProject();
    });
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    const read = (staging: FakeStack | undefined) => {
        const source = new FakeStackSource(project, staging ? { [STAGING_STACK]: staging } : {});
        return { source, evidence: readGateEvidence(source, REQUEST) };
    };

    /** Every mandatory refusal (first lines) of every policy for prod's plan under the config promote builds. */
    async function refusals(evidence: GateEvidence, stack: ResourceSpec[] = compliantStack("prod")): Promise<string[]> {
        const config = policyConfigFor({ environments: environmentFacts(project), evidence });
        const messages: string[] = [];
        for (const policy of STACK_POLICIES) {
            const run = await runPolicy(policy, "prod", stack, blockFor(policy.name, config));
            messages.push(...run.violations.filter((v) => v.message.startsWith("Refused")).map((v) => `${policy.name}: ${v.message.split("\n")[0]}`));
        }
        return messages;
    }

    const sound: FakeStack = {
        history: [...Array.from({ length: 60 }, () => quietRefresh()), releaseUpdate(), releaseUpdate(NEXT)],
        checkpoint: stagingCheckpoint(),
    };

    it("passes every policy when staging runs the candidate (the control case)", async () => {
        const { source, evidence } = read(sound);
        const gate = await evidence;
        assert.deepEqual(await refusals(gate), []);
        assert.deepEqual(gate.promotion.stagingChanges, [sound.history![60]], "only the state changes up to the release");
        assert.equal(gate.promotion.stagingResourceCount, sound.checkpoint!.length);
        assert.deepEqual(gate.stagingState.environments.staging.namePrefix, "atlas-staging", "environment values from the checkout's stack files");
        assert.equal(source.callsOf("history").length, 2, "read until the release, no further");
        assert.equal(source.callsOf("export").length, 2, "exported again with secrets to digest them");
        assert.ok(!JSON.stringify(gate).includes("hunter2"), "no secret in the evidence");
    });

    it("refuses prod when staging does not exist (reading nothing of staging from the backend)", async () => {
        const { source, evidence } = read(undefined);
        const gate = await evidence;
        assert.deepEqual([gate.promotion.stagingChanges, gate.promotion.stagingResourceCount, gate.stagingState.resources], [[], 0, []]);
        assert.deepEqual(source.calls, [], "prod's stack file holds no secret, so not even prod's config is asked of the CLI");
        assert.deepEqual(await refusals(gate), [
            'prod-release-matches-staging: Refused for stack "prod": staging has never been updated.',
            "staging-prod-parity: Refused for stack \"prod\": staging's state holds none of prod's resources, so there is nothing to compare prod with.",
        ]);
    });

    const BROKEN: [string, HistoryEntry[], RegExp][] = [
        [
            "staging was destroyed after the release",
            [historyEntry("destroy", "succeeded", { delete: 17 })],
            /^prod-release-matches-staging: .*its newest change \(destroy succeeded .* removed resources\.$/,
        ],
        [
            "staging's last update failed part-way",
            [historyEntry("update", "failed", { update: 3 }, "atlas release 1.5.0")],
            /^prod-release-matches-staging: .*failed part-way/,
        ],
        [
            "a refresh found drift on staging",
            [historyEntry("refresh", "succeeded", { update: 1, same: 16 })],
            /^prod-release-matches-staging: .*found drift and rewrote its state/,
        ],
        [
            "someone ran `pulumi up` on staging",
            [historyEntry("update", "succeeded", { update: 1 }, "")],
            /^prod-release-matches-staging: .*was not made by `promote`/,
        ],
    ];
    for (const [what, newest, expected] of BROKEN) {
        it(`refuses prod when ${what}`, async () => {
            const { evidence } = read({ ...sound, history: [...newest, quietRefresh(), ...sound.history!] });
            const messages = await refusals(await evidence);
            assert.equal(messages.length, 1, messages.join("\n"));
            assert.match(messages[0], expected);
        });
    }

    it("refuses prod when staging runs another release", async () => {
        const { evidence } = read({ ...sound, history: [releaseUpdate(NEXT), releaseUpdate()] });
        assert.deepEqual(
            (await refusals(await evidence)).map((m) => m.split(":")[0]),
            ["prod-release-matches-staging"],
        );
    });

    it("refuses prod when a resource was deleted from staging's state outside an update", async () => {
        const edited = sound.checkpoint!.filter((r) => !r.urn.endsWith("::queries"));
        const { evidence } = read({ ...sound, checkpoint: edited });
        const messages = await refusals(await evidence);
        assert.deepEqual(
            messages.map((m) => m.split(":")[0]),
            ["staging-prod-parity", "staging-evidence-verified"],
        );
        assert.match(messages[1], /staging's state holds 16 resources, but its last release update .* left 17/);
    });

    it("refuses a prod plan that differs from what staging runs", async () => {
        const { evidence } = read(sound);
        const messages = await refusals(await evidence, withProps(compliantStack("prod"), "etl", { numberOfWorkers: 8 }));
        assert.deepEqual(messages, [
            'staging-prod-parity: Refused for stack "prod": prod differs from what staging runs in 1 place(s) (environment-specific values set aside):',
        ]);
    });

    it("fails (no evidence at all) when the backend cannot show staging's secrets", async () => {
        await assert.rejects(
            read({ ...sound, cannotDecrypt: true }).evidence,
            (e: Error) => e instanceof EncryptedSecretError && /holds an encrypted secret; export it with --show-secrets/.test(e.message),
        );
    });

    it("fails when the backend's history is malformed", async () => {
        await assert.rejects(read({ ...sound, history: [{ kind: "update" } as HistoryEntry] }).evidence, StackReadError);
    });

    describe("environment-specific keys held as secrets (an on-call endpoint)", () => {
        const PAGERS = { staging: "https://oncall.invalid/staging-pager", prod: "https://oncall.invalid/prod-pager" };
        const withPagers = (staging: Record<string, string>, prod: Record<string, string>) => {
            const source = new FakeStackSource(project, { [STAGING_STACK]: { ...sound, secretConfig: staging }, [PROD_STACK]: { secretConfig: prod } });
            return readGateEvidence(source, REQUEST);
        };

        it("are passed as digests, each environment its own, and never in plain text", async () => {
            const gate = await withPagers({ "atlas:oncallEndpoint": PAGERS.staging }, { "atlas:oncallEndpoint": PAGERS.prod });
            assert.deepEqual(gate.stagingState.environments.staging.oncallEndpoint, secretValue(PAGERS.staging));
            assert.deepEqual(gate.stagingState.environments.prod.oncallEndpoint, secretValue(PAGERS.prod));
            assert.ok(!JSON.stringify(gate).includes("pager"), "no secret in the evidence");
        });

        it("are found by the stack files the CLI reads, so a stack file without secrets costs no CLI start", async () => {
            const source = new FakeStackSource(project, { [STAGING_STACK]: { ...sound, secretConfig: { "atlas:oncallEndpoint": PAGERS.staging } } });
            await readGateEvidence(source, REQUEST);
            const configCalls = source.calls.filter((args) => args[0] === "config");
            assert.deepEqual(configCalls, [["config", "get", "atlas:oncallEndpoint", "--stack", STAGING_STACK]], "only staging's secret is decrypted");
        });

        it("are asked of the CLI when a stack file imports ESC environments (whose values only the CLI resolves)", async () => {
            const source = new FakeStackSource(project, {
                [STAGING_STACK]: sound,
                [PROD_STACK]: { secretConfig: { "atlas:oncallEndpoint": PAGERS.prod }, importsEnvironments: true },
            });
            const gate = await readGateEvidence(source, REQUEST);
            assert.deepEqual(gate.stagingState.environments.prod.oncallEndpoint, secretValue(PAGERS.prod));
            assert.deepEqual(
                source.calls.filter((args) => args[0] === "config"),
                [
                    ["config", "--json", "--stack", PROD_STACK],
                    ["config", "get", "atlas:oncallEndpoint", "--stack", PROD_STACK],
                ],
            );
        });

        it("refuse a secret without its key's shape before anything runs, without printing it", async () => {
            await assert.rejects(
                withPagers({}, { "atlas:oncallEndpoint": "http://plain.invalid/pager" }),
                (e: Error) =>
                    e instanceof UsageError &&
                    e.message.startsWith(`${PROD_STACK}'s secret atlas:oncallEndpoint is not an https:// URL`) &&
                    !e.message.includes("plain.invalid"),
            );
        });

        it("fail when the secret cannot be decrypted, saying which key and what permission", async () => {
            const source = new FakeStackSource(project, {
                [STAGING_STACK]: { ...sound, secretConfig: { "atlas:oncallEndpoint": PAGERS.staging }, cannotDecrypt: true },
            });
            await assert.rejects(
                readGateEvidence(source, REQUEST),
                /could not decrypt organization\/atlas\/staging's secret atlas:oncallEndpoint .*incorrect passphrase.*kms:Decrypt/,
            );
        });
    });
});

/**
 * Staging's facts as promote reads them (cli/lib/stack-facts.ts) and hands them to the pack
 * (cli/lib/policy-config.ts): every broken form of them keeps the gate shut, with a message
 * that says what is wrong. The stack is a stand-in for the Automation API's Stack (outputs and
 * history only); the pack runs through policy-pack/tests/helpers.ts.
 */
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { policyConfigFor, PolicyConfigPlan } from "../../../cli/lib/policy-config";
import { readStackFacts, StackFacts } from "../../../cli/lib/stack-facts";
import { RELEASE_GATE_POLICIES } from "../../../policy-pack/src/config";
import { ALL_POLICIES } from "../../../policy-pack/src/policies";
import { compliantStack, CONSUMER, DEVELOPER, ENVIRONMENTS_CONFIG, STAGING_RELEASE } from "../../../policy-pack/tests/fixtures";
import { runPolicy, UNKNOWN_OBJECT } from "../../../policy-pack/tests/helpers";

const STAGING = "organization/atlas/staging";
const PROD = "organization/atlas/prod";
const SUCCEEDED = { kind: "update", result: "succeeded", version: 0, message: "atlas release 1.4.0", startTime: "2026-11-26T10:00:00Z", endTime: "2026-11-26T10:01:00Z" };

function stagingStack(release: { value: unknown; secret: boolean } | undefined, history: object[] = [SUCCEEDED]): Stack {
    const outputs = release ? { release } : {};
    return { outputs: async () => outputs, history: async () => history } as unknown as Stack;
}

function plan(upstream: StackFacts): PolicyConfigPlan {
    return policyConfigFor({ target: PROD, upstream, environments: { addresses: ENVIRONMENTS_CONFIG.environments, developerPrincipals: [DEVELOPER], consumerPrincipals: [CONSUMER] } });
}

/** Mandatory refusals of the release-gate policies for prod's compliant program under this config. */
async function gateMessages(config: Record<string, unknown>): Promise<string[]> {
    const messages: string[] = [];
    for (const policy of ALL_POLICIES.filter((p) => (RELEASE_GATE_POLICIES as readonly string[]).includes(p.name))) {
        const run = await runPolicy(policy, "prod", compliantStack("prod"), (config[policy.name] as object | undefined) ?? {});
        messages.push(...run.violations.map((v) => `${policy.name}: ${v.message.split("\n")[0]}`));
    }
    return messages;
}

const NO_EVIDENCE =
    "staging-evidence-verified: Refused for stack \"prod\": this prod update carries no staging facts verified by the release tooling (policy config stagingEvidence), so the program's claims about staging cannot be trusted.";

interface WithheldCase {
    title: string;
    facts: () => Promise<StackFacts>;
    withheld: string;
}

const WITHHELD: WithheldCase[] = [
    {
        title: "the staging stack does not exist",
        facts: async () => ({ stack: STAGING, release: undefined, releaseIsSecret: false, lastUpdate: null }), // what promote reads then
        withheld: "organization/atlas/staging's `release` output is missing",
    },
    {
        title: "staging has no `release` output",
        facts: () => readStackFacts(stagingStack(undefined), STAGING),
        withheld: "organization/atlas/staging's `release` output is missing",
    },
    {
        title: "staging's `release` output is malformed",
        facts: () => readStackFacts(stagingStack({ value: { ...STAGING_RELEASE, version: 3, promotable: "yes" }, secret: false }), STAGING),
        withheld:
            'organization/atlas/staging\'s `release` output: field "version" should be a non-empty string (got number); organization/atlas/staging\'s `release` output: field "promotable" should be a boolean (got string)',
    },
    {
        title: "staging's `release` output is of an older format",
        facts: () => readStackFacts(stagingStack({ value: { format: "atlas.release/v0", version: "1.4.0" }, secret: false }), STAGING),
        withheld: 'organization/atlas/staging\'s `release` output has format "atlas.release/v0"; expected format "atlas.release/v1" (redeploy that stack with this release\'s program)',
    },
    {
        title: "staging's `release` output is altered (resources without their digest)",
        facts: () => readStackFacts(stagingStack({ value: { ...STAGING_RELEASE, resources: [] }, secret: false }), STAGING),
        withheld: 'organization/atlas/staging\'s `release` output: "resourcesDigest" does not match its "resources" (the facts were altered)',
    },
    {
        title: "staging's `release` output is marked secret",
        facts: () => readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: true }), STAGING),
        withheld: "organization/atlas/staging's `release` output is marked secret; release facts must be plain outputs",
    },
    {
        title: "staging's `release` output is the engine's unknown-value sentinel (read during a preview)",
        facts: () => readStackFacts(stagingStack({ value: UNKNOWN_OBJECT, secret: false }), STAGING),
        withheld: "organization/atlas/staging's `release` output is not an object (got string)",
    },
    {
        title: "staging was never updated",
        facts: () => readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }, []), STAGING),
        withheld: "organization/atlas/staging has never been updated",
    },
];

describe("staging's facts: every broken form keeps prod refused", () => {
    for (const c of WITHHELD) {
        it(`${c.title}: no evidence is passed, saying why, and the pack refuses`, async () => {
            const result = plan(await c.facts());
            assert.equal(result.evidenceWithheld, c.withheld);
            assert.ok(!JSON.stringify(result.config).includes("stagingEvidence"), "evidence was passed anyway");
            assert.deepEqual(await gateMessages(result.config), [NO_EVIDENCE]);
        });
    }

    it("a failed last staging update is passed on as failed, at the release its message names, and refused", async () => {
        const failed = { ...SUCCEEDED, result: "failed", version: 3, message: "atlas release 1.5.0" };
        const result = plan(await readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }, [failed, SUCCEEDED]), STAGING));
        assert.equal(result.evidenceWithheld, null);
        assert.deepEqual(await gateMessages(result.config), [
            "prod-version-matches-staging: Refused for stack \"prod\": staging's last update (#3, release 1.5.0) failed, so staging is not known to run any release.",
        ]);
    });

    it("a failed update made without promote (no release in its message) is refused as a failed update at an unknown release", async () => {
        const manual = { ...SUCCEEDED, result: "failed", version: 4, message: "manual fix" };
        const result = plan(await readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }, [manual]), STAGING));
        assert.deepEqual(await gateMessages(result.config), [
            "prod-version-matches-staging: Refused for stack \"prod\": staging's last update (#4, release unknown) failed, so staging is not known to run any release.",
        ]);
    });

    it("an update still running on staging is refused", async () => {
        const running = { ...SUCCEEDED, result: "in-progress", version: 5 };
        const result = plan(await readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }, [running]), STAGING));
        const messages = await gateMessages(result.config);
        assert.equal(messages.length, 1, messages.join("\n"));
        assert.match(messages[0], /^prod-version-matches-staging: .*staging's last update \(#5, release 1\.4\.0\) has not finished/);
    });

    it("a refresh after the last update does not hide it: the newest `update` entry is the one read", async () => {
        const refresh = { ...SUCCEEDED, kind: "refresh", result: "succeeded", version: 9, message: "" };
        const failed = { ...SUCCEEDED, result: "failed", version: 8, message: "atlas release 1.4.0" };
        const facts = await readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }, [refresh, failed]), STAGING);
        assert.deepEqual(facts.lastUpdate && { result: facts.lastUpdate.result, updateVersion: facts.lastUpdate.updateVersion }, { result: "failed", updateVersion: 8 });
    });

    it("sound facts pass every gate policy (the control case)", async () => {
        const result = plan(await readStackFacts(stagingStack({ value: STAGING_RELEASE, secret: false }), STAGING));
        assert.equal(result.evidenceWithheld, null);
        assert.deepEqual(await gateMessages(result.config), []);
    });
});

/**
 * Policy config (`--policy-pack-config`) as the policies receive it: unknown keys, wrong types
 * and facts for the wrong stack are refusals, never a silent pass. On the real engine the
 * engine's schema validation comes first (tests/engine/hardening/bad-input.spec.ts); these run
 * the policies directly, i.e. what a block the schemas let through meets.
 */
import { strict as assert } from "assert";
import { ALL_POLICIES } from "../../../policy-pack/src/policies";
import { RELEASE_GATE_POLICIES } from "../../../policy-pack/src/config";
import { ENVIRONMENTS, Environment } from "../../../policy-pack/src/contract/environment-identity";
import { compliantStack, ENVIRONMENTS_CONFIG, evidence } from "../../../policy-pack/tests/fixtures";
import { runPolicy } from "../../../policy-pack/tests/helpers";

const GATE = ALL_POLICIES.filter((p) => (RELEASE_GATE_POLICIES as readonly string[]).includes(p.name));

/** The config each policy needs to pass a compliant stack. */
function soundConfig(name: string): Record<string, unknown> {
    if ((RELEASE_GATE_POLICIES as readonly string[]).includes(name)) {
        return { stagingEvidence: evidence() };
    }
    return name === "no-cross-environment-references" ? { ...ENVIRONMENTS_CONFIG } : {};
}

async function firstLines(name: string, stack: Environment, config: object): Promise<string[]> {
    const policy = ALL_POLICIES.find((p) => p.name === name)!;
    const run = await runPolicy(policy, stack, compliantStack(stack), config);
    return run.violations.map((v) => v.message.split("\n")[0]);
}

describe("policy config: bad blocks are refused", () => {
    describe("unknown keys, in every policy's block, in every environment it applies to", () => {
        for (const policy of ALL_POLICIES) {
            it(policy.name, async () => {
                let applicable = 0;
                for (const stack of ENVIRONMENTS) {
                    const run = await runPolicy(policy, stack, compliantStack(stack), { ...soundConfig(policy.name), stagingEvidense: {} });
                    if (run.notApplicable !== undefined) {
                        continue;
                    }
                    applicable += 1;
                    assert.deepEqual(run.violations.map((v) => v.message.split("\n")[0]), [
                        `Refused for stack "${stack}": policy config for "${policy.name}" has unknown key(s) stagingEvidense.`,
                    ]);
                    // Control: the same block without the unknown key passes.
                    assert.deepEqual((await runPolicy(policy, stack, compliantStack(stack), soundConfig(policy.name))).violations, [], `${stack} control`);
                }
                assert.ok(applicable > 0, "applies nowhere");
            });
        }
    });

    describe("wrong types the engine's schemas would refuse first, refused by the policies too", () => {
        it("stagingEvidence that is a string", async () => {
            for (const policy of GATE) {
                const lines = await firstLines(policy.name, "prod", { stagingEvidence: "organization/atlas/staging" });
                assert.ok(lines.length > 0 && lines.every((l) => l.startsWith('Refused for stack "prod": policy config stagingEvidence.')), `${policy.name}: ${lines.join(" / ")}`);
            }
        });

        it("an update counter given as a string", async () => {
            const config = { stagingEvidence: evidence({ stagingLastUpdate: { result: "succeeded", updateVersion: "7" as unknown as number, releaseVersion: "1.4.0" } }) };
            for (const policy of GATE) {
                assert.deepEqual(await firstLines(policy.name, "prod", config), [
                    'Refused for stack "prod": policy config stagingEvidence.stagingLastUpdate should be {result: succeeded|failed|in-progress, updateVersion: integer, releaseVersion: string}.',
                ], policy.name);
            }
        });

        it("an update result outside succeeded|failed|in-progress", async () => {
            const config = { stagingEvidence: evidence({ stagingLastUpdate: { result: "ok" as "succeeded", updateVersion: 7, releaseVersion: "1.4.0" } }) };
            assert.deepEqual(await firstLines("prod-version-matches-staging", "prod", config), [
                'Refused for stack "prod": policy config stagingEvidence.stagingLastUpdate should be {result: succeeded|failed|in-progress, updateVersion: integer, releaseVersion: string}.',
            ]);
        });

        it("environments that is not a map (the policy fails closed without quoting it)", async () => {
            assert.deepEqual(await firstLines("no-cross-environment-references", "prod", { environments: "atlas-prod" }), [
                'Refused for stack "prod": the policy could not evaluate the stack (internal TypeError), so it refuses.',
            ]);
        });

        it("requireVerifiedFacts given as the string \"false\" does not switch the check off", async () => {
            assert.deepEqual(await firstLines("staging-evidence-verified", "prod", { requireVerifiedFacts: "false" }), [
                "Refused for stack \"prod\": this prod update carries no staging facts verified by the release tooling (policy config stagingEvidence), so the program's claims about staging cannot be trusted.",
            ]);
        });
    });

    describe("facts for the wrong stack", () => {
        it("evidence for another project's prod", async () => {
            const config = { stagingEvidence: evidence({ targetStack: "organization/other/prod" }) };
            for (const policy of GATE) {
                assert.deepEqual(await firstLines(policy.name, "prod", config), [
                    'Refused for stack "prod": policy config stagingEvidence is for stack "organization/other/prod", not for this stack (atlas/prod).',
                ], policy.name);
            }
        });

        it("evidence read from prod itself instead of staging", async () => {
            const config = { stagingEvidence: evidence({ stagingStack: "organization/atlas/prod" }) };
            assert.deepEqual(await firstLines("prod-references-staging", "prod", config), [
                "Refused for stack \"prod\": prod's `upstreamStack` is \"organization/atlas/staging\" but the release tooling read staging from \"organization/atlas/prod\".",
            ]);
            assert.deepEqual(await firstLines("staging-evidence-verified", "prod", config), [
                "Refused for stack \"prod\": prod's `upstreamRelease` disagrees with the staging stack's own facts (read by the release tooling from organization/atlas/prod):",
            ]);
        });

        it("environment addresses without the other environments", async () => {
            const config = { environments: { prod: ENVIRONMENTS_CONFIG.environments.prod } };
            assert.deepEqual(await firstLines("no-cross-environment-references", "prod", config), [
                "Refused for stack \"prod\": policy config gives no other environment's account id and name prefix, so references to them cannot be checked.",
            ]);
        });
    });
});

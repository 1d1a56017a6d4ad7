/**
 * Policy config (`--policy-pack-config`) as the policies receive it: unknown keys, wrong types
 * and evidence for the wrong stack are refusals, never a silent pass. On the real engine the
 * engine's schema validation comes first (tests/engine/hardening/bad-input.spec.ts); these run
 * the policies directly, i.e. what a block the schemas let through meets.
 */
import { strict as assert } from "assert";
import { PARITY_POLICIES, RELEASE_GATE_POLICIES } from "../../../policy-pack/src/config";
import { ENVIRONMENTS, Environment } from "../../../policy-pack/src/contract/environment-identity";
import { STACK_POLICIES } from "../../../policy-pack/src/policies";
import {
    ENVIRONMENTS_CONFIG,
    STAGING_RESOURCE_COUNT,
    blockFor,
    compliantStack,
    gateConfig,
    promotion,
    releaseUpdate,
    stagingState,
} from "../../../policy-pack/tests/fixtures";
import { runPolicy } from "../../../policy-pack/tests/helpers";

const GATE = STACK_POLICIES.filter((p) => (RELEASE_GATE_POLICIES as readonly string[]).includes(p.name));

/** The config each policy needs to pass a compliant stack: the block promote builds. */
function soundConfig(name: string): Record<string, unknown> {
    return { ...blockFor(name, gateConfig()) };
}

async function firstLines(name: string, stack: Environment, config: object): Promise<string[]> {
    const policy = STACK_POLICIES.find((p) => p.name === name)!;
    const run = await runPolicy(policy, stack, compliantStack(stack), config);
    return run.violations.map((v) => v.message.split("\n")[0]);
}

/** The block promote would build for a policy, with `promotion` replaced. */
const withPromotion = (name: string, value: unknown) => ({ ...soundConfig(name), promotion: value });

describe("policy config: bad blocks are refused", () => {
    describe("unknown keys, in every policy's block, in every environment it applies to", () => {
        for (const policy of STACK_POLICIES) {
            it(policy.name, async () => {
                let applicable = 0;
                for (const stack of ENVIRONMENTS) {
                    const run = await runPolicy(policy, stack, compliantStack(stack), { ...soundConfig(policy.name), stagingEvidence: {} });
                    if (run.notApplicable !== undefined) {
                        continue;
                    }
                    applicable += 1;
                    assert.deepEqual(
                        run.violations.map((v) => v.message.split("\n")[0]),
                        [
                            `${policy.enforcementLevel === "mandatory" ? "Refused" : "Advice"} for stack "${stack}": policy config for "${policy.name}" has unknown key(s) stagingEvidence.`,
                        ],
                    );
                    // Control: the same block without the unknown key passes.
                    assert.deepEqual((await runPolicy(policy, stack, compliantStack(stack), soundConfig(policy.name))).violations, [], `${stack} control`);
                }
                assert.ok(applicable > 0, "applies nowhere");
            });
        }
    });

    it("staging's state under a policy that does not read it is an unknown key", async () => {
        for (const policy of GATE.filter((p) => !(PARITY_POLICIES as readonly string[]).includes(p.name))) {
            assert.deepEqual(
                await firstLines(policy.name, "prod", { ...soundConfig(policy.name), stagingState: stagingState() }),
                [`Refused for stack "prod": policy config for "${policy.name}" has unknown key(s) stagingState.`],
                policy.name,
            );
        }
    });

    it("the removed requireVerifiedFacts switch is an unknown key, whatever its value: it cannot relax the gate", async () => {
        for (const value of [false, "false"]) {
            for (const policy of GATE) {
                assert.deepEqual(
                    await firstLines(policy.name, "prod", { requireVerifiedFacts: value }),
                    [`Refused for stack "prod": policy config for "${policy.name}" has unknown key(s) requireVerifiedFacts.`],
                    policy.name,
                );
            }
        }
    });

    describe("wrong types the engine's schemas would refuse first, refused by the policies too", () => {
        it("promotion that is a string", async () => {
            for (const policy of GATE) {
                assert.deepEqual(
                    await firstLines(policy.name, "prod", withPromotion(policy.name, "organization/atlas/staging")),
                    ['Refused for stack "prod": policy config `promotion` should be a map (got string).'],
                    policy.name,
                );
            }
        });

        it("a history entry whose counts are strings", async () => {
            const entry = { ...releaseUpdate(), resourceChanges: { same: String(STAGING_RESOURCE_COUNT) } };
            for (const policy of GATE) {
                assert.deepEqual(
                    await firstLines(policy.name, "prod", withPromotion(policy.name, promotion({ stagingChanges: [entry as never] }))),
                    [
                        'Refused for stack "prod": policy config `promotion`.stagingChanges[0] should be {kind, result, message, startTime, resourceChanges: {operation: count}}.',
                    ],
                    policy.name,
                );
            }
        });

        it("a resource count given as a string or a fraction", async () => {
            for (const count of ["17", 16.5]) {
                assert.deepEqual(
                    await firstLines(
                        "staging-evidence-verified",
                        "prod",
                        withPromotion("staging-evidence-verified", { ...promotion(), stagingResourceCount: count }),
                    ),
                    [`Refused for stack "prod": policy config \`promotion\`.stagingResourceCount should be a count (got ${JSON.stringify(count)}).`],
                );
            }
        });

        it("a candidate without a digest", async () => {
            const { digest: _digest, ...candidate } = promotion().candidate;
            assert.deepEqual(
                await firstLines("prod-release-matches-staging", "prod", withPromotion("prod-release-matches-staging", { ...promotion(), candidate })),
                ['Refused for stack "prod": policy config `promotion`.candidate.digest should be a sha256 digest (got null).'],
            );
        });

        it("environments that is not a map (the policy fails closed without quoting it)", async () => {
            assert.deepEqual(await firstLines("no-cross-environment-references", "prod", { environments: "atlas-prod" }), [
                'Refused for stack "prod": the policy could not evaluate the stack (internal TypeError), so it refuses.',
            ]);
        });
    });

    describe("evidence for the wrong stack", () => {
        it("evidence for another project's prod", async () => {
            for (const policy of GATE) {
                assert.deepEqual(
                    await firstLines(policy.name, "prod", withPromotion(policy.name, promotion({ targetStack: "organization/other/prod" }))),
                    ['Refused for stack "prod": policy config `promotion` is for stack "organization/other/prod", not for this stack (atlas/prod).'],
                    policy.name,
                );
            }
        });

        it("evidence read from prod itself instead of staging", async () => {
            const config = (name: string) => withPromotion(name, promotion({ stagingStack: "organization/atlas/prod" }));
            assert.deepEqual(await firstLines("prod-references-staging", "prod", config("prod-references-staging")), [
                'Refused for stack "prod": prod\'s `upstreamStack` is "organization/atlas/staging" but the release tooling read staging from "organization/atlas/prod".',
            ]);
            assert.deepEqual(await firstLines("staging-evidence-verified", "prod", config("staging-evidence-verified")), [
                'Refused for stack "prod": the release tooling read "organization/atlas/prod", not this project\'s staging stack (<organization>/atlas/staging).',
            ]);
        });

        it("environment addresses without the other environments", async () => {
            const config = { environments: { prod: ENVIRONMENTS_CONFIG.environments.prod } };
            assert.deepEqual(await firstLines("no-cross-environment-references", "prod", config), [
                'Refused for stack "prod": policy config gives no other environment\'s account id and name prefix, so references to them cannot be checked.',
            ]);
        });
    });
});

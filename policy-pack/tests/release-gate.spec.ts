/**
 * The release gate's evidence policies: prod-references-staging, prod-release-matches-staging and
 * staging-evidence-verified, plus what every gate policy shares (applicability, evidence reading,
 * config keys). The parity policies' comparison is in parity.spec.ts.
 *
 * Happy path built once (fixtures.ts): prod's compliant plan and the `promotion` evidence whose
 * staging history ends in a successful release update of the candidate. Each test changes one thing.
 */
import * as assert from "assert";
import { StackValidationPolicy } from "@pulumi/policy";
import { PromotionEvidence } from "../src/contract/promotion-evidence";
import { STACK_POLICIES } from "../src/policies";
import { prodReferencesStaging } from "../src/policies/prod-references-staging";
import { prodReleaseMatchesStaging } from "../src/policies/prod-release-matches-staging";
import { stagingEvidenceVerified } from "../src/policies/staging-evidence-verified";
import { stagingProdParity } from "../src/policies/staging-prod-parity";
import { stagingProdParityCoverage } from "../src/policies/staging-prod-parity-coverage";
import {
    CANDIDATE,
    NEXT,
    PROD_STACK,
    STAGING_RESOURCE_COUNT,
    STAGING_STACK,
    blockFor,
    compliantStack,
    gateConfig,
    historyEntry,
    promotion,
    quietRefresh,
    releaseFacts,
    releaseUpdate,
} from "./fixtures";
import { UNKNOWN_OBJECT, messagesOf, onlyMessage, runPolicy } from "./helpers";

/** The mandatory gate policies and the advisory coverage note: everything that reads the tooling's evidence. */
const GATE_POLICIES: StackValidationPolicy[] = [prodReferencesStaging, prodReleaseMatchesStaging, stagingProdParity, stagingEvidenceVerified];
const EVIDENCE_POLICIES = [...GATE_POLICIES, stagingProdParityCoverage];

const prod = compliantStack("prod");

/** One policy's block of the config promote would build with this `promotion` evidence. */
function withPromotion(policy: StackValidationPolicy, evidence: unknown): object {
    return blockFor(policy.name, gateConfig({ promotion: evidence }));
}

/** The messages of one policy for the compliant prod plan, judged on this `promotion`. */
function judged(policy: StackValidationPolicy, evidence: Partial<PromotionEvidence>): Promise<string[]> {
    return messagesOf(policy, "prod", prod, withPromotion(policy, promotion(evidence)));
}

describe("release gate", () => {
    it("lets the compliant prod release through every policy that reads the evidence", async () => {
        for (const policy of EVIDENCE_POLICIES) {
            assert.deepStrictEqual(await messagesOf(policy, "prod", prod, blockFor(policy.name)), [], policy.name);
        }
    });

    it("is registered in the pack, release gate first", () => {
        assert.deepStrictEqual(
            STACK_POLICIES.slice(0, 5).map((p) => p.name),
            ["prod-references-staging", "prod-release-matches-staging", "staging-prod-parity", "staging-prod-parity-coverage", "staging-evidence-verified"],
        );
        assert.ok(!STACK_POLICIES.some((p) => p.name === "prod-version-matches-staging"), "the renamed policy is gone");
    });

    it("is not applicable to dev and staging, even without evidence", async () => {
        for (const policy of EVIDENCE_POLICIES) {
            for (const stack of ["dev", "staging"] as const) {
                const run = await runPolicy(policy, stack, compliantStack(stack));
                assert.strictEqual(run.notApplicable, `applies to prod only; stack "${stack}" is ${stack}`, policy.name);
                assert.deepStrictEqual(run.violations, [], policy.name);
            }
        }
    });

    it("refuses a stack whose name is not an environment", async () => {
        const message = await onlyMessage(prodReleaseMatchesStaging, "qa", prod, blockFor(prodReleaseMatchesStaging.name));
        assert.match(
            message,
            /^Refused for this stack: stack "qa" belongs to no environment \(stack names: dev, dev-<[^>]+> \(a developer's stack\), pr-<[^>]+> \(a pull request's review stack\); staging; prod\)/,
        );
    });

    it("refuses a stack named like an environment that is not one (staging-2, dev-prod), and places developer and review stacks in dev", async () => {
        for (const stack of ["staging-2", "prod2", "dev-prod", "dev-", "pr-0", "pr-alice"]) {
            const message = await onlyMessage(prodReleaseMatchesStaging, stack, prod, blockFor(prodReleaseMatchesStaging.name));
            assert.match(message, new RegExp(`^Refused for this stack: stack "${stack}" belongs to no environment`), stack);
        }
        for (const stack of ["dev-alice", "pr-42"]) {
            const run = await runPolicy(prodReleaseMatchesStaging, stack, prod, blockFor(prodReleaseMatchesStaging.name));
            assert.strictEqual(run.notApplicable, `applies to prod only; stack "${stack}" is dev`, stack);
        }
    });

    it("refuses unknown policy config keys, including the removed requireVerifiedFacts switch", async () => {
        for (const policy of GATE_POLICIES) {
            const message = await onlyMessage(policy, "prod", prod, { ...blockFor(policy.name), requireVerifiedFacts: false });
            assert.match(message, new RegExp(`^Refused for stack "prod": policy config for "${policy.name}" has unknown key\\(s\\) requireVerifiedFacts\\.`));
        }
    });

    describe("evidence from the release tooling", () => {
        it("is required: a prod update without it (plain `pulumi up`) is refused by every gate policy, telling the user to run promote", async () => {
            for (const policy of GATE_POLICIES) {
                const [message] = await messagesOf(policy, "prod", prod, {});
                assert.match(
                    message,
                    /^Refused for stack "prod": this prod update carries no evidence from the release tooling \(policy config `promotion`\)/,
                    policy.name,
                );
                assert.match(message, /To fix: run `npm run promote -- --stack prod --version <release>` instead of `pulumi up`\.$/, policy.name);
            }
        });

        it("leaves the advisory coverage note silent when evidence is missing (staging-prod-parity refuses that)", async () => {
            assert.deepStrictEqual(await messagesOf(stagingProdParityCoverage, "prod", prod, {}), []);
        });

        it("refuses evidence of another format, naming both formats", async () => {
            for (const policy of GATE_POLICIES) {
                const [message] = await messagesOf(policy, "prod", prod, withPromotion(policy, { ...promotion(), format: "atlas.promotion/v1" }));
                assert.match(message, /`promotion` has format "atlas\.promotion\/v1"; this pack reads "atlas\.promotion\/v2"/, policy.name);
            }
        });

        it("refuses malformed evidence, naming every bad field", async () => {
            const malformed = {
                ...promotion(),
                targetStack: "prod",
                candidate: { ...CANDIDATE, commit: "abc123" },
                stagingChanges: [{ kind: "update" }],
                stagingResourceCount: -1,
            };
            for (const policy of GATE_POLICIES) {
                const messages = await messagesOf(policy, "prod", prod, withPromotion(policy, malformed));
                const fields = [
                    /\.targetStack should be a fully qualified stack name \(got "prod"\)/,
                    /\.candidate\.commit should be a full git commit id \(got "abc123"\)/,
                    /\.stagingChanges\[0\] should be \{kind, result, message/,
                    /\.stagingResourceCount should be a count \(got -1\)/,
                ];
                assert.strictEqual(messages.length, fields.length, `${policy.name}: ${messages.join("\n")}`);
                fields.forEach((field, i) => assert.match(messages[i], field, policy.name));
                assert.ok(
                    messages.every((m) => m.includes("do not write this policy config by hand")),
                    policy.name,
                );
            }
        });

        it("refuses evidence that is not a map", async () => {
            const [message] = await messagesOf(prodReleaseMatchesStaging, "prod", prod, { promotion: "organization/atlas/staging" });
            assert.match(message, /policy config `promotion` should be a map \(got string\)/);
        });

        it("refuses evidence meant for another stack", async () => {
            for (const target of ["organization/atlas/staging", "organization/other/prod"]) {
                for (const policy of GATE_POLICIES) {
                    const message = await onlyMessage(policy, "prod", prod, withPromotion(policy, promotion({ targetStack: target })));
                    assert.match(message, new RegExp(`policy config \`promotion\` is for stack "${target}", not for this stack \\(atlas/prod\\)`), policy.name);
                }
            }
        });
    });

    describe("prod-references-staging", () => {
        const judge = (outputs: Record<string, unknown>, evidence: Partial<PromotionEvidence> = {}) =>
            messagesOf(prodReferencesStaging, "prod", compliantStack("prod", outputs), withPromotion(prodReferencesStaging, promotion(evidence)));

        it("refuses a missing upstreamStack", async () => {
            const [message] = await judge({ upstreamStack: undefined });
            assert.match(message, /prod's `upstreamStack` output is missing; it must name this project's staging stack \(<organization>\/atlas\/staging\)/);
        });

        it("refuses an upstreamStack that names another stack", async () => {
            const [message] = await judge({ upstreamStack: "organization/atlas/dev" });
            assert.match(message, /`upstreamStack` output is "organization\/atlas\/dev"; it must name/);
        });

        it("refuses an upstreamStack that differs from the stack the tooling read", async () => {
            const [message] = await judge({}, { stagingStack: "other-org/atlas/staging" });
            assert.match(message, /`upstreamStack` is "organization\/atlas\/staging" but the release tooling read staging from "other-org\/atlas\/staging"/);
        });

        it("refuses a missing upstreamRelease (staging never deployed), saying to deploy staging first", async () => {
            const [message] = await judge({ upstreamRelease: undefined });
            assert.match(
                message,
                /prod's `upstreamRelease` output \(staging's `release` as its StackReference read it\) is missing\.\nTo fix: deploy the release to staging first/,
            );
        });

        it("refuses an upstreamRelease of the older format", async () => {
            const [message] = await judge({ upstreamRelease: { ...releaseFacts("staging"), format: "atlas.release/v1" } });
            assert.match(message, /has format "atlas\.release\/v1"; expected format "atlas\.release\/v2"/);
        });

        it("refuses a malformed upstreamRelease, naming every bad field", async () => {
            const messages = await judge({ upstreamRelease: { ...releaseFacts("staging"), version: 3, commit: 7 } });
            assert.deepStrictEqual(
                messages.map((m) => m.match(/field "(\w+)"/)?.[1]),
                ["version", "commit"],
            );
        });

        it("refuses an upstreamRelease that describes another environment or project", async () => {
            assert.match((await judge({ upstreamRelease: releaseFacts("dev") }))[0], /`upstreamRelease` describes atlas\/dev, not atlas\/staging/);
            assert.match(
                (await judge({ upstreamRelease: { ...releaseFacts("staging"), project: "other" } }))[0],
                /describes other\/staging, not atlas\/staging/,
            );
        });

        it("refuses a reference that reads staging at another commit than the one deployed, naming both", async () => {
            const [message] = await judge({ upstreamRelease: { ...releaseFacts("staging"), commit: NEXT.commit } });
            assert.match(message, /reads staging's `release` at commit 89abcdef0123, but prod deploys commit 0123456789ab\./);
        });

        it("refuses a staging release recorded without a commit (a local run)", async () => {
            const [message] = await judge({ upstreamRelease: { ...releaseFacts("staging"), commit: null, digest: null } });
            assert.match(message, /at commit \(none recorded\), digest \(none recorded\), but prod deploys commit 0123456789ab, digest sha256:5e5e5e5e5e5e\./);
        });

        // Evidence edited by hand (staging's release update relabelled 1.5.0) agrees with itself; the engine's read of staging does not.
        it("refuses a version staging never ran when the evidence was edited to say it does, naming both versions", async () => {
            const relabelled = { ...CANDIDATE, version: "1.5.0" };
            const messages = await judge({ release: releaseFacts("prod", relabelled) }, { candidate: relabelled, stagingChanges: [releaseUpdate(relabelled)] });
            assert.deepStrictEqual(await judged(prodReleaseMatchesStaging, { candidate: relabelled, stagingChanges: [releaseUpdate(relabelled)] }), []);
            assert.strictEqual(messages.length, 1, messages.join("\n"));
            assert.match(messages[0], /prod's StackReference reads staging's `release` at version 1\.4\.0, but prod deploys version 1\.5\.0\./);
            assert.match(
                messages[0],
                /To fix: deploy this release to staging first \(npm run promote -- --stack staging --version 1\.5\.0, from commit 0123456789ab\), or promote the release staging runs \(version 1\.4\.0\)/,
            );
        });

        it("refuses a digest staging never ran, in full where the shown prefix would hide the difference", async () => {
            const forged = `${CANDIDATE.digest.slice(0, -1)}f`;
            const [message] = await judge({}, { candidate: { ...CANDIDATE, digest: forged } });
            assert.match(message, new RegExp(`at digest ${CANDIDATE.digest}, but prod deploys digest ${forged}\\.`));
            const [other] = await judge({}, { candidate: { ...CANDIDATE, digest: NEXT.digest } });
            assert.match(other, /at digest sha256:5e5e5e5e5e5e, but prod deploys digest sha256:7a7a7a7a7a7a\./);
        });

        it("names every field that differs, each with both values", async () => {
            const [message] = await judge({ upstreamRelease: releaseFacts("staging", NEXT) });
            assert.match(
                message,
                /at version 1\.5\.0, commit 89abcdef0123, digest sha256:7a7a7a7a7a7a, but prod deploys version 1\.4\.0, commit 0123456789ab, digest sha256:5e5e5e5e5e5e\./,
            );
        });

        it("refuses a `release` output that claims a release staging never ran, while the evidence deploys staging's", async () => {
            const messages = await judge({ release: releaseFacts("prod", { ...CANDIDATE, version: "1.5.0" }) });
            assert.strictEqual(messages.length, 1, messages.join("\n"));
            assert.match(
                messages[0],
                /prod's `release` output claims version 1\.5\.0, but its StackReference reads staging's `release` at version 1\.4\.0: prod would report a release staging never ran\./,
            );
            assert.match(
                messages[0],
                /To fix: update prod only through `npm run promote -- --stack prod --version <release>`, which sets ATLAS_RELEASE_VERSION/,
            );
        });

        it("refuses a missing or malformed `release` output", async () => {
            assert.match(
                (await judge({ release: undefined }))[0],
                /prod's `release` output is missing\.\nTo fix: export the release promote hands the program/,
            );
            assert.match(
                (await judge({ release: { ...releaseFacts("prod"), version: "" } }))[0],
                /prod's `release` output: field "version" should be a non-empty string/,
            );
        });

        it("passes any release whose claim, evidence and reference agree: another commit (as a rollback is) or a quiet release, once staging runs it", async () => {
            for (const identity of [NEXT, { ...CANDIDATE, version: "1.4.1" }]) {
                const outputs = { release: releaseFacts("prod", identity), upstreamRelease: releaseFacts("staging", identity) };
                assert.deepStrictEqual(await judge(outputs, { candidate: identity, stagingChanges: [releaseUpdate(identity)] }), [], identity.version);
            }
        });

        it("refuses, at its own level, an upstreamRelease unknown during preview", async () => {
            const [message] = await judge({ upstreamRelease: UNKNOWN_OBJECT });
            assert.match(message, /^Refused for stack "prod": the value at \.upstreamRelease is unknown during preview/);
        });
    });

    describe("prod-release-matches-staging", () => {
        const judge = (evidence: Partial<PromotionEvidence>) => judged(prodReleaseMatchesStaging, evidence);

        it("passes when quiet refreshes were filtered out and the release update is staging's newest state change", async () => {
            assert.deepStrictEqual(
                await judge({ stagingChanges: [releaseUpdate(), historyEntry("update", "succeeded", { create: 3 }, "atlas release 1.3.0")] }),
                [],
            );
        });

        it("refuses when staging has never been updated", async () => {
            const [message] = await judge({ stagingChanges: [] });
            assert.match(message, /staging has never been updated\.\nTo fix: deploy the release to staging first/);
        });

        const after = (entry: ReturnType<typeof historyEntry>) => [entry, releaseUpdate()];
        const LATER_CHANGES: [string, ReturnType<typeof historyEntry>, RegExp][] = [
            [
                "a destroy",
                historyEntry("destroy", "succeeded", { delete: 17 }),
                /its newest change \(destroy succeeded at [^)]*: 17 delete\) after release 1\.4\.0 \(commit 0123456789ab, digest sha256:5e5e5e5e5e5e\) removed resources/,
            ],
            [
                "an update that failed part-way",
                historyEntry(
                    "update",
                    "failed",
                    { update: 2, same: 15 },
                    "atlas release 1.5.0 commit=89abcdef0123456789abcdef0123456789abcdef digest=sha256:7a7a",
                ),
                /\(update failed at [^)]*: 2 update, message "atlas release 1\.5\.0[^"]*"\) after release 1\.4\.0 .* failed part-way, so its resources are a mix of releases/,
            ],
            [
                "an update still running",
                historyEntry("update", "in-progress", {}),
                /\(update in-progress at [^)]*\) after release 1\.4\.0 .* has not finished, so its state is unknown/,
            ],
            [
                "a refresh that found drift",
                historyEntry("refresh", "succeeded", { update: 1, same: 16 }),
                /\(refresh succeeded at [^)]*: 1 update\) .* found drift and rewrote its state/,
            ],
            ["an import", historyEntry("import", "succeeded", { import: 1 }), /\(import succeeded at [^)]*: 1 import\) .* imported resources/],
            [
                "an update not made by promote",
                historyEntry("update", "succeeded", { update: 1 }, "manual fix"),
                /message "manual fix"\) .* was not made by `promote`/,
            ],
        ];
        for (const [what, entry, expected] of LATER_CHANGES) {
            it(`refuses when staging's newest state change after the release is ${what}`, async () => {
                const [message] = await judge({ stagingChanges: after(entry) });
                assert.match(message, /^Refused for stack "prod": staging no longer runs a known release: /);
                assert.match(message, expected);
                assert.match(message, /To fix: redeploy the release to staging .* so it runs exactly one release again, then promote\.$/);
            });
        }

        it("refuses a state change with no release update behind it, without naming one", async () => {
            const [message] = await judge({ stagingChanges: [historyEntry("update", "succeeded", { create: 17 }, "pulumi up by hand")] });
            assert.match(message, /its newest change \(update succeeded at [^)]*: 17 create, message "pulumi up by hand"\) was not made by `promote`/);
            assert.doesNotMatch(message, /after release/);
        });

        it("refuses a candidate whose version, commit or digest differs from what staging runs, naming the fields", async () => {
            const cases: [Partial<typeof CANDIDATE>, string][] = [
                [{ version: "1.4.1" }, "the version differs"],
                [{ commit: NEXT.commit }, "the commit differs"],
                [{ digest: NEXT.digest }, "the digest differs"],
                [NEXT, "the version, commit, digest differ"],
            ];
            for (const [change, fields] of cases) {
                const [message] = await judge({ candidate: { ...CANDIDATE, ...change } });
                assert.match(
                    message,
                    /^Refused for stack "prod": prod would deploy release .* but staging runs 1\.4\.0 \(commit 0123456789ab, digest sha256:5e5e5e5e5e5e\)/,
                );
                assert.ok(message.includes(`: ${fields}.`), `${fields}: ${message}`);
            }
        });

        it("says how to fix a mismatch: deploy the candidate to staging, or promote staging's release", async () => {
            const [message] = await judge({ stagingChanges: [releaseUpdate(NEXT)] });
            assert.match(
                message,
                /To fix: deploy this commit to staging first \(npm run promote -- --stack staging --version 1\.4\.0, from commit 0123456789ab\), or promote the release staging runs \(version 1\.5\.0 from commit 89abcdef0123\)\.$/,
            );
        });

        it("judges by the tooling's evidence, not by what prod's program says about itself", async () => {
            const claims = compliantStack("prod", { release: releaseFacts("prod", NEXT), upstreamRelease: releaseFacts("staging", CANDIDATE) });
            assert.deepStrictEqual(await messagesOf(prodReleaseMatchesStaging, "prod", claims, blockFor(prodReleaseMatchesStaging.name)), []);
            const [message] = await messagesOf(
                prodReleaseMatchesStaging,
                "prod",
                compliantStack("prod"),
                withPromotion(prodReleaseMatchesStaging, promotion({ stagingChanges: [releaseUpdate(NEXT)] })),
            );
            assert.match(message, /but staging runs 1\.5\.0/);
        });

        it("does not read unfiltered history: a quiet refresh passed as staging's newest change is refused (fail closed)", async () => {
            const [message] = await judge({ stagingChanges: [quietRefresh(), releaseUpdate()] });
            assert.match(message, /staging no longer runs a known release: its newest change \(refresh succeeded/);
        });
    });

    describe("staging-evidence-verified", () => {
        const judge = (evidence: Partial<PromotionEvidence>) => judged(stagingEvidenceVerified, evidence);

        it("refuses evidence read from a stack that is not this project's staging", async () => {
            for (const stack of ["organization/atlas/dev", "organization/other/staging", PROD_STACK]) {
                const [message] = await judge({ stagingStack: stack });
                assert.match(message, new RegExp(`the release tooling read "${stack}", not this project's staging stack \\(<organization>/atlas/staging\\)`));
            }
        });

        it("refuses a staging state that holds fewer or more resources than its last release update left", async () => {
            for (const count of [STAGING_RESOURCE_COUNT - 1, STAGING_RESOURCE_COUNT + 2]) {
                const [message] = await judge({ stagingResourceCount: count });
                assert.match(
                    message,
                    new RegExp(
                        `staging's state holds ${count} resources, but its last release update \\([^)]+\\) left ${STAGING_RESOURCE_COUNT}: its state was changed outside an update`,
                    ),
                );
            }
        });

        it("counts what the release update left: deleted and discarded resources are gone, the rest remain", async () => {
            const update = { ...releaseUpdate(), resourceChanges: { same: 10, create: 4, update: 2, replace: 1, delete: 3, discard: 1 } };
            assert.deepStrictEqual(await judge({ stagingChanges: [update], stagingResourceCount: 17 }), []);
            assert.strictEqual((await judge({ stagingChanges: [update], stagingResourceCount: 21 })).length, 1);
        });

        it("leaves a staging that runs no known release to prod-release-matches-staging (no count to check against)", async () => {
            assert.deepStrictEqual(
                await judge({ stagingChanges: [historyEntry("destroy", "succeeded", { delete: 17 }), releaseUpdate()], stagingResourceCount: 0 }),
                [],
            );
        });

        it("passes for the compliant evidence, whose staging stack is this project's", async () => {
            assert.deepStrictEqual(await judge({ stagingStack: STAGING_STACK }), []);
        });
    });
});

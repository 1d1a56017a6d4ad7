/**
 * What the release gate refuses, on the real engine, starting from the suite's deployed release (staging and
 * prod running 1.0.0 of the snapshot; support/deployed-release.ts): what a careless engineer or a hostile commit
 * tries, and the guardrails. Every test leaves staging and prod each running a known release.
 *
 * Releases are commits of a release repository made from this working tree (see support/offline-release.ts):
 * the attacks are commits, exactly as a careless or hostile change would reach the release workflow.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PULL_REQUEST_OVERRIDES } from "../../cli/lib/gate/promote";
import { PACK_CHANGE_ENV } from "../../cli/lib/gate/trusted-gate";
import { ENFORCEMENT_LEVELS } from "../../policy-pack/src/enforcement";
import { DEPLOYED_VERSION } from "./support/deployed-release";
import { assertDeployed, assertRefused, changedResources, compose, messageOf, replacing, show } from "./support/gate-assertions";
import { PolicyConfig, ReleaseSystem, withOfflineWorkspace } from "./support/offline-release";

const FIRST = DEPLOYED_VERSION;
const AHEAD = "1.2.0";

/** The release system of one copy, with the steps its tests repeat. */
function releaseHelpers(fixture: { readonly system: ReleaseSystem }) {
    const sys = () => fixture.system;
    return {
        sys,
        historyOf: async (stack: string) =>
            JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack])) as { kind: string; result: string; message: string }[],
        /** Promotes `commit` (default: the snapshot) to staging, then asserts it deployed. */
        deployStaging: async (version: string, commit?: string) => assertDeployed(await sys().promote("staging", version, { commit }), `staging @ ${version}`),
    };
}

/** No policy message, engine error or engine output line of any run of the copy holds prod's on-call secret. */
function itKeepsProdsSecret(own: ReturnType<typeof releaseHelpers>, atLeast = 1): void {
    it("no policy message, engine error or output line of any run above contains prod's on-call secret", () => {
        assert.ok(own.sys().outcomes.length >= atLeast, `every run was recorded (${own.sys().outcomes.length})`);
        assert.ok(
            own.sys().outcomes.some((o) => o.violations.length > 0),
            "there were messages to check",
        );
        assert.equal(JSON.stringify(own.sys().outcomes).includes(own.sys().oncallSecret), false);
    });
}

describe("what the release gate refuses, on the real engine", function () {
    const { sys, historyOf, deployStaging } = releaseHelpers(withOfflineWorkspace({ deployed: true }));

    /** The policy config of the refused prod preview of the code-only change, for the direct update below. */
    let codeChangePreviewConfig: PolicyConfig | undefined;
    let codeChange: string;

    describe("what a careless engineer or a hostile commit tries", function () {
        before(() => {
            codeChange = sys().commit(sys().rehearsal.REVISIONS["code-change"].edits, "code change");
        });

        it("refuses prod at a release staging never had, naming both versions", async () => {
            const promotion = await sys().promote("prod", AHEAD);
            // A quiet release: the same commit under another version changes no resource, so parity has nothing to
            // refuse; the release gate refuses the version staging never ran, by the evidence and by the engine's read of staging.
            assertRefused(promotion, ["prod-references-staging", "prod-release-matches-staging"], "prod ahead");
            assert.match(
                messageOf(promotion.preview, "prod-references-staging"),
                /prod's StackReference reads staging's `release` at version 1\.0\.0, but prod deploys version 1\.2\.0\./,
            );
            assert.match(
                messageOf(promotion.preview, "prod-release-matches-staging"),
                /prod would deploy release 1\.2\.0 \(commit \w{12}, digest sha256:\w{12}\) but staging runs 1\.0\.0 .*: the version differs/,
            );
            assert.deepEqual(changedResources(promotion.preview), {}, `a version alone changes no resource:\n${show(promotion.preview)}`);
        });

        it("refuses a code-only change under staging's version: another commit and digest, and the property it changes", async () => {
            const promotion = await sys().promote("prod", FIRST, { commit: codeChange });
            assertRefused(
                promotion,
                ["prod-references-staging", "prod-release-matches-staging", "staging-prod-parity", "staging-prod-parity-at-step"],
                "code-only change",
            );
            assert.match(messageOf(promotion.preview, "prod-release-matches-staging"), /the commit, digest differ/);
            assert.match(messageOf(promotion.preview, "staging-prod-parity"), /defaultTags \(JSON\)\.tags\.project: staging "atlas", prod "atlas-platform"/);
            codeChangePreviewConfig = promotion.policyConfig;
        });

        it("refuses --policy-pack and lowered gate levels for a prod update before anything runs", async () => {
            const before = (await historyOf("prod")).length;
            await assert.rejects(
                sys().promote("prod", FIRST, { policyPack: path.join(sys().repository.dir, "policy-pack") }),
                /--policy-pack is refused for prod/,
            );
            await assert.rejects(
                sys().promote("prod", FIRST, { policyOverrides: { "staging-prod-parity": "advisory" } }),
                /policy config lowers the enforcement of staging-prod-parity for an update of prod/,
            );
            await assert.rejects(
                sys().promote("prod", FIRST, { policyOverrides: { all: { enforcementLevel: "disabled" } } }),
                /lowers the enforcement of prod-references-staging, prod-release-matches-staging/,
            );
            assert.equal((await historyOf("prod")).length, before, "nothing ran");
        });

        it("lets a pull-request check preview the code change with the gate advisory, listing the property differences", async () => {
            const promotion = await sys().promote("prod", "0.0.0-pr.7", {
                commit: codeChange,
                previewOnly: true,
                policyOverrides: { ...PULL_REQUEST_OVERRIDES },
            });
            assert.equal(promotion.preview.succeeded, true, show(promotion.preview));
            assert.match(messageOf(promotion.preview, "staging-prod-parity", "advisory"), /tags\.project: staging "atlas", prod "atlas-platform"/);
        });

        it("refuses a checkout with uncommitted changes before anything runs, naming the files", async () => {
            const checkout = sys().source().checkout;
            const before = (await historyOf("prod")).length;
            fs.writeFileSync(path.join(checkout, "src", "UNCOMMITTED.ts"), "export const x = 1;\n");
            try {
                await assert.rejects(
                    sys().promote("prod", FIRST),
                    (error: Error) => error.constructor.name === "DirtyCheckoutError" && /uncommitted changes[\s\S]*src\/UNCOMMITTED\.ts/.test(error.message),
                );
            } finally {
                fs.rmSync(path.join(checkout, "src", "UNCOMMITTED.ts"));
            }
            assert.equal((await historyOf("prod")).length, before, "nothing ran");
        });

        it("refuses prod when resources were removed from staging after its update (a targeted destroy)", async () => {
            const dashboard = Object.keys((await sys().state("staging")).resources).find((urn) => urn.endsWith("::pipeline-dashboard"));
            assert.ok(dashboard);
            await sys().pulumi(["destroy", "--stack", "staging", "--target", dashboard, "--yes", "--skip-preview", "--color", "never"]);
            const promotion = await sys().promote("prod", FIRST);
            assertRefused(promotion, ["prod-release-matches-staging", "staging-prod-parity", "staging-prod-parity-at-step"], "staging destroyed part-way");
            assert.match(
                messageOf(promotion.preview, "prod-release-matches-staging"),
                /staging no longer runs a known release: its newest change \(destroy succeeded .*: 1 delete\) after release 1\.0\.0 .* removed resources/,
            );
            assert.match(
                messageOf(promotion.preview, "staging-prod-parity"),
                /aws:cloudwatch\/dashboard:Dashboard "pipeline-dashboard" \(resource\): staging \(absent\), prod present/,
            );
            await deployStaging(FIRST);
            assertDeployed(await sys().promote("prod", FIRST), "prod after staging was redeployed");
        });

        it("refuses a prod preview run without the tooling's evidence, telling the user to run promote", async () => {
            const outcome = await sys().run("prod", "preview", { version: FIRST, commit: sys().snapshot, digest: `sha256:${"0".repeat(64)}` }, undefined);
            assert.equal(outcome.succeeded, false);
            assert.match(messageOf(outcome, "staging-evidence-verified"), /carries no evidence from the release tooling[\s\S]*npm run promote -- --stack prod/);
        });

        // On this engine a stack policy is evaluated after the update's resource steps, but a resource policy before
        // each step: staging-prod-parity-at-step stops an update that skips the preview at the first resource that
        // differs from staging, before its step (the provider, here). This test pins that.
        it("refuses an update that skips the preview too, before the step of the first resource that differs (staging-prod-parity-at-step)", async () => {
            assert.ok(codeChangePreviewConfig, "the code-only change was refused in preview above");
            const identity = {
                version: FIRST,
                commit: codeChange,
                digest: (codeChangePreviewConfig["staging-prod-parity"] as { promotion: { candidate: { digest: string } } }).promotion.candidate.digest,
            };
            const outcome = await sys().run("prod", "update", identity, codeChangePreviewConfig, { commit: codeChange });
            assert.equal(outcome.succeeded, false, show(outcome));
            assert.match(
                messageOf(outcome, "staging-prod-parity-at-step"),
                /found before this resource's step:\n {2}- pulumi:providers:aws "aws" defaultTags \(JSON\)\.tags\.project: staging "atlas", prod "atlas-platform"/,
            );
            const [last] = await historyOf("prod");
            assert.equal(last.result, "failed", "prod's history records the refused update as failed");
            const provider = Object.entries((await sys().state("prod")).resources).find(([urn]) => urn.endsWith("pulumi:providers:aws::aws"));
            assert.doesNotMatch(String(provider?.[1]), /atlas-platform/, "the refused provider settings were never written");
            // A failed update is not a release: the trusted gate is still the release prod ran before, and promote repairs prod.
            const repaired = await sys().promote("prod", FIRST);
            assert.deepEqual(repaired.gate, { source: "prod-release", commit: sys().snapshot });
            assertDeployed(repaired, "prod repaired by promoting staging's release");
        });
    });

    describe("code that branches on the environment (its own copy of the deployed release)", function () {
        const own = releaseHelpers(withOfflineWorkspace({ deployed: true }));

        it("refuses code that branches on the environment, deployed to staging from the same commit: parity by property", async () => {
            const branching = own.sys().commit(
                {
                    "src/program.ts": replacing(
                        "numberOfWorkers: config.glueNumberOfWorkers,",
                        'numberOfWorkers: config.environment === "prod" ? config.glueNumberOfWorkers * 2 : config.glueNumberOfWorkers,',
                    ),
                },
                "more workers in prod only",
            );
            await own.deployStaging("2.0.0", branching);
            const promotion = await own.sys().promote("prod", "2.0.0", { commit: branching });
            assertRefused(promotion, ["staging-prod-parity", "staging-prod-parity-at-step"], "environment branch");
            assert.match(messageOf(promotion.preview, "staging-prod-parity"), /aws:glue\/job:Job "etl-job" numberOfWorkers: staging 10, prod 20/);
        });

        itKeepsProdsSecret(own);
    });

    describe("a commit that relaxes the gate (its own copy of the deployed release)", function () {
        const own = releaseHelpers(withOfflineWorkspace({ deployed: true }));

        it("refuses a commit that relaxes the gate judging it: a pack change needs prod's approval, and is judged by the pack of the release prod runs", async () => {
            const relaxed = own.sys().commit(
                {
                    "policy-pack/src/enforcement.ts": compose(
                        replacing('"staging-prod-parity": "mandatory"', '"staging-prod-parity": "advisory"'),
                        replacing('"staging-prod-parity-at-step": "mandatory"', '"staging-prod-parity-at-step": "advisory"'),
                    ),
                    "src/program.ts": replacing(
                        "maxRetries: config.glueJobMaxRetries,",
                        'maxRetries: config.environment === "prod" ? 0 : config.glueJobMaxRetries,',
                    ),
                },
                "relax parity and change prod only",
            );
            await own.deployStaging("2.1.0", relaxed);
            const before = (await own.historyOf("prod")).length;
            const relaxedPack = execFileSync("git", ["rev-parse", `${relaxed}:policy-pack`], { cwd: own.sys().repository.dir, encoding: "utf8" }).trim();
            await assert.rejects(
                own.sys().promote("prod", "2.1.0", { commit: relaxed, env: {} }),
                (error: Error) =>
                    error.constructor.name === "GateRefusal" &&
                    error.message.includes(`this release changes policy-pack/ (tree ${relaxedPack})`) &&
                    error.message.includes(`${PACK_CHANGE_ENV}=${relaxedPack}`),
            );
            assert.equal((await own.historyOf("prod")).length, before, "nothing ran without the approval");
            const pullRequest = await own
                .sys()
                .promote("prod", "0.0.0-pr.8", { commit: relaxed, env: {}, previewOnly: true, policyOverrides: { ...PULL_REQUEST_OVERRIDES } });
            assert.match(
                pullRequest.advisories?.join("\n") ?? "",
                new RegExp(`this release changes policy-pack/ \\(tree ${relaxedPack}\\)`),
                "a pull-request check reports the unapproved change",
            );

            // Approved (after review, in the prod environment's settings), the change is still judged by prod's pack.
            const promotion = await own.sys().promote("prod", "2.1.0", { commit: relaxed, env: { [PACK_CHANGE_ENV]: relaxedPack } });
            assert.deepEqual(promotion.gate, { source: "prod-release", commit: own.sys().snapshot, packChange: relaxedPack });
            assertRefused(promotion, ["staging-prod-parity", "staging-prod-parity-at-step"], "relaxed gate");
            assert.match(messageOf(promotion.preview, "staging-prod-parity"), /maxRetries: staging 1, prod 0/);

            // The same preview judged by the candidate's own pack would have let prod through.
            const ownPack = path.join(own.sys().source(relaxed).checkout, "policy-pack");
            const judgedByItself = await own.sys().run("prod", "preview", promotion.release, promotion.policyConfig, { commit: relaxed, policyPack: ownPack });
            assert.equal(judgedByItself.succeeded, true, show(judgedByItself));
            assert.match(messageOf(judgedByItself, "staging-prod-parity", "advisory"), /maxRetries: staging 1, prod 0/);
            assert.equal(ENFORCEMENT_LEVELS["staging-prod-parity"], "mandatory", "this build's own pack keeps parity mandatory");
        });

        itKeepsProdsSecret(own);
    });

    describe("staging's state edited outside an update (its own copy of the deployed release)", function () {
        const own = releaseHelpers(withOfflineWorkspace({ deployed: true }));

        it("refuses prod when staging's state was edited outside an update (pulumi state delete)", async () => {
            const dashboard = Object.keys((await own.sys().state("staging")).resources).find((urn) => urn.endsWith("::pipeline-dashboard"));
            assert.ok(dashboard);
            await own.sys().pulumi(["state", "delete", dashboard, "--stack", "staging", "--yes"]);
            const promotion = await own.sys().promote("prod", FIRST);
            assertRefused(promotion, ["staging-evidence-verified", "staging-prod-parity", "staging-prod-parity-at-step"], "staging state edited");
            assert.match(
                messageOf(promotion.preview, "staging-evidence-verified"),
                /staging's state holds 74 resources, but its last release update .* left 75: its state was changed outside an update/,
            );
        });

        itKeepsProdsSecret(own);
    });

    describe("guardrails", function () {
        it("the program refuses developer principals in prod's config before registering anything", async () => {
            const developers = sys().commit(
                {
                    "Pulumi.prod.yaml": replacing(
                        "atlas:consumerPrincipals:",
                        "atlas:developerPrincipals:\n    - arn:aws:iam::111111111111:role/atlas-developers\n  atlas:consumerPrincipals:",
                    ),
                },
                "developers in prod",
            );
            const promotion = await sys().promote("prod", "3.0.0", { commit: developers });
            assert.equal(promotion.preview.succeeded, false);
            assert.equal(promotion.update, null);
            assert.match(
                promotion.preview.errors.join("\n"),
                /atlas:developerPrincipals: found 1 principal\(s\) in environment "prod"; expected no principals outside dev/,
                show(promotion.preview),
            );
        });

        it("the pack refuses a prod consumer principal that is dev's developer role, which the program accepts", async () => {
            const consumer = sys().commit(
                {
                    "Pulumi.prod.yaml": replacing(
                        "atlas:consumerPrincipals:",
                        "atlas:consumerPrincipals:\n    - arn:aws:iam::111111111111:role/atlas-developers",
                    ),
                },
                "a developer as a consumer",
            );
            const promotion = await sys().promote("prod", "3.0.0", { commit: consumer });
            assert.equal(promotion.update, null);
            assert.equal(
                promotion.preview.errors.some((e) => /config problem/.test(e)),
                false,
                `the program accepted the config: ${show(promotion.preview)}`,
            );
            assert.match(messageOf(promotion.preview, "no-developer-access"), /developer principal arn:aws:iam::111111111111:role\/atlas-developers in prod/);
            assert.match(messageOf(promotion.preview, "no-cross-environment-references"), /refers to dev's account/);
        });
    });

    describe("secrets", function () {
        itKeepsProdsSecret({ sys, historyOf, deployStaging }, 10);
    });
});

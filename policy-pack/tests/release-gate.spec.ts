import * as assert from "assert";
import { digestOf } from "../src/contract/canonical";
import { buildPromotionConfig } from "../src/config";
import { prodReferencesStaging } from "../src/policies/prod-references-staging";
import { prodVersionMatchesStaging } from "../src/policies/prod-version-matches-staging";
import { stagingEvidenceVerified } from "../src/policies/staging-evidence-verified";
import { stagingProdParity } from "../src/policies/staging-prod-parity";
import { PARITY_CONFIG, STAGING_RELEASE, VERSION, compliantStack, evidence, platform, releaseOf } from "./fixtures";
import { UNKNOWN_OBJECT, messagesOf, runPolicy } from "./helpers";

const gate = { stagingEvidence: evidence() };
const GATE_POLICIES = [prodReferencesStaging, prodVersionMatchesStaging, stagingProdParity, stagingEvidenceVerified];

describe("release gate", () => {
    it("lets the compliant prod release through every gate policy", async () => {
        for (const policy of GATE_POLICIES) {
            assert.deepStrictEqual(await messagesOf(policy, "prod", compliantStack("prod"), gate), [], policy.name);
        }
    });

    it("is not applicable to dev and staging", async () => {
        for (const policy of GATE_POLICIES) {
            for (const stack of ["dev", "staging"] as const) {
                const run = await runPolicy(policy, stack, compliantStack(stack));
                assert.strictEqual(run.notApplicable, `applies to prod only; stack "${stack}" is ${stack}`);
            }
        }
    });

    it("refuses a stack whose name is not an environment", async () => {
        assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "qa", compliantStack("prod")), [
            'Refused for this stack: stack "qa" is not one of the environments dev, staging, prod; the pack decides which rules apply from the stack name.\nTo fix: run the pack against the dev, staging or prod stack of this project.',
        ]);
    });

    it("refuses unknown policy config keys", async () => {
        assert.deepStrictEqual(await messagesOf(prodVersionMatchesStaging, "prod", compliantStack("prod"), { ...gate, stagingEvidense: {} }), [
            'Refused for stack "prod": policy config for "prod-version-matches-staging" has unknown key(s) stagingEvidense.\nTo fix: correct the --policy-pack-config file (see policy-pack/README.md, Policy config).',
        ]);
    });

    describe("prod-references-staging", () => {
        it("refuses a missing upstreamStack", async () => {
            assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamStack: undefined })), [
                "Refused for stack \"prod\": prod's `upstreamStack` output is missing; it must name this project's staging stack (<organization>/atlas/staging).\nTo fix: set atlas:upstreamStack in Pulumi.prod.yaml to <organization>/atlas/staging and export it as `upstreamStack`.",
            ]);
        });

        it("refuses an upstreamStack that names another stack", async () => {
            const [message] = await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamStack: "organization/atlas/dev" }));
            assert.match(message, /^Refused for stack "prod": prod's `upstreamStack` output is "organization\/atlas\/dev"; it must name/);
        });

        it("refuses an upstreamStack that differs from the stack the tooling read", async () => {
            const config = { stagingEvidence: evidence({ stagingStack: "other-org/atlas/staging" }) };
            assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "prod", compliantStack("prod"), config), [
                "Refused for stack \"prod\": prod's `upstreamStack` is \"organization/atlas/staging\" but the release tooling read staging from \"other-org/atlas/staging\".\nTo fix: make atlas:upstreamStack in Pulumi.prod.yaml name the stack the tooling promotes from.",
            ]);
        });

        it("refuses a missing upstreamRelease (staging never deployed)", async () => {
            assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: undefined })), [
                "Refused for stack \"prod\": prod's `upstreamRelease` output (staging's facts as the program read them) is missing.\nTo fix: deploy staging with this release, then run `npm run promote -- --stack prod --version <release>`, which reads staging's facts and passes them to the pack.",
            ]);
        });

        it("refuses an upstreamRelease of an older format", async () => {
            const [message] = await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: { format: "atlas.release/v0", version: VERSION } }));
            assert.match(message, /has format "atlas\.release\/v0"; expected format "atlas\.release\/v1" \(redeploy that stack with this release's program\)\.\nTo fix: deploy staging/);
        });

        it("refuses a malformed upstreamRelease, naming every bad field", async () => {
            const messages = await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: { format: "atlas.release/v1", version: 3 } }));
            assert.strictEqual(messages.length, 8);
            assert.match(messages[3], /field "version" should be a non-empty string \(got number\)/);
            assert.match(messages[4], /field "promotable" should be a boolean \(got undefined\)/);
        });

        it("refuses an upstreamRelease whose digest does not match its config", async () => {
            const tampered = { ...STAGING_RELEASE, parityConfig: { ...PARITY_CONFIG, glueNumberOfWorkers: 2 } };
            const [message] = await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: tampered }));
            assert.match(message, /"configDigest" does not match its "parityConfig" \(the facts were altered\)/);
        });

        it("refuses an upstreamRelease that describes another environment", async () => {
            const [message] = await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: releaseOf("dev", platform("dev")) }));
            assert.match(message, /^Refused for stack "prod": prod's `upstreamRelease` describes atlas\/dev, not atlas\/staging\./);
        });

        it("refuses, at its own level, an upstreamRelease unknown during preview", async () => {
            assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "prod", compliantStack("prod", { upstreamRelease: UNKNOWN_OBJECT })), [
                'Refused for stack "prod": the value at .upstreamRelease is unknown during preview (it is only known once the update runs), so it cannot be checked.\nTo fix: deploy what it depends on first (for staging facts: update staging), or make the program compute it from config known at preview (e.g. names, not generated ARNs).',
            ]);
        });

        it("refuses evidence meant for another stack", async () => {
            const config = { stagingEvidence: evidence({ targetStack: "organization/atlas/staging" }) };
            assert.deepStrictEqual(await messagesOf(prodReferencesStaging, "prod", compliantStack("prod"), config), [
                'Refused for stack "prod": policy config stagingEvidence is for stack "organization/atlas/staging", not for this stack (atlas/prod).\nTo fix: rerun the release tooling; do not edit its policy config by hand.',
            ]);
        });
    });

    describe("prod-version-matches-staging", () => {
        it("refuses a version staging does not run", async () => {
            const stack = compliantStack("prod", { release: releaseOf("prod", platform("prod"), { version: "1.5.0" }) });
            assert.deepStrictEqual(await messagesOf(prodVersionMatchesStaging, "prod", stack, { stagingEvidence: evidence({ stagingLastUpdate: { result: "succeeded", updateVersion: 7, releaseVersion: VERSION } }) }), [
                'Refused for stack "prod": prod would deploy release 1.5.0 but staging is at release 1.4.0.\nTo fix: deploy 1.5.0 to staging first, or promote 1.4.0.',
                'Refused for stack "prod": staging\'s last successful update (#7) deployed release 1.4.0, not 1.5.0.\nTo fix: deploy 1.5.0 to staging first, or promote 1.4.0.',
            ]);
        });

        it("refuses when staging's last update failed part-way, even at the same version", async () => {
            const config = { stagingEvidence: evidence({ stagingLastUpdate: { result: "failed", updateVersion: 8, releaseVersion: VERSION } }) };
            assert.deepStrictEqual(await messagesOf(prodVersionMatchesStaging, "prod", compliantStack("prod"), config), [
                'Refused for stack "prod": staging\'s last update (#8, release 1.4.0) failed, so staging is not known to run any release.\nTo fix: rerun the staging update until it succeeds, then promote.',
            ]);
        });

        it("refuses when staging's last update is still running", async () => {
            const config = { stagingEvidence: evidence({ stagingLastUpdate: { result: "in-progress", updateVersion: 8, releaseVersion: VERSION } }) };
            const [message] = await messagesOf(prodVersionMatchesStaging, "prod", compliantStack("prod"), config);
            assert.match(message, /\(#8, release 1\.4\.0\) has not finished/);
        });

        it("refuses non-promotable builds on either side", async () => {
            const local = { promotable: false };
            const stagingLocal = releaseOf("staging", platform("staging"), local);
            const stack = compliantStack("prod", { release: releaseOf("prod", platform("prod"), local), upstreamRelease: stagingLocal });
            assert.deepStrictEqual(await messagesOf(prodVersionMatchesStaging, "prod", stack), [
                'Refused for stack "prod": staging\'s release 1.4.0 is not promotable (a local or dirty build).\nTo fix: deploy a CI-built release from a clean tree to staging.',
                'Refused for stack "prod": prod\'s release 1.4.0 is not promotable (a local or dirty build).\nTo fix: run `npm run promote -- --stack prod --version <release>` from CI with a CI-assigned version.',
            ]);
        });

        it("judges by the tooling's evidence over the program's claim", async () => {
            const olderStaging = releaseOf("staging", platform("staging"), { version: "1.3.0" });
            const config = { stagingEvidence: evidence({ stagingRelease: olderStaging, stagingLastUpdate: { result: "succeeded", updateVersion: 6, releaseVersion: "1.3.0" } }) };
            const messages = await messagesOf(prodVersionMatchesStaging, "prod", compliantStack("prod"), config);
            assert.match(messages[0], /prod would deploy release 1\.4\.0 but staging is at release 1\.3\.0/);
        });

        it("refuses a missing own release and a missing staging release, both", async () => {
            const messages = await messagesOf(prodVersionMatchesStaging, "prod", compliantStack("prod", { release: undefined, upstreamRelease: undefined }));
            assert.deepStrictEqual(messages.map((m) => m.split("\n")[0]), [
                "Refused for stack \"prod\": prod's `release` output is missing.",
                "Refused for stack \"prod\": prod's `upstreamRelease` output (staging's facts as the program read them) is missing.",
            ]);
        });
    });

    describe("staging-prod-parity", () => {
        it("lists every config and resource difference with both values", async () => {
            const prodConfig = { ...PARITY_CONFIG, glueNumberOfWorkers: 8, athenaCutoffBytes: 5 };
            delete (prodConfig as Partial<typeof PARITY_CONFIG>).logRetentionDays;
            const resources = platform("prod").filter((r) => r.name !== "etl-logs").concat([{ type: "aws:sqs/queue:Queue", name: "extra" }]);
            const stack = [
                ...compliantStack("prod", { release: releaseOf("prod", resources, { parityConfig: prodConfig }) }).slice(0, 1),
                ...resources,
            ];
            assert.deepStrictEqual(await messagesOf(stagingProdParity, "prod", stack, gate), [
                [
                    'Refused for stack "prod": staging (release 1.4.0) and prod differ in 5 place(s):',
                    "  - config athenaCutoffBytes: staging (absent), prod 5",
                    "  - config glueNumberOfWorkers: staging 4, prod 8",
                    "  - config logRetentionDays: staging 14, prod (absent)",
                    "  - resource aws:cloudwatch/logGroup:LogGroup::etl-logs: staging present, prod (absent)",
                    "  - resource aws:sqs/queue:Queue::extra: staging (absent), prod present.",
                    "To fix: make Pulumi.prod.yaml equal Pulumi.staging.yaml in these keys (or add a key to ENVIRONMENT_SPECIFIC_KEYS if it truly must differ, see README), redeploy staging, then promote.",
                ].join("\n"),
            ]);
        });

        it("ignores environment-specific keys and resource roles", async () => {
            const prodConfig = { ...PARITY_CONFIG, awsAccountId: "333333333333", namePrefix: "atlas-prd" };
            const stack = compliantStack("prod", { release: releaseOf("prod", platform("prod"), { parityConfig: prodConfig }) });
            assert.deepStrictEqual(await messagesOf(stagingProdParity, "prod", stack, gate), []);
        });

        it("shows a secret difference only as stand-ins, even when one side is plain text", async () => {
            const prodConfig = { ...PARITY_CONFIG, alertWebhook: "plain-text-secret-value" };
            const stack = compliantStack("prod", { release: releaseOf("prod", platform("prod"), { parityConfig: prodConfig }) });
            const [message] = await messagesOf(stagingProdParity, "prod", stack, gate);
            assert.match(message, /config alertWebhook: staging \[secret sha256:[0-9a-f]{12}\], prod \[secret sha256:[0-9a-f]{12}\]/);
            assert.ok(!message.includes("plain-text-secret-value"));
        });

        it("refuses a prod release output that disagrees with the resources the engine sees", async () => {
            const claimed = releaseOf("prod", platform("prod").filter((r) => r.name !== "etl"));
            const [message] = await messagesOf(stagingProdParity, "prod", compliantStack("prod", { release: claimed }), gate);
            assert.strictEqual(
                message,
                "Refused for stack \"prod\": prod's `release` output disagrees with the resources the engine sees: aws:glue/job:Job::etl exists but is not listed.\nTo fix: build `release.resources` from the program's registered resources (src/release/) instead of a hand-kept list.",
            );
        });

        it("refuses, at its own level, a release unknown during preview", async () => {
            const [message] = await messagesOf(stagingProdParity, "prod", compliantStack("prod", { release: UNKNOWN_OBJECT }), gate);
            assert.match(message, /the value at \.release is unknown during preview \(it is only known once the update runs\)/);
        });
    });

    describe("staging-evidence-verified", () => {
        it("refuses a prod update run without the release tooling (fail closed by default)", async () => {
            assert.deepStrictEqual(await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod")), [
                'Refused for stack "prod": this prod update carries no staging facts verified by the release tooling (policy config stagingEvidence), so the program\'s claims about staging cannot be trusted.\nTo fix: run `npm run promote -- --stack prod --version <release>` instead of `pulumi up`.',
            ]);
        });

        it("can be told not to require the tooling's facts", async () => {
            assert.deepStrictEqual(await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod"), { requireVerifiedFacts: false }), []);
        });

        it("refuses a program that edits upstreamRelease to claim what staging does not run", async () => {
            const forgedConfig = { ...PARITY_CONFIG, glueNumberOfWorkers: 8 };
            const forged = releaseOf("staging", platform("prod"), { version: "1.5.0", parityConfig: forgedConfig });
            const messages = await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod", { upstreamRelease: forged }), gate);
            assert.deepStrictEqual(messages, [
                [
                    "Refused for stack \"prod\": prod's `upstreamRelease` disagrees with the staging stack's own facts (read by the release tooling from organization/atlas/staging):",
                    '  - version: staging "1.4.0", prod "1.5.0"',
                    `  - configDigest: staging "${digestOf(PARITY_CONFIG)}", prod "${digestOf(forgedConfig)}"`,
                    "  - config glueNumberOfWorkers: staging 4, prod 8",
                    '  ("staging" = read from the staging stack, "prod" = claimed by the prod program).',
                    "To fix: do not edit `upstreamRelease` by hand; let the program read it through its StackReference and run `npm run promote -- --stack prod --version <release>` again.",
                ].join("\n"),
            ]);
        });

        it("refuses evidence read from a stack that is not this project's staging", async () => {
            const devFacts = releaseOf("dev", platform("dev"));
            const config = { stagingEvidence: evidence({ stagingStack: "organization/atlas/dev", stagingRelease: devFacts }) };
            const [message] = await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod", { upstreamStack: "organization/atlas/dev", upstreamRelease: devFacts }), config);
            assert.match(message, /  - the tooling's facts come from organization\/atlas\/dev \(environment dev\), not from this project's staging stack/);
        });

        it("refuses evidence without staging's last update rather than skipping the check", async () => {
            const incomplete = { ...evidence(), stagingLastUpdate: undefined };
            for (const policy of GATE_POLICIES) {
                const messages = await messagesOf(policy, "prod", compliantStack("prod"), { stagingEvidence: incomplete });
                assert.deepStrictEqual(messages.map((m) => m.split("\n")[0]), [
                    'Refused for stack "prod": policy config stagingEvidence.stagingLastUpdate should be {result: succeeded|failed|in-progress, updateVersion: integer, releaseVersion: string}.',
                ], policy.name);
            }
        });

        it("refuses evidence whose stack names are not strings", async () => {
            const [message] = await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod"), { stagingEvidence: { ...evidence(), targetStack: 7 } });
            assert.match(message, /policy config stagingEvidence\.targetStack should be a fully qualified stack name \(got number\)/);
        });

        it("refuses tampered evidence", async () => {
            const config = { stagingEvidence: evidence({ stagingRelease: { ...STAGING_RELEASE, resources: [] } }) };
            const [message] = await messagesOf(stagingEvidenceVerified, "prod", compliantStack("prod"), config);
            assert.match(message, /policy config stagingEvidence\.stagingRelease: "resourcesDigest" does not match its "resources"/);
        });
    });

    it("buildPromotionConfig puts the evidence under every gate policy and keeps level overrides", () => {
        const config = buildPromotionConfig(evidence(), { "prod-version-matches-staging": "advisory" });
        assert.deepStrictEqual(Object.keys(config).sort(), ["prod-references-staging", "prod-version-matches-staging", "staging-evidence-verified", "staging-prod-parity"]);
        assert.deepStrictEqual(config["prod-version-matches-staging"], { enforcementLevel: "advisory", stagingEvidence: evidence() });
    });
});

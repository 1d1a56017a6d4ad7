/**
 * The release gate on the real engine: the real Pulumi CLI with the stand-in AWS provider, the
 * real program and the real policy pack, driven by the real release tooling (`promote`, the
 * rehearsal's steps, `runWithPolicies`). One workspace (and one deployed staging) is shared by
 * the whole file; tests that change a stack's config undo it.
 *
 * Every run is of a clean build of the working tree (see support/clean-build.ts), so prod's
 * promotability does not depend on whether the shared checkout has uncommitted edits.
 */
import { strict as assert } from "assert";
import { PolicyConfig, Promotion, RunOutcome, StackState, withOfflineWorkspace } from "./support/offline-release";

const FIRST = "1.0.0";
const AHEAD = "1.2.0";
const GATE_POLICIES = ["prod-references-staging", "prod-version-matches-staging", "staging-prod-parity", "staging-evidence-verified"] as const;
type GatePolicy = (typeof GATE_POLICIES)[number];

function mandatory(outcome: RunOutcome): string[] {
    return [...new Set(outcome.violations.filter((v) => v.level === "mandatory").map((v) => v.policy))].sort();
}

function messageOf(outcome: RunOutcome, policy: string): string {
    const found = outcome.violations.filter((v) => v.policy === policy && v.level === "mandatory");
    assert.ok(found.length > 0, `expected a mandatory ${policy} violation; got ${show(outcome)}`);
    return found.map((v) => v.message).join("\n");
}

function show(outcome: RunOutcome): string {
    return JSON.stringify({ succeeded: outcome.succeeded, violations: outcome.violations.map((v) => `[${v.level}] ${v.policy}: ${v.message}`), errors: outcome.errors }, null, 2);
}

function assertPassed(outcome: RunOutcome | null, what: string): asserts outcome is RunOutcome {
    assert.ok(outcome, `${what}: did not run`);
    assert.equal(outcome.succeeded, true, `${what}: ${show(outcome)}`);
    assert.deepEqual(mandatory(outcome), [], `${what}: no mandatory violation`);
}

function firstDifference(before: string, after: string): string {
    let i = 0;
    while (i < before.length && before[i] === after[i]) {
        i++;
    }
    return `first difference at ${i}: before …${before.slice(Math.max(0, i - 120), i + 80)}… after …${after.slice(Math.max(0, i - 120), i + 80)}…`;
}

/** A deep copy of a policy config with every release-gate block's staging evidence changed. */
function tamperEvidence(config: PolicyConfig, change: (evidence: { stagingRelease: Record<string, unknown>; stagingLastUpdate: Record<string, unknown> }) => void): PolicyConfig {
    const copy = JSON.parse(JSON.stringify(config)) as PolicyConfig;
    for (const policy of GATE_POLICIES) {
        const block = copy[policy] as { stagingEvidence?: Parameters<typeof change>[0] } | undefined;
        assert.ok(block?.stagingEvidence, `promote passed staging evidence to ${policy}`);
        change(block.stagingEvidence);
    }
    return copy;
}

describe("release gate on the real engine", function () {
    const fixture = withOfflineWorkspace();
    const sys = () => fixture.system;
    const step = (name: string) => {
        const found = sys().rehearsal.STEPS.find((s) => s.name === name);
        assert.ok(found, `rehearsal step ${name}`);
        return found;
    };
    /** The policy config promote passed to refused prod previews, for the matching direct updates. */
    const refusedPreviewConfig: Partial<Record<GatePolicy, PolicyConfig>> = {};
    let compliantConfig: PolicyConfig | undefined;

    /** prod's state right after its compliant deployment. */
    let deployedState: StackState | undefined;

    /**
     * Runs `pulumi up` on prod with the pack and no preview first (as `pulumi up --skip-preview`
     * and the Automation API's `up` do), with `arrange`'s config change in place; checks that the
     * policy refused it and that prod's history records the update as failed.
     */
    async function refusedUpdate(policy: string, version: string, config: PolicyConfig | undefined, arrange?: () => Promise<() => Promise<void>>): Promise<{ outcome: RunOutcome; before: StackState; after: StackState }> {
        const before = await sys().state("prod");
        const undo = arrange ? await arrange() : undefined;
        let outcome: RunOutcome;
        try {
            outcome = await sys().run("prod", "update", version, config);
        } finally {
            await undo?.();
        }
        assert.equal(outcome.succeeded, false, show(outcome));
        messageOf(outcome, policy);
        const [last] = await (await sys().stack("prod")).history(1);
        assert.equal(last?.kind, "update");
        assert.equal(last?.result, "failed", "prod's history records the refused update as failed");
        return { outcome, before, after: await sys().state("prod") };
    }

    /** `inputsOnly` ignores what the provider computed (e.g. a state machine's new revisionId after a real update). */
    function assertSameState(after: StackState, before: StackState, what: string, options: { inputsOnly?: boolean } = {}): void {
        assert.deepEqual(Object.keys(after.resources), Object.keys(before.resources), `${what}: no resource added or removed`);
        const view = (entry: string) => {
            const { inputs, protect } = JSON.parse(entry) as { inputs: unknown; protect: boolean };
            return options.inputsOnly ? JSON.stringify({ inputs, protect }) : entry;
        };
        for (const urn of Object.keys(before.resources)) {
            const [was, is] = [view(before.resources[urn]), view(after.resources[urn])];
            assert.ok(was === is, `${what}: ${urn} as it was; ${firstDifference(was, is)}`);
        }
        assert.deepEqual(after.outputs, before.outputs, `${what}: prod's outputs (release, upstreamRelease) as they were`);
    }

    /** The state entry (inputs, outputs) of prod's resource whose URN ends with `suffix`. */
    function resourceIn(state: StackState, suffix: string): { inputs: Record<string, unknown>; outputs: Record<string, unknown> } {
        const urn = Object.keys(state.resources).find((u) => u.endsWith(suffix));
        assert.ok(urn, `prod has a resource ${suffix}`);
        return JSON.parse(state.resources[urn]) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    }

    /** Sets a prod config value (`path` for a list element); returns the undo. */
    async function withProdConfig(key: string, value: string, options: { path?: boolean; undo?: "remove" } = {}): Promise<() => Promise<void>> {
        const prod = await sys().stack("prod");
        const original = options.undo === "remove" ? undefined : (await prod.getAllConfig())[key];
        await prod.setConfig(key, { value }, options.path);
        return async () => (original ? prod.setConfig(key, original, options.path) : prod.removeConfig(key, options.path));
    }

    describe("the rehearsal's release path", function () {
        it("refuses prod before staging has deployed, in the preview", async () => {
            const result = await sys().runStep(step("prod-before-staging"));
            assert.deepEqual(result.mismatches, [], show(result.report.preview));
            assert.equal(result.report.update, null, "no update after a refused preview");
            assert.ok(mandatory(result.report.preview).length > 0);
            assert.equal(await sys().release("prod"), undefined, "prod has deployed nothing");
        });

        for (const name of ["dev", "staging"]) {
            it(`deploys ${name}: preview and update pass with the pack`, async () => {
                const result = await sys().runStep(step(name));
                assert.deepEqual(result.mismatches, []);
                assertPassed(result.report.preview, `${name} preview`);
                assertPassed(result.report.update, `${name} update`);
                assert.ok((result.report.update.changes.create ?? 0) > 20, `${name} created its platform: ${JSON.stringify(result.report.update.changes)}`);
                const release = await sys().release(name);
                assert.equal(release?.environment, name);
                assert.equal(release?.version, FIRST);
                assert.equal(release?.promotable, true, "a clean build at a promote-assigned version is promotable");
            });
        }

        it("deploys prod at staging's release: preview and update pass, prod carries staging's facts", async () => {
            const result = await sys().runStep(step("prod"));
            assert.deepEqual(result.mismatches, []);
            assertPassed(result.report.preview, "prod preview");
            assertPassed(result.report.update, "prod update");
            const prod = await sys().state("prod");
            assert.equal((prod.outputs.release as { version: string }).version, FIRST);
            assert.deepEqual(prod.outputs.upstreamRelease, await sys().release("staging"));
            assert.equal(prod.outputs.upstreamStack, sys().workspace.qualified("staging"));
            compliantConfig = result.policyConfig;
            deployedState = prod;
        });

        it("refuses prod at a release staging does not have, naming both versions", async () => {
            const result = await sys().runStep({ ...step("prod-ahead"), version: AHEAD, expect: { outcome: "refused", mentions: [FIRST, AHEAD] } });
            assert.deepEqual(result.mismatches, [], show(result.report.preview));
            assert.match(messageOf(result.report.preview, "prod-version-matches-staging"), /prod would deploy release 1\.2\.0 but staging is at release 1\.0\.0/);
            assert.deepEqual(mandatory(result.report.preview), ["prod-version-matches-staging"], "refused by the version gate alone");
            refusedPreviewConfig["prod-version-matches-staging"] = result.policyConfig;
        });

        it("refuses prod whose config drifts from staging, naming the key and both values, and undoes the drift", async () => {
            const result = await sys().runStep({ ...step("prod-drift"), version: FIRST });
            assert.deepEqual(result.mismatches, [], show(result.report.preview));
            assert.match(messageOf(result.report.preview, "staging-prod-parity"), /config glueNumberOfWorkers: staging 10, prod 11/);
            assert.deepEqual(mandatory(result.report.preview), ["staging-prod-parity"], "refused by the parity gate alone");
            assert.equal((await (await sys().stack("prod")).getConfig(sys().rehearsal.DRIFT_KEY)).value, "10");
            refusedPreviewConfig["staging-prod-parity"] = result.policyConfig;
        });
    });

    describe("each mandatory release-gate policy refuses a real preview and a real update", function () {
        it("prod-references-staging refuses the preview of a prod whose upstreamStack is not staging", async () => {
            const undo = await withProdConfig("atlas:upstreamStack", "dev");
            let promotion: Promotion;
            try {
                promotion = await sys().promote("prod", FIRST);
            } finally {
                await undo();
            }
            assert.equal(promotion.update, null, "no update after a refused preview");
            assert.match(messageOf(promotion.preview, "prod-references-staging"), /`upstreamStack` output is "organization\/atlas\/dev"; it must name this project's staging stack/);
            refusedPreviewConfig["prod-references-staging"] = promotion.policyConfig;
        });

        // On this engine a stack policy is evaluated after the update's resource steps: the
        // refused update below is recorded as failed, but its changes are already applied. Only
        // the preview (which promote always runs first) keeps them out; these tests pin that.
        it("prod-references-staging refuses the update too (recorded failed, but the engine has already applied it)", async () => {
            const { outcome, after } = await refusedUpdate("prod-references-staging", FIRST, refusedPreviewConfig["prod-references-staging"], () => withProdConfig("atlas:upstreamStack", "dev"));
            assert.match(messageOf(outcome, "prod-references-staging"), /organization\/atlas\/dev/);
            assert.equal((after.outputs.upstreamRelease as { environment: string }).environment, "dev", "engine behaviour: the refused update's outputs were written");
        });

        it("prod-version-matches-staging refuses the update at a release staging does not have (recorded failed, but already applied)", async () => {
            const config = refusedPreviewConfig["prod-version-matches-staging"];
            assert.ok(config, "the refused preview ran (see the rehearsal's path)");
            const { outcome, after } = await refusedUpdate("prod-version-matches-staging", AHEAD, config);
            assert.match(messageOf(outcome, "prod-version-matches-staging"), /prod would deploy release 1\.2\.0 but staging is at release 1\.0\.0/);
            assert.equal((after.outputs.release as { version: string }).version, AHEAD, "engine behaviour: prod's release output already says 1.2.0");
            assert.equal((resourceIn(after, "aws:glue/job:Job::etl-job").outputs.tagsAll as Record<string, string>).release, AHEAD, "engine behaviour: resources were already retagged");
        });

        it("staging-prod-parity refuses the update of a drifting prod (recorded failed, but already applied)", async () => {
            const config = refusedPreviewConfig["staging-prod-parity"];
            assert.ok(config, "the refused preview ran (see the rehearsal's path)");
            const drift = step("prod-drift");
            assert.ok(drift.arrange);
            const arrange = drift.arrange;
            const { outcome, before, after } = await refusedUpdate("staging-prod-parity", FIRST, config, async () => arrange(await sys().stack("prod")));
            assert.match(messageOf(outcome, "staging-prod-parity"), /config glueNumberOfWorkers: staging 10, prod 11/);
            assert.equal(resourceIn(before, "aws:glue/job:Job::etl-job").outputs.numberOfWorkers, 10);
            assert.equal(resourceIn(after, "aws:glue/job:Job::etl-job").outputs.numberOfWorkers, 11, "engine behaviour: the drift is already deployed");
        });

        it("lets the compliant release through: promote's preview and update pass and put prod back as deployed", async () => {
            assert.ok(deployedState, "prod was deployed");
            const promotion = await sys().promote("prod", FIRST);
            assertPassed(promotion.preview, "prod preview");
            assertPassed(promotion.update, "prod update");
            assertSameState(await sys().state("prod"), deployedState, "after the compliant update, prod is", { inputsOnly: true });
        });

        it("staging-evidence-verified refuses a preview whose staging evidence was altered", async () => {
            assert.ok(compliantConfig, "prod was promoted");
            const tampered = tamperEvidence(compliantConfig, (e) => (e.stagingRelease.configDigest = `sha256:${"0".repeat(64)}`));
            const outcome = await sys().run("prod", "preview", FIRST, tampered);
            assert.equal(outcome.succeeded, false);
            assert.match(messageOf(outcome, "staging-evidence-verified"), /stagingEvidence\.stagingRelease: "configDigest" does not match its "parityConfig" \(the facts were altered\)/);
            refusedPreviewConfig["staging-evidence-verified"] = tampered;
        });

        it("staging-evidence-verified refuses the update with that evidence, and prod's state is unchanged", async () => {
            const { before, after } = await refusedUpdate("staging-evidence-verified", FIRST, refusedPreviewConfig["staging-evidence-verified"]);
            assertSameState(after, before, "after the refused update, prod is");
        });
    });

    describe("policy config from the tooling is checked against the program's claims", function () {
        it("refuses staging evidence that names another release version than staging runs", async () => {
            assert.ok(compliantConfig);
            const tampered = tamperEvidence(compliantConfig, (e) => {
                e.stagingRelease.version = "9.9.9";
                e.stagingLastUpdate.releaseVersion = "9.9.9";
            });
            const outcome = await sys().run("prod", "preview", FIRST, tampered);
            assert.equal(outcome.succeeded, false);
            assert.match(messageOf(outcome, "staging-evidence-verified"), /version: staging "9\.9\.9", prod "1\.0\.0"/);
        });

        it("refuses a prod preview and update run without any policy config, telling the user to run promote", async () => {
            const preview = await sys().run("prod", "preview", FIRST, undefined);
            assert.equal(preview.succeeded, false);
            assert.match(messageOf(preview, "staging-evidence-verified"), /npm run promote -- --stack prod/);
            const { outcome, before, after } = await refusedUpdate("staging-evidence-verified", FIRST, undefined);
            assert.match(messageOf(outcome, "staging-evidence-verified"), /carries no staging facts verified by the release tooling/);
            assertSameState(after, before, "after the refused update, prod is");
        });
    });

    describe("guardrails", function () {
        it("the program refuses developer principals in prod's config before registering anything", async () => {
            const undo = await withProdConfig("atlas:developerPrincipals[0]", "arn:aws:iam::111111111111:role/atlas-developers", { path: true, undo: "remove" });
            let promotion: Promotion;
            try {
                promotion = await sys().promote("prod", FIRST);
            } finally {
                await undo();
            }
            assert.equal(promotion.preview.succeeded, false);
            assert.equal(promotion.update, null);
            const errors = promotion.preview.errors.join("\n");
            assert.match(errors, /atlas:developerPrincipals: found 1 principal\(s\) in environment "prod"; expected no principals outside dev/, show(promotion.preview));
        });

        it("the pack refuses a prod consumer principal that is dev's developer role, which the program accepts", async () => {
            // prod's file names two consumers; a third, added by path, is dev's developer role.
            const undo = await withProdConfig("atlas:consumerPrincipals[2]", "arn:aws:iam::111111111111:role/atlas-developers", { path: true, undo: "remove" });
            let promotion: Promotion;
            try {
                promotion = await sys().promote("prod", FIRST);
            } finally {
                await undo();
            }
            assert.equal(promotion.update, null);
            assert.equal(promotion.preview.errors.some((e) => /config problem/.test(e)), false, `the program accepted the config: ${show(promotion.preview)}`);
            assert.match(messageOf(promotion.preview, "no-developer-access"), /developer principal arn:aws:iam::111111111111:role\/atlas-developers in prod/);
            assert.match(messageOf(promotion.preview, "no-cross-environment-references"), /refers to dev's account/);
        });
    });

    describe("promotability", function () {
        it("refuses prod for a dirty build of the same sources", async () => {
            const undo = sys().build.makeDirty();
            let promotion: Promotion;
            try {
                promotion = await sys().promote("prod", FIRST, { previewOnly: true });
            } finally {
                undo();
            }
            assert.match(messageOf(promotion.preview, "prod-version-matches-staging"), /prod's release 1\.0\.0 is not promotable/);
        });
    });

    describe("secrets", function () {
        it("no policy message or engine error of any run above contains prod's on-call secret", () => {
            assert.ok(sys().outcomes.length >= 20, `every run was recorded (${sys().outcomes.length})`);
            assert.ok(sys().outcomes.some((o) => o.violations.length > 0), "there were messages to check");
            assert.equal(JSON.stringify(sys().outcomes).includes(sys().oncallSecret), false);
        });
    });
});

/**
 * The release rehearsal: a scripted walk of releases through dev, staging and prod on the real
 * engine, where each step states the outcome the release strategy demands. Steps deploy commits
 * of a release repository (tools/offline/release-repository.ts): the snapshot of the working
 * tree, and commits made from it that a careless or hostile change would make.
 */
import { changingOperations, logicalNameOf } from "../../../policy-pack/src/contract";
import { FileEdits, ReleaseRepository } from "../../../tools/offline/release-repository";
import { CloudStore } from "../../../tools/stand-in-aws/cloud";
import { planMismatches } from "../../../tools/stand-in-aws/plan-fidelity";
import { RefusedError, RunOutcome } from "../kit";
import { deleteInCloud, editInCloud, detectDrift, DriftReport, recordDrift } from "../operations";
import { BootstrapStacks, createSandboxStack, destroySandboxStack, StackSource } from "../stacks";
import { BootstrapDeployment, deployEveryBootstrapStack, formatDeployment } from "../bootstrap";
import { PromoteReport, promote, refusedByPolicy } from "../gate";

export const FIRST_VERSION = "1.0.0";
export const SECOND_VERSION = "1.1.0";
export const AHEAD_VERSION = "1.2.0";

/** The commits the steps deploy: the snapshot, and changes made on top of it. */
export type Revision = "snapshot" | "code-change" | "prod-drift";

/** The project tag the code-only change sets (a resource property, not config). */
export const CHANGED_PROJECT_TAG = "atlas-platform";
/** The parity key the drift commit changes in Pulumi.prod.yaml only. */
export const DRIFT_KEY = "glueNumberOfWorkers";

export const REVISIONS: Record<Exclude<Revision, "snapshot">, { message: string; edits: FileEdits }> = {
    "code-change": {
        message: "a code-only change: the project tag of every resource",
        edits: { "src/program.ts": (text) => text.replace('const PROJECT_TAG = "atlas";', `const PROJECT_TAG = "${CHANGED_PROJECT_TAG}";`) },
    },
    "prod-drift": {
        message: `prod's ${DRIFT_KEY} drifts from staging's`,
        edits: {
            "Pulumi.prod.yaml": (text) =>
                text.replace(new RegExp(`^(\\s*atlas:${DRIFT_KEY}:\\s*)(\\d+)\\s*$`, "m"), (_, key: string, value: string) => `${key}${Number(value) + 1}`),
        },
    },
};

export type Expectation =
    | { outcome: "deployed"; /** A quiet release: neither the preview nor the update changes a resource. */ quiet?: true }
    | { outcome: "refused"; mentions: string[] };

interface StepBase {
    name: string;
    title: string;
    target: string;
}

/** `promote` of a revision, as a version, to the target. */
export interface PromoteStep extends StepBase {
    kind: "promote";
    version: string;
    revision: Revision;
    expect: Expectation;
}

/** A console edit in the stand-in's cloud (operations/console-edit.ts): a property changed, or the resource deleted. */
export interface ConsoleEditStep extends StepBase {
    kind: "console-edit";
    resource: string;
    change: { property: string; value: unknown } | "delete";
}

/** `npm run drift` of the target: which resources it must find drifted (none: the cloud is what the state says). */
export interface DriftStep extends StepBase {
    kind: "drift";
    expectDrifted: string[];
}

/** `pulumi refresh` of the target: the state takes what the cloud holds (drift recorded, to be repaired by an update). */
export interface RefreshStep extends StepBase {
    kind: "refresh";
}

/** `npm run dev-stack` of a developer's or review stack: made from dev's stack file, or destroyed and removed. */
export interface SandboxStep extends StepBase {
    kind: "sandbox";
    action: "create" | "destroy";
}

/** `npm run bootstrap -- up` of every bootstrap stack in order (bootstrap/: each account's CI roles, the state bucket and secrets keys). */
export interface BootstrapStep extends StepBase {
    kind: "bootstrap";
}

export type RehearsalStep = PromoteStep | ConsoleEditStep | DriftStep | RefreshStep | SandboxStep | BootstrapStep;

const DEPLOYED: Expectation = { outcome: "deployed" };
const QUIET: Expectation = { outcome: "deployed", quiet: true };
const promoteStep = (name: string, title: string, target: string, version: string, revision: Revision, expect: Expectation): PromoteStep => ({
    kind: "promote",
    name,
    title,
    target,
    version,
    revision,
    expect,
});

/** The version of the release that repeats the commit staging and prod run: nothing changes. */
export const QUIET_VERSION = "1.3.0";
/** The console edit the rehearsal makes in staging: the Glue job's timeout, raised behind Pulumi's back. */
export const STAGING_EDIT = { resource: "etl-job", property: "timeout", value: 240 } as const;
/** The console edit in prod: the pipeline's dashboard, deleted behind Pulumi's back. */
export const PROD_EDIT = { resource: "pipeline-dashboard" } as const;

/** A stack of the dev environment besides dev, through its whole life: create, deploy (judged as dev), destroy and remove. */
const sandboxLife = (stack: string, whose: string, command: string): RehearsalStep[] => [
    { kind: "sandbox", name: `${stack}-create`, title: `${whose}: npm run dev-stack -- ${command}`, target: stack, action: "create" },
    promoteStep(`${stack}-up`, `deploy ${whose} (dev's account and guardrails)`, stack, FIRST_VERSION, "snapshot", DEPLOYED),
    { kind: "sandbox", name: `${stack}-destroy`, title: `tear ${whose} down: npm run dev-stack -- ${command} --destroy`, target: stack, action: "destroy" },
];

export const STEPS: readonly RehearsalStep[] = [
    {
        kind: "bootstrap",
        name: "bootstrap",
        title: "bootstrap the accounts: npm run bootstrap -- up, every stack",
        target: "the accounts",
    },
    promoteStep("dev", "deploy dev", "dev", FIRST_VERSION, "snapshot", DEPLOYED),
    ...sandboxLife("dev-alice", "alice's own stack", "--name alice"),
    ...sandboxLife("pr-42", "pull request 42's review stack", "--pull-request 42"),
    promoteStep("prod-before-staging", "try prod before staging has the release", "prod", FIRST_VERSION, "snapshot", {
        outcome: "refused",
        mentions: ["staging has never been updated"],
    }),
    promoteStep("staging", "deploy staging", "staging", FIRST_VERSION, "snapshot", DEPLOYED),
    promoteStep("prod", "deploy prod after staging (first deployment: the candidate's pack judges)", "prod", FIRST_VERSION, "snapshot", DEPLOYED),
    promoteStep("staging-next", "deploy the next release to staging", "staging", SECOND_VERSION, "snapshot", DEPLOYED),
    promoteStep("prod-next", "deploy the next release to prod (judged by the pack prod runs)", "prod", SECOND_VERSION, "snapshot", DEPLOYED),
    promoteStep("prod-ahead", "try prod at a release staging never had", "prod", AHEAD_VERSION, "snapshot", {
        outcome: "refused",
        mentions: [SECOND_VERSION, AHEAD_VERSION],
    }),
    promoteStep("prod-code-only", "try a code-only change in prod under staging's version", "prod", SECOND_VERSION, "code-change", {
        outcome: "refused",
        mentions: ["commit", CHANGED_PROJECT_TAG],
    }),
    promoteStep("prod-drift", "try prod with config that drifts from staging", "prod", SECOND_VERSION, "prod-drift", {
        outcome: "refused",
        mentions: ["numberOfWorkers"],
    }),
    promoteStep("staging-change", "deploy the code change to staging", "staging", AHEAD_VERSION, "code-change", DEPLOYED),
    promoteStep("prod-change", "deploy the code change to prod, after staging", "prod", AHEAD_VERSION, "code-change", DEPLOYED),
    promoteStep("staging-rollback", "roll staging back to the previous release", "staging", SECOND_VERSION, "snapshot", DEPLOYED),
    promoteStep("prod-rollback", "roll prod back through staging", "prod", SECOND_VERSION, "snapshot", DEPLOYED),
    promoteStep("staging-quiet", "release the same commit to staging under a new version: nothing changes", "staging", QUIET_VERSION, "snapshot", QUIET),
    {
        kind: "console-edit",
        name: "staging-console-edit",
        title: `change ${STAGING_EDIT.resource}'s ${STAGING_EDIT.property} in staging's console, behind Pulumi's back`,
        target: "staging",
        resource: STAGING_EDIT.resource,
        change: { property: STAGING_EDIT.property, value: STAGING_EDIT.value },
    },
    { kind: "drift", name: "staging-drift", title: "find the console edit: drift check of staging", target: "staging", expectDrifted: [STAGING_EDIT.resource] },
    promoteStep("prod-staging-drifted", "try prod while staging's cloud has drifted from its release", "prod", QUIET_VERSION, "snapshot", {
        outcome: "refused",
        mentions: ["drifted", STAGING_EDIT.resource],
    }),
    { kind: "refresh", name: "staging-refresh", title: "record staging's drift (pulumi refresh)", target: "staging" },
    promoteStep("staging-reconcile", "put staging's cloud back: promote the release staging runs again", "staging", QUIET_VERSION, "snapshot", DEPLOYED),
    { kind: "drift", name: "staging-reconciled", title: "drift check of staging: none left", target: "staging", expectDrifted: [] },
    promoteStep("prod-quiet", "deploy the quiet release to prod: nothing changes", "prod", QUIET_VERSION, "snapshot", QUIET),
    {
        kind: "console-edit",
        name: "prod-console-edit",
        title: `delete ${PROD_EDIT.resource} in prod's console, behind Pulumi's back`,
        target: "prod",
        resource: PROD_EDIT.resource,
        change: "delete",
    },
    { kind: "drift", name: "prod-drift-found", title: "find the deletion: drift check of prod", target: "prod", expectDrifted: [PROD_EDIT.resource] },
    { kind: "refresh", name: "prod-refresh", title: "record prod's drift (pulumi refresh)", target: "prod" },
    promoteStep("prod-repair", "repair prod: promote the release prod runs again", "prod", QUIET_VERSION, "snapshot", DEPLOYED),
    { kind: "drift", name: "prod-repaired", title: "drift check of prod: none left", target: "prod", expectDrifted: [] },
];

/** One line for --list and the rehearsal's progress: what the step does and what must happen. */
export function describeStep(step: RehearsalStep): string {
    switch (step.kind) {
        case "promote":
            return `${step.target} @ ${step.version}, ${step.revision}; expect ${step.expect.outcome === "deployed" && step.expect.quiet ? "deployed, no resource changed" : step.expect.outcome}`;
        case "console-edit":
            return `${step.target}: ${step.resource} ${step.change === "delete" ? "deleted" : `${step.change.property} = ${JSON.stringify(step.change.value)}`} in the cloud only`;
        case "drift":
            return `${step.target}; expect ${step.expectDrifted.length === 0 ? "no drift" : `drift in ${step.expectDrifted.join(", ")}`}`;
        case "refresh":
            return `${step.target}: pulumi refresh`;
        case "sandbox":
            return `${step.target}: ${step.action === "create" ? "created from dev's stack file" : "destroyed, removed, stack file deleted"}`;
        case "bootstrap":
            return "CI roles per account, then the state bucket and secrets keys; judged by the bootstrap pack; expect deployed";
    }
}

/** The commit directory of each revision, its commits made on first use. */
export function checkoutsOf(repository: ReleaseRepository): Record<Revision, string> {
    const snapshot = repository.head;
    const made = Object.fromEntries(
        Object.entries(REVISIONS).map(([revision, { message, edits }]) => [revision, repository.checkoutAt(repository.commitEdits(snapshot, edits, message))]),
    );
    return { snapshot: repository.checkoutAt(snapshot), ...made } as Record<Revision, string>;
}

/** What a step needs: the stack source deploying each revision, and the stand-in's cloud for console edits. */
export interface RehearsalContext {
    sourceFor: (revision: Revision) => StackSource;
    cloud: CloudStore;
    /** The bootstrap stacks beside the release's stacks (same backend), run from the snapshot's bootstrap/. */
    bootstrapStacks: () => Promise<BootstrapStacks>;
}

export interface StepResult {
    step: RehearsalStep;
    /** A promote step's report; absent when the release tooling refused before any run. */
    report?: PromoteReport;
    /** The tooling's refusal before any run (e.g. staging has drifted), as it printed it. */
    refusal?: string;
    drift?: DriftReport;
    /** The bootstrap step's deployments, one per bootstrap stack it ran. */
    bootstrap?: BootstrapDeployment[];
    /** What a step that is neither printed as a report nor a drift check did, in one line. */
    note?: string;
    /** Why the outcome is not the expected one; empty when it is. */
    mismatches: string[];
}

/** Runs one step; an outcome other than the step's expectation is a mismatch, never an exception. */
export async function runStep(context: RehearsalContext, step: RehearsalStep, onOutput?: (line: string) => void): Promise<StepResult> {
    const snapshot = context.sourceFor("snapshot");
    switch (step.kind) {
        case "promote": {
            let report: PromoteReport | undefined;
            let refusal: string | undefined;
            try {
                report = await promote(context.sourceFor(step.revision), { target: step.target, version: step.version, onOutput });
            } catch (error) {
                if (!(error instanceof RefusedError)) {
                    throw error;
                }
                refusal = error.message;
            }
            return { step, report, refusal, mismatches: promoteMismatches(step.expect, report, refusal) };
        }
        case "console-edit": {
            const ref = { stack: step.target, resource: step.resource };
            const urn =
                step.change === "delete"
                    ? await deleteInCloud(context.cloud, snapshot, ref)
                    : (await editInCloud(context.cloud, snapshot, ref, step.change.property, step.change.value)).urn;
            return {
                step,
                note: `${urn}: ${step.change === "delete" ? "deleted" : `${step.change.property} set to ${JSON.stringify(step.change.value)}`} in the cloud; Pulumi's state unchanged`,
                mismatches: [],
            };
        }
        case "drift": {
            const drift = await detectDrift(snapshot, step.target);
            // As `npm run drift` does, so the status the rehearsal ends with shows the check.
            const unrecorded = await recordDrift(snapshot, drift);
            const found = drift.drifted.map((r) => logicalNameOf(r.urn)).sort();
            const expected = [...step.expectDrifted].sort();
            const mismatches =
                JSON.stringify(found) === JSON.stringify(expected) ? [] : [`expected drift in [${expected.join(", ")}], found it in [${found.join(", ")}]`];
            return { step, drift, mismatches: unrecorded ? [...mismatches, unrecorded] : mismatches };
        }
        case "refresh": {
            await snapshot.pulumi(["refresh", "--stack", step.target, "--yes", "--skip-preview", "--color", "never"]);
            return { step, note: `${step.target}'s state now holds what its cloud holds (recorded as a refresh in its history)`, mismatches: [] };
        }
        case "bootstrap": {
            const deployments = await deployEveryBootstrapStack(await context.bootstrapStacks(), { onOutput });
            const failed = deployments.find((d) => !d.succeeded);
            if (failed) {
                return { step, bootstrap: deployments, mismatches: [`expected every bootstrap stack to deploy:\n${formatDeployment(failed)}`] };
            }
            const created = deployments.reduce((sum, d) => sum + (d.update?.changes.create ?? 0), 0);
            return { step, bootstrap: deployments, note: `${deployments.map((d) => d.stack).join(", ")} deployed (${created} created)`, mismatches: [] };
        }
        case "sandbox": {
            const note = step.action === "create" ? await createSandboxStack(snapshot, step.target) : await destroySandboxStack(snapshot, step.target);
            const exists = await snapshot.exists(step.target);
            const mismatches = exists === (step.action === "create") ? [] : [`expected ${step.target} to ${step.action === "create" ? "exist" : "be gone"}`];
            return { step, note, mismatches };
        }
    }
}

function promoteMismatches(expect: Expectation, report: PromoteReport | undefined, refusal: string | undefined): string[] {
    if (expect.outcome === "deployed") {
        if (!report || !report.succeeded || !report.update) {
            return [`expected the release to deploy, but it did not${refusal ? ` (refused: ${refusal.split("\n")[0]})` : ""}`];
        }
        // What people review is the preview: it must say what the update then did.
        const planned = planMismatches(report.preview.changes, report.update.changes).map((line) => `the preview did not plan what the update did (${line})`);
        const noisy = expect.quiet ? [report.preview, report.update].filter((run) => Object.keys(changedResources(run)).length > 0) : [];
        return [
            ...planned,
            ...noisy.map((run) => `expected a quiet release, but its ${run.operation} changes resources: ${JSON.stringify(changedResources(run))}`),
        ];
    }
    const problems: string[] = [];
    if (report?.update) {
        problems.push("expected the release to be refused, but an update ran");
    }
    if (!refusal && !(report && refusedByPolicy(report.preview))) {
        problems.push(
            "expected a refusal (a mandatory policy, or the gate before any run), but there was none" +
                (report?.preview.errors.length ? " (the run failed otherwise)" : ""),
        );
    }
    const messages = [refusal ?? "", ...(report?.preview.violations.map((v) => v.message) ?? [])].join("\n");
    for (const word of expect.mentions) {
        if (!messages.includes(word)) {
            problems.push(`expected the refusal to mention "${word}"`);
        }
    }
    return problems;
}

/** A run's resource operations that change something: all but `same` and the stack references' `read`. */
export function changedResources(run: RunOutcome): Record<string, number> {
    return changingOperations(run.changes);
}

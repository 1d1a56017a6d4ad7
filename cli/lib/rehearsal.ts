/**
 * The release rehearsal: a scripted walk of releases through dev, staging and prod on the real
 * engine, where each step states the outcome the release strategy demands. Steps deploy commits
 * of a release repository (tools/offline/release-repository.ts): the snapshot of the working
 * tree, and commits made from it that a careless or hostile change would make.
 */
import { FileEdits, ReleaseRepository } from "../../tools/offline/release-repository";
import { planMismatches } from "../../tools/stand-in-aws/plan-fidelity";
import { PromoteReport, promote } from "./promote";
import { refusedByPolicy } from "./report";
import { StackSource } from "./stacks";

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
        edits: { "Pulumi.prod.yaml": (text) => text.replace(new RegExp(`^(\\s*atlas:${DRIFT_KEY}:\\s*)(\\d+)\\s*$`, "m"), (_, key: string, value: string) => `${key}${Number(value) + 1}`) },
    },
};

export type Expectation = { outcome: "deployed" } | { outcome: "refused"; mentions: string[] };

export interface RehearsalStep {
    name: string;
    title: string;
    target: string;
    version: string;
    revision: Revision;
    expect: Expectation;
}

const step = (name: string, title: string, target: string, version: string, revision: Revision, expect: Expectation): RehearsalStep => ({ name, title, target, version, revision, expect });
const DEPLOYED: Expectation = { outcome: "deployed" };

export const STEPS: readonly RehearsalStep[] = [
    step("dev", "deploy dev", "dev", FIRST_VERSION, "snapshot", DEPLOYED),
    step("prod-before-staging", "try prod before staging has the release", "prod", FIRST_VERSION, "snapshot", { outcome: "refused", mentions: ["staging has never been updated"] }),
    step("staging", "deploy staging", "staging", FIRST_VERSION, "snapshot", DEPLOYED),
    step("prod", "deploy prod after staging (first deployment: the candidate's pack judges)", "prod", FIRST_VERSION, "snapshot", DEPLOYED),
    step("staging-next", "deploy the next release to staging", "staging", SECOND_VERSION, "snapshot", DEPLOYED),
    step("prod-next", "deploy the next release to prod (judged by the pack prod runs)", "prod", SECOND_VERSION, "snapshot", DEPLOYED),
    step("prod-ahead", "try prod at a release staging never had", "prod", AHEAD_VERSION, "snapshot", { outcome: "refused", mentions: [SECOND_VERSION, AHEAD_VERSION] }),
    step("prod-code-only", "try a code-only change in prod under staging's version", "prod", SECOND_VERSION, "code-change", { outcome: "refused", mentions: ["commit", CHANGED_PROJECT_TAG] }),
    step("prod-drift", "try prod with config that drifts from staging", "prod", SECOND_VERSION, "prod-drift", { outcome: "refused", mentions: ["numberOfWorkers"] }),
    step("staging-change", "deploy the code change to staging", "staging", AHEAD_VERSION, "code-change", DEPLOYED),
    step("prod-change", "deploy the code change to prod, after staging", "prod", AHEAD_VERSION, "code-change", DEPLOYED),
    step("staging-rollback", "roll staging back to the previous release", "staging", SECOND_VERSION, "snapshot", DEPLOYED),
    step("prod-rollback", "roll prod back through staging", "prod", SECOND_VERSION, "snapshot", DEPLOYED),
];

/** The checkout directory of each revision, its commits made on first use. */
export function checkoutsOf(repository: ReleaseRepository): Record<Revision, string> {
    const snapshot = repository.head;
    const made = Object.fromEntries(
        Object.entries(REVISIONS).map(([revision, { message, edits }]) => [revision, repository.checkoutAt(repository.commitEdits(snapshot, edits, message))]),
    );
    return { snapshot: repository.checkoutAt(snapshot), ...made } as Record<Revision, string>;
}

export interface StepResult {
    step: RehearsalStep;
    report: PromoteReport;
    /** Why the outcome is not the expected one; empty when it is. */
    mismatches: string[];
}

/** Runs one step: promote the step's revision through `sourceFor(checkout)`. */
export async function runStep(sourceFor: (revision: Revision) => StackSource, step: RehearsalStep, onOutput?: (line: string) => void): Promise<StepResult> {
    const report = await promote(sourceFor(step.revision), { target: step.target, version: step.version, onOutput });
    return { step, report, mismatches: mismatches(step.expect, report) };
}

function mismatches(expect: Expectation, report: PromoteReport): string[] {
    if (expect.outcome === "deployed") {
        if (!report.succeeded || !report.update) {
            return ["expected the release to deploy, but it did not"];
        }
        // What people review is the preview: it must say what the update then did.
        return planMismatches(report.preview.changes, report.update.changes).map((line) => `the preview did not plan what the update did (${line})`);
    }
    const problems: string[] = [];
    if (report.update !== null) {
        problems.push("expected the policy pack to refuse the preview, but an update ran");
    }
    if (!refusedByPolicy(report.preview)) {
        problems.push("expected a mandatory policy violation, but there was none" + (report.preview.errors.length ? " (the run failed otherwise)" : ""));
    }
    const messages = report.preview.violations.map((v) => v.message).join("\n");
    for (const word of expect.mentions) {
        if (!messages.includes(word)) {
            problems.push(`expected the policy messages to mention "${word}"`);
        }
    }
    return problems;
}

/**
 * The release rehearsal: a scripted walk of one release through dev, staging and prod on the
 * real engine, where each step states the outcome the release strategy demands.
 */
import { Stack } from "@pulumi/pulumi/automation";
import { PromoteReport, promote } from "./promote";
import { refusedByPolicy } from "./report";
import { StackSource } from "./stacks";

export const FIRST_VERSION = "1.0.0";
export const SECOND_VERSION = "1.1.0";
export const AHEAD_VERSION = "1.2.0";
/** The parity key the drift step changes in prod only. */
export const DRIFT_KEY = "atlas:glueNumberOfWorkers";

export type Expectation = { outcome: "deployed" } | { outcome: "refused"; mentions: string[] };

export interface RehearsalStep {
    name: string;
    title: string;
    target: string;
    version: string;
    expect: Expectation;
    /** Changes the target's config for this step only; returns the undo. */
    arrange?: (stack: Stack) => Promise<() => Promise<void>>;
}

export const STEPS: readonly RehearsalStep[] = [
    { name: "dev", title: "deploy dev", target: "dev", version: FIRST_VERSION, expect: { outcome: "deployed" } },
    {
        name: "prod-before-staging",
        title: "try prod before staging has the release",
        target: "prod",
        version: FIRST_VERSION,
        expect: { outcome: "refused", mentions: ["staging"] },
    },
    { name: "staging", title: "deploy staging", target: "staging", version: FIRST_VERSION, expect: { outcome: "deployed" } },
    { name: "prod", title: "deploy prod after staging", target: "prod", version: FIRST_VERSION, expect: { outcome: "deployed" } },
    { name: "staging-next", title: "deploy the next release to staging", target: "staging", version: SECOND_VERSION, expect: { outcome: "deployed" } },
    { name: "prod-next", title: "deploy the next release to prod", target: "prod", version: SECOND_VERSION, expect: { outcome: "deployed" } },
    {
        name: "prod-ahead",
        title: "try prod at a release staging never had",
        target: "prod",
        version: AHEAD_VERSION,
        expect: { outcome: "refused", mentions: [SECOND_VERSION, AHEAD_VERSION] },
    },
    {
        name: "prod-drift",
        title: "try prod with config that drifts from staging",
        target: "prod",
        version: SECOND_VERSION,
        expect: { outcome: "refused", mentions: ["glueNumberOfWorkers"] },
        arrange: async (stack) => {
            const original = await stack.getConfig(DRIFT_KEY);
            await stack.setConfig(DRIFT_KEY, { value: String(Number(original.value) + 1) });
            return async () => stack.setConfig(DRIFT_KEY, original);
        },
    },
];

/**
 * The steps as they must end for a build of this working tree. A dirty tree's build is not
 * promotable, so every prod deployment must then be refused: the rehearsal shows that instead.
 */
export function stepsForBuild(promotable: boolean): RehearsalStep[] {
    return STEPS.map((step) =>
        !promotable && step.target === "prod" && step.expect.outcome === "deployed"
            ? { ...step, title: `${step.title} (refused: a dirty tree's build is not promotable)`, expect: { outcome: "refused", mentions: ["not promotable"] } }
            : step,
    );
}

export interface StepResult {
    step: RehearsalStep;
    report: PromoteReport;
    /** Why the outcome is not the expected one; empty when it is. */
    mismatches: string[];
}

export async function runStep(source: StackSource, step: RehearsalStep, onOutput?: (line: string) => void): Promise<StepResult> {
    const stack = await source.stack(step.target);
    const undo = step.arrange ? await step.arrange(stack) : undefined;
    try {
        const report = await promote(source, { target: step.target, version: step.version, onOutput });
        return { step, report, mismatches: mismatches(step.expect, report) };
    } finally {
        await undo?.();
    }
}

function mismatches(expect: Expectation, report: PromoteReport): string[] {
    if (expect.outcome === "deployed") {
        return report.succeeded ? [] : ["expected the release to deploy, but it did not"];
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

/**
 * The rehearsal as a person reads it: one line per step (what it did, what was expected, how long it took, how it
 * ended), the verdict of each refusal and each drift found under its step, and, when a step did not end as expected,
 * its whole report and the last lines of the engine's output. `--verbose` adds the engine's full output.
 */
import { changingOperations } from "../../../policy-pack/src/contract";
import { StepResult, describeStep } from "./rehearsal";
import { refusedByPolicy } from "../gate";

/** How many lines of a verdict (a policy message, a refusal) the story shows; `--verbose` shows all. */
export const VERDICT_LINES = 6;
/** How many lines of the engine's output a step that did not end as expected shows. */
export const TAIL_LINES = 40;

const INDENT = "      ";

/** `[ 3/26] deploy staging (staging @ 1.0.0, snapshot; expect deployed)`: the step before it ends. */
export function stepLabel(index: number, total: number, result: Pick<StepResult, "step">): string {
    const width = String(total).length;
    return `[${String(index + 1).padStart(width)}/${total}] ${result.step.title} (${describeStep(result.step)})`;
}

/** The step's line once it ended: `✔ [ 3/26] … → deployed (71 create) in 40.1s`. */
export function stepLine(index: number, total: number, result: StepResult, seconds: number): string {
    const mark = result.mismatches.length === 0 ? "✔" : "✘";
    return `${mark} ${stepLabel(index, total, result)} → ${stepOutcome(result)} in ${seconds.toFixed(1)}s`;
}

/** How the step ended, in a few words. */
export function stepOutcome(result: StepResult): string {
    const { report } = result;
    if (report) {
        if (report.succeeded) {
            return report.update ? `deployed (${describeChanges(report.update.changes)})` : "preview passed";
        }
        if (report.refusedBeforeUpdate) {
            return "refused by promote before the update";
        }
        if (report.update) {
            return refusedByPolicy(report.update) ? "REFUSED by policy during the update" : "update FAILED";
        }
        return refusedByPolicy(report.preview) ? "refused by policy at the preview" : "preview FAILED";
    }
    if (result.refusal) {
        return "refused by the gate before any run";
    }
    if (result.drift) {
        const { drifted, checkedResources } = result.drift;
        return drifted.length === 0 ? `no drift in ${checkedResources} resources` : `drift in ${drifted.length} of ${checkedResources} resources`;
    }
    if (result.step.kind === "bootstrap") {
        return result.note ?? "bootstrapped";
    }
    return result.step.kind === "refresh"
        ? "state refreshed from the cloud"
        : result.step.kind === "sandbox"
          ? result.step.action === "create"
              ? "created"
              : "destroyed and removed"
          : "done";
}

function describeChanges(changes: Record<string, number>): string {
    const changed = Object.entries(changingOperations(changes)).map(([op, count]) => `${count} ${op}`);
    return changed.length > 0 ? changed.join(", ") : "no resource changed";
}

/**
 * What the reader needs under the step line: the verdicts that refused it (each policy's message, the gate's
 * refusal), the drift found, and a console edit's resource; each at most `limit` lines.
 */
export function verdictLines(result: StepResult, limit: number = VERDICT_LINES): string[] {
    const lines: string[] = [];
    const { report } = result;
    const refusals = [report?.preview, report?.update].flatMap((outcome) => outcome?.violations.filter((v) => v.level === "mandatory") ?? []);
    for (const policy of [...new Set(refusals.map((v) => v.policy))]) {
        const [first, ...more] = refusals.filter((v) => v.policy === policy);
        lines.push(...capped(`[${first.level}] ${policy}: ${verdictOf(first.message)}`, limit));
        if (more.length > 0) {
            lines.push(`… and ${more.length} more refusal(s) by ${policy}, one per resource (--verbose lists them)`);
        }
    }
    if (report?.refusedBeforeUpdate) {
        lines.push(...capped(report.refusedBeforeUpdate, limit));
    }
    if (result.refusal) {
        lines.push(...capped(result.refusal, limit));
    }
    for (const drifted of result.drift?.drifted ?? []) {
        lines.push(
            ...(drifted.change === "deleted"
                ? [`${drifted.label}: deleted outside Pulumi`]
                : drifted.properties.map((p) => `${drifted.label} ${p.path}: state ${p.recorded}, cloud ${p.cloud}`)),
        );
    }
    if (result.step.kind === "console-edit" && result.note) {
        lines.push(result.note);
    }
    return lines.map((line) => INDENT + line);
}

/** A step that did not end as expected: why, and the last lines of the engine's output during it. */
export function unexpectedLines(result: StepResult, report: string, engineTail: readonly string[]): string[] {
    const lines = [`unexpected: ${result.mismatches.join("; ")}`, ...report.split("\n").filter((line) => line.trim() !== "")];
    if (engineTail.length > 0) {
        lines.push(
            `last ${engineTail.length} lines of the engine's output in this step (--verbose shows all of it):`,
            ...engineTail.map((line) => `│ ${line}`),
        );
    }
    return lines.map((line) => INDENT + line);
}

/** A policy message from its verdict on (`Refused for …`): the policy's description line above it is the same every time. */
function verdictOf(message: string): string {
    const lines = message.split("\n");
    const verdict = lines.findIndex((line) => /^(Refused|Would refuse) for /.test(line));
    return (verdict > 0 ? lines.slice(verdict) : lines).join("\n");
}

/** The text's first `limit` lines, and how many more there are. */
function capped(text: string, limit: number): string[] {
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    return lines.length <= limit ? lines : [...lines.slice(0, limit), `… ${lines.length - limit} more line(s) (--verbose shows all)`];
}

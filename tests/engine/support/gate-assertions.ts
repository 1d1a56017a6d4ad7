/**
 * Assertions of the release-gate engine tests: which policies refused, what they said, whether a promotion
 * deployed. Every failure message shows the run as `describeRun` does (command, exit code, verdicts, the last
 * lines of the engine's output), never a whole transcript.
 */
import { strict as assert } from "assert";
import { describeRun } from "../../../cli/lib/gate/promote-report";
export { changedResources } from "../../../cli/lib/rehearsal/rehearsal";
import type { Promotion, RunOutcome } from "./offline-release";

/** A commit's edit of one file: replaces `from` (which must occur) with `to`. */
export type Edit = (text: string) => string;

export const replacing =
    (from: string | RegExp, to: string): Edit =>
    (text) => {
        const edited = text.replace(from, to);
        if (edited === text) {
            throw new Error(`the edit no longer matches: ${String(from)}`);
        }
        return edited;
    };

export const compose =
    (...edits: Edit[]): Edit =>
    (text) =>
        edits.reduce((t, edit) => edit(t), text);

/** A run as a failure message shows it; "(no run)" where none ran. */
export function show(outcome: RunOutcome | null | undefined): string {
    return outcome ? describeRun(outcome) : "(no run)";
}

/** A promotion as a failure message shows it: its preview and its update. */
export function showPromotion(promotion: Promotion): string {
    return `preview:\n${show(promotion.preview)}\nupdate:\n${show(promotion.update)}`;
}

/** The policies that refused (mandatory violations), sorted. */
export function mandatory(outcome: RunOutcome): string[] {
    return [...new Set(outcome.violations.filter((v) => v.level === "mandatory").map((v) => v.policy))].sort();
}

/** Mandatory messages of one policy (empty when it did not refuse). */
export function refusal(outcome: RunOutcome, policy: string): string {
    return outcome.violations
        .filter((v) => v.policy === policy && v.level === "mandatory")
        .map((v) => v.message)
        .join("\n");
}

/** The messages of `policy` at `level`; fails when it said nothing. */
export function messageOf(outcome: RunOutcome, policy: string, level = "mandatory"): string {
    const found = outcome.violations.filter((v) => v.policy === policy && v.level === level);
    assert.ok(found.length > 0, `expected a ${level} ${policy} violation; got:\n${show(outcome)}`);
    return found.map((v) => v.message).join("\n");
}

export function assertDeployed(promotion: Promotion, what: string): void {
    assert.equal(promotion.preview.succeeded, true, `${what}: the preview failed:\n${show(promotion.preview)}`);
    assert.ok(promotion.update, `${what}: no update ran`);
    assert.equal(promotion.update.succeeded, true, `${what}: the update failed:\n${show(promotion.update)}`);
    assert.deepEqual(mandatory(promotion.update), [], `${what}: a mandatory violation in the update:\n${show(promotion.update)}`);
}

export function assertRefused(promotion: Promotion, policies: string[], what: string): void {
    assert.equal(promotion.update, null, `${what}: an update ran after the preview:\n${show(promotion.update)}`);
    assert.deepEqual(mandatory(promotion.preview), [...policies].sort(), `${what}: refused by exactly these policies:\n${show(promotion.preview)}`);
}

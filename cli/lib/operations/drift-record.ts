/**
 * A drift check people can see later: `npm run drift` (and the rehearsal's checks) record their verdict as the stack
 * tag `atlas:drift`, which `npm run status` reads without refreshing. A tag changes neither the state nor the history.
 * It is a record for people, never the gate's evidence: anyone who can write the backend can write it, so prod's
 * promote always runs its own refresh preview of staging.
 */
import { DriftReport } from "./drift";
import { StackSource } from "../stacks";

export const DRIFT_STACK_TAG = "atlas:drift";

export interface DriftRecord {
    /** When the check finished (ISO time, to the second). */
    at: string;
    /** Resources found drifted. */
    drifted: number;
    /** Resources the check read. */
    checked: number;
}

const RECORD = /^at=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) drifted=(\d+) checked=(\d+)$/;

/** `at=2026-12-04T16:30:00Z drifted=1 checked=68`: readable in `pulumi stack tag ls`, parsed by status. */
export function driftRecordOf(report: DriftReport): string {
    return `at=${report.checkedAt.replace(/\.\d+Z$/, "Z")} drifted=${report.drifted.length} checked=${report.checkedResources}`;
}

/** The record a tag holds, or undefined for a tag no check of this tooling wrote. */
export function parseDriftRecord(value: string | undefined): DriftRecord | undefined {
    const match = value === undefined ? null : RECORD.exec(value.trim());
    return match ? { at: match[1], drifted: Number(match[2]), checked: Number(match[3]) } : undefined;
}

/**
 * Records a finished check's verdict on its stack. Resolves to a warning when the backend refused the write (a
 * read-only role): the check's verdict stands, only status will not show it.
 */
export async function recordDrift(source: StackSource, report: DriftReport): Promise<string | undefined> {
    try {
        const stack = await source.stack(report.stack);
        await stack.setTag(DRIFT_STACK_TAG, driftRecordOf(report));
        return undefined;
    } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split("\n").find((line) => /error/i.test(line)) ?? String(error);
        return `the verdict was not recorded as the stack tag ${DRIFT_STACK_TAG} (${reason.trim().slice(0, 200)}), so npm run status will not show this check; to fix: run the check with credentials that may write ${report.stack}'s stack tags (pulumi stack tag set --stack ${report.stack} ${DRIFT_STACK_TAG} …)`;
    }
}

/** The tag's value read back, or undefined where the stack has none (or the backend cannot be read). */
export async function readDriftRecord(source: StackSource, stack: string): Promise<{ record?: DriftRecord; unreadable?: string }> {
    let value: string | undefined;
    try {
        const tags = JSON.parse(await source.pulumi(["stack", "tag", "ls", "--json", "--stack", stack])) as Record<string, string>;
        value = tags[DRIFT_STACK_TAG];
    } catch {
        return {};
    }
    if (value === undefined) {
        return {};
    }
    const record = parseDriftRecord(value);
    return record ? { record } : { unreadable: `its ${DRIFT_STACK_TAG} tag is not a drift check's record: ${JSON.stringify(value.slice(0, 80))}` };
}

/**
 * Reading a stack's update history to decide which release it runs now. The release tooling
 * uses this to choose which entries to pass on; the policy pack uses it again to judge them.
 *
 * A stack runs a release when the newest operation that changed its state is a successful update
 * recorded by `promote` (its message carries the release identity). Operations that changed
 * nothing — a nightly `pulumi refresh` that found no drift, an update that failed before any
 * step — never hide it; any later change does (a destroy, a partial failure, an import, a
 * refresh that found drift, an update not made by promote).
 */
import { Parsed, describeType } from "./release-facts";
import { ReleaseIdentity, describeIdentity, parseReleaseMessage } from "./release-identity";

/** One entry of `pulumi stack history --json`, as much as the gate needs. */
export interface HistoryEntry {
    kind: string;
    result: string;
    message: string;
    /** Operation counts, e.g. {create: 3, same: 40}; empty when nothing ran. */
    resourceChanges: Record<string, number>;
    startTime: string;
}

/** Counts that leave a resource's state as it was. */
const UNCHANGING = new Set(["same", "read"]);

export function changedResources(entry: Pick<HistoryEntry, "resourceChanges">): number {
    return Object.values(changingOperations(entry.resourceChanges ?? {})).reduce((sum, count) => sum + count, 0);
}

/** The operation counts that change a resource (all but `same` and `read`), e.g. {update: 2}. */
export function changingOperations(counts: Readonly<Record<string, number>>): Record<string, number> {
    return Object.fromEntries(Object.entries(counts).filter(([operation, count]) => !UNCHANGING.has(operation) && count > 0));
}

/** True when the operation may have changed the stack's state (an unfinished one always may). */
export function isStateChange(entry: HistoryEntry): boolean {
    return entry.result === "in-progress" || changedResources(entry) > 0;
}

/** Operations after which the resource is in the stack's state (a replacement counts once, as `replace`). */
const LIVE_AFTER = new Set(["same", "create", "update", "replace", "read", "import"]);

/** The number of resources the stack's state holds after a successful update with these counts. */
export function resourcesAfter(entry: Pick<HistoryEntry, "resourceChanges">): number {
    return Object.entries(entry.resourceChanges ?? {})
        .filter(([operation]) => LIVE_AFTER.has(operation))
        .reduce((sum, [, count]) => sum + count, 0);
}

export type RunningRelease = { runs: true; identity: ReleaseIdentity; entry: HistoryEntry } | { runs: false; problem: string; fix: string };

/**
 * The release a stack runs, from its state-changing history entries, newest first (as the
 * tooling passes them: `stateChangesUntilRelease`).
 */
export function runningRelease(stack: string, changes: readonly HistoryEntry[], redeploy: string): RunningRelease {
    const [newest] = changes;
    if (!newest) {
        return { runs: false, problem: `${stack} has never been updated`, fix: `deploy the release to ${stack} first (${redeploy})` };
    }
    if (isReleaseUpdate(newest)) {
        return { runs: true, identity: parseReleaseMessage(newest.message)!.identity, entry: newest };
    }
    const lastRelease = changes.filter(isReleaseUpdate).map((entry) => ({ entry, recorded: parseReleaseMessage(entry.message) }))[0];
    const after = lastRelease?.recorded ? ` after release ${describeIdentity(lastRelease.recorded.identity)}` : "";
    const fix = `redeploy the release to ${stack} (${redeploy}) so it runs exactly one release again, then promote`;
    return {
        runs: false,
        problem: `${stack} no longer runs a known release: its newest change (${describeEntry(newest)})${after} ${consequence(newest)}`,
        fix,
    };
}

/**
 * Keeps the entries the gate judges by, newest first: state changes, up to and including the
 * newest successful release update — even one that changed nothing, since a successful update
 * leaves the stack as its release declares it.
 */
export function stateChangesUntilRelease(entries: readonly HistoryEntry[]): { changes: HistoryEntry[]; done: boolean } {
    const changes: HistoryEntry[] = [];
    for (const entry of entries) {
        const release = isReleaseUpdate(entry);
        if (release || isStateChange(entry)) {
            changes.push(entry);
        }
        if (release) {
            return { changes, done: true };
        }
    }
    return { changes, done: false };
}

/** A successful update `promote` recorded (its message carries the release identity). */
export function isReleaseUpdate(entry: HistoryEntry): boolean {
    return entry.kind === "update" && entry.result === "succeeded" && parseReleaseMessage(entry.message) !== undefined;
}

function describeEntry(entry: HistoryEntry): string {
    const counts = Object.entries(entry.resourceChanges ?? {})
        .filter(([op, n]) => !UNCHANGING.has(op) && n > 0)
        .map(([op, n]) => `${n} ${op}`);
    const message = entry.message ? `, message "${entry.message.slice(0, 80)}"` : "";
    return `${entry.kind} ${entry.result} at ${entry.startTime}${counts.length ? `: ${counts.join(", ")}` : ""}${message}`;
}

function consequence(entry: HistoryEntry): string {
    if (entry.result === "in-progress") {
        return "has not finished, so its state is unknown";
    }
    if (entry.result !== "succeeded") {
        return "failed part-way, so its resources are a mix of releases";
    }
    switch (entry.kind) {
        case "destroy":
            return "removed resources";
        case "refresh":
            return "found drift and rewrote its state";
        case "import":
            return "imported resources";
        case "update":
            return "was not made by `promote`, so which code it ran is not recorded";
        default:
            return `is a ${entry.kind} that changed its state`;
    }
}

/** Reads history entries from untrusted data (policy config); every problem is reported. */
export function parseHistoryEntries(value: unknown, what: string): Parsed<HistoryEntry[]> {
    if (!Array.isArray(value)) {
        return { ok: false, problems: [`${what} should be a list of history entries (got ${describeType(value)})`] };
    }
    const problems: string[] = [];
    value.forEach((entry, index) => {
        const e = entry as Partial<Record<keyof HistoryEntry, unknown>> | null;
        const countsOk =
            e?.resourceChanges !== null &&
            typeof e?.resourceChanges === "object" &&
            Object.values(e.resourceChanges as object).every((n) => Number.isInteger(n) && n >= 0);
        if (!e || typeof e.kind !== "string" || typeof e.result !== "string" || typeof e.message !== "string" || typeof e.startTime !== "string" || !countsOk) {
            problems.push(`${what}[${index}] should be {kind, result, message, startTime, resourceChanges: {operation: count}}`);
        }
    });
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value as HistoryEntry[] };
}

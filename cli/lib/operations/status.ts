/**
 * What runs where: for every environment, the release its stack runs (from its own history, as `release-of` reads it),
 * its last operation and that operation's result, parity with its upstream (the deployed comparison of
 * `parity --deployed`), and the newest drift check since the release (the atlas:drift tag `npm run drift` writes, or
 * a refresh in the history). Each environment is read on its own: a missing
 * stack, a failed update or an unreadable state is that environment's row, never the whole report's failure.
 */
import {
    changedResources,
    ENVIRONMENTS,
    HistoryEntry,
    isReleaseUpdate,
    ReleaseIdentity,
    runningRelease,
    stateChangesUntilRelease,
    UPSTREAM_OF,
} from "../../../policy-pack/src/contract";
import { compareDeployedStacks } from "./deployed-parity";
import { DriftRecord, readDriftRecord } from "./drift-record";
import { readHistory, StackSource } from "../stacks";
import { markdownCell, markdownTable, textTable } from "../kit";

export interface LastOperation {
    /** `update`, `refresh`, `destroy`, … as `pulumi stack history` names it. */
    kind: string;
    /** `succeeded`, `failed`, `in-progress`. */
    result: string;
    /** When it started (ISO time, as the history records it). */
    at: string;
}

export interface ParityStatus {
    /** The environment this one is promoted from; null when it has none (nothing to be at parity with). */
    upstream: string | null;
    /** Null when there is no upstream or the comparison could not run (`note` says why). */
    atParity: boolean | null;
    differences: number | null;
    note?: string;
}

export interface DriftStatus {
    /** False when no drift check is recorded since the release (`npm run drift`'s atlas:drift tag, or a refresh). */
    checked: boolean;
    drifted: boolean | null;
    /** When the newest recorded check ran. */
    at?: string;
    note: string;
}

export interface EnvironmentStatus {
    environment: string;
    /** The stack's fully qualified name (`organization/atlas/prod`) once found; the environment's name until then. */
    stack: string;
    /** True when the stack exists in the backend. */
    exists: boolean;
    release: ReleaseIdentity | null;
    lastOperation: LastOperation | null;
    parity: ParityStatus;
    drift: DriftStatus;
    /** What is wrong, with its fix; absent when the stack runs a known release and its last operation succeeded. */
    problem?: string;
}

export interface StatusReport {
    /** Where the stacks were read: the backend or the offline workspace. */
    source: string;
    environments: EnvironmentStatus[];
    /** False when not one stack could even be looked for (not logged in, no backend): the report is all problems. */
    backendReachable: boolean;
}

const NO_CHECK = "not checked";
const UNLISTED = "cannot list the stacks";

/** The status of every environment, in promotion order. */
export async function readStatus(source: StackSource): Promise<StatusReport> {
    const environments = await Promise.all(ENVIRONMENTS.map((environment) => environmentStatus(source, environment)));
    return { source: source.description, environments, backendReachable: environments.some((row) => !row.problem?.startsWith(UNLISTED)) };
}

async function environmentStatus(source: StackSource, environment: string): Promise<EnvironmentStatus> {
    const upstream = UPSTREAM_OF[environment as keyof typeof UPSTREAM_OF] ?? null;
    const row: EnvironmentStatus = {
        environment,
        stack: environment,
        exists: false,
        release: null,
        lastOperation: null,
        parity: { upstream, atParity: null, differences: null, note: upstream ? undefined : "no upstream" },
        drift: { checked: false, drifted: null, note: NO_CHECK },
    };
    try {
        row.exists = await source.exists(environment);
    } catch (error) {
        return { ...row, problem: `${UNLISTED}: ${reason(error)}; to fix: log in to the backend (pulumi login) or pass --workspace` };
    }
    if (!row.exists) {
        row.parity = { ...row.parity, note: upstream ? "no stack" : row.parity.note };
        return {
            ...row,
            problem: `no stack "${environment}" in ${source.description}; to fix: create it (pulumi stack init ${environment}) and promote a release to it`,
        };
    }
    let history: HistoryEntry[];
    try {
        row.stack = await source.qualified(environment);
        history = await readHistory(source, row.stack, (entries) => stateChangesUntilRelease(entries).done);
    } catch (error) {
        return {
            ...row,
            problem: `its history cannot be read: ${reason(error)}; to fix: check access to the backend (pulumi stack history --stack ${environment})`,
        };
    }
    const [newest] = history;
    row.lastOperation = newest ? { kind: newest.kind, result: newest.result, at: toSeconds(newest.startTime) } : null;
    const running = runningRelease(environment, stateChangesUntilRelease(history).changes, `npm run promote -- --stack ${environment} --version <version>`);
    row.release = running.runs ? running.identity : null;
    row.drift = driftOf(history, await readDriftRecord(source, row.stack));
    const problems: string[] = [];
    if (!running.runs) {
        problems.push(`${running.problem}; to fix: ${running.fix}`);
    } else if (newest && newest.result !== "succeeded") {
        problems.push(
            `its last ${newest.kind} ${newest.result === "in-progress" ? "has not finished" : newest.result} at ${toSeconds(newest.startTime)}, changing no resource, so it still runs ${running.identity.version}; to fix: read why in pulumi stack history --stack ${environment}, then promote again`,
        );
    }
    if (upstream) {
        row.parity = await parityWith(source, upstream, row.stack);
    }
    return problems.length > 0 ? { ...row, problem: problems.join("; ") } : row;
}

async function parityWith(source: StackSource, upstream: string, stack: string): Promise<ParityStatus> {
    try {
        if (!(await source.exists(upstream))) {
            return { upstream, atParity: null, differences: null, note: `no stack ${upstream}` };
        }
        const comparison = await compareDeployedStacks(source, await source.qualified(upstream), stack);
        const differences = comparison.differences.length;
        return { upstream, atParity: differences === 0, differences, note: `${comparison.resourcesCompared} resources compared` };
    } catch (error) {
        return { upstream, atParity: null, differences: null, note: `not compared: ${reason(error)}` };
    }
}

/**
 * The newest drift check since the stack's release: a check `npm run drift` recorded (the stack's atlas:drift tag), or
 * a refresh in the history (one that changed the state found drift, one that changed nothing found none). A check
 * from before the release says nothing of what the release deployed.
 */
export function driftOf(history: readonly HistoryEntry[], recorded: { record?: DriftRecord; unreadable?: string } = {}): DriftStatus {
    const release = history.findIndex(isReleaseUpdate);
    const releasedAt = release === -1 ? "" : toSeconds(history[release].startTime);
    const sinceRelease = release === -1 ? history : history.slice(0, release);
    const refresh = sinceRelease.find((entry) => entry.kind === "refresh" && entry.result === "succeeded");
    const checks: DriftStatus[] = [];
    if (refresh) {
        const changed = changedResources(refresh);
        checks.push({
            checked: true,
            drifted: changed > 0,
            at: toSeconds(refresh.startTime),
            note: changed > 0 ? `drift in ${changed} resource(s), recorded by a refresh` : "none (refresh)",
        });
    }
    const record = recorded.record;
    if (record && record.at >= releasedAt) {
        checks.push({
            checked: true,
            drifted: record.drifted > 0,
            at: record.at,
            note: record.drifted > 0 ? `drift in ${record.drifted} resource(s)` : "no drift",
        });
    }
    const [newest] = checks.sort((a, b) => b.at!.localeCompare(a.at!));
    return newest ?? { checked: false, drifted: null, note: recorded.unreadable ? `${NO_CHECK} (${recorded.unreadable})` : NO_CHECK };
}

/** `2026-12-03T06:11:15.000Z` → `2026-12-03T06:11:15Z`. */
function toSeconds(time: string): string {
    return time.replace(/\.\d+Z$/, "Z");
}

function reason(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    return (lines.find((line) => /error/i.test(line)) ?? lines[0] ?? "unknown error").trim().slice(0, 300);
}

function releaseCell(row: EnvironmentStatus): string {
    return row.release ? row.release.version : !row.exists ? "(no stack)" : row.lastOperation ? "(none known)" : "(never deployed)";
}

function commitCell(row: EnvironmentStatus): string {
    return row.release ? row.release.commit.slice(0, 12) : "-";
}

function lastChangeCell(row: EnvironmentStatus): string {
    return row.lastOperation ? `${row.lastOperation.kind} at ${row.lastOperation.at}` : "-";
}

/** `✔ at parity with staging`, `✘ 3 differences from staging`, `? …`, or `-` without an upstream. */
export function parityCell(parity: ParityStatus): string {
    if (!parity.upstream) {
        return "-";
    }
    if (parity.atParity === null) {
        return `? ${parity.note ?? "unknown"}`;
    }
    return parity.atParity ? `✔ at parity with ${parity.upstream}` : `✘ ${parity.differences} difference(s) from ${parity.upstream}`;
}

function driftCell(drift: DriftStatus): string {
    return drift.at ? `${drift.note} at ${drift.at}` : drift.note;
}

function cells(row: EnvironmentStatus): string[] {
    return [
        row.environment,
        row.exists ? row.stack : "(missing)",
        releaseCell(row),
        commitCell(row),
        lastChangeCell(row),
        row.lastOperation?.result ?? "-",
        parityCell(row.parity),
        driftCell(row.drift),
    ];
}

const HEADER = ["environment", "stack", "release", "commit", "last change", "result", "parity", "drift"];

function problems(report: StatusReport): string[] {
    return report.environments.filter((row) => row.problem).map((row) => `${row.environment}: ${row.problem}`);
}

export function statusTable(report: StatusReport): string {
    const lines = [`status of ${report.source}`, textTable([HEADER.map((h) => h.toUpperCase()), ...report.environments.map(cells)])];
    const found = problems(report);
    if (found.length > 0) {
        lines.push("", ...found.map((problem) => `  ${problem}`));
    }
    return lines.join("\n");
}

/** A Mermaid flowchart of the environments in promotion order, each labelled with its release and parity mark. */
export function statusMermaid(report: StatusReport): string[] {
    const label = (row: EnvironmentStatus) => {
        const mark = !row.parity.upstream ? "" : row.parity.atParity === null ? " ?" : row.parity.atParity ? " ✔ parity" : ` ✘ ${row.parity.differences} diff`;
        return `${row.environment}["${row.environment}<br/>${releaseCell(row).replace(/"/g, "'")}${mark}"]`;
    };
    const nodes = report.environments.map(label);
    return ["```mermaid", "flowchart LR", `    ${nodes.join(" --> ")}`, "```"];
}

export function statusMarkdown(report: StatusReport): string {
    const lines = [
        "### Release status",
        "",
        ...statusMermaid(report),
        "",
        ...markdownTable(
            HEADER,
            report.environments.map((row) => cells(row).map((cell, i) => (i === 3 && row.release ? `\`${cell}\`` : cell))),
        ),
    ];
    const found = problems(report);
    if (found.length > 0) {
        lines.push("", ...found.map((problem) => `- ${markdownCell(problem)}`));
    }
    lines.push("", `Read from ${report.source}.`);
    return lines.join("\n");
}

/**
 * Reads a stack's history and checkpoint through the Pulumi CLI, as the gate's evidence: the
 * whole history when needed (a nightly refresh adds an entry every day, so "the newest ten" is
 * not enough), and the checkpoint without decrypting anything unless it holds secrets.
 */
import { CheckpointResource, HistoryEntry, holdsSecrets } from "../../../policy-pack/src/contract";
import { StackSource } from "./stack-source";

const PAGE_SIZE = 50;

/** A malformed answer from the CLI or the backend: the evidence cannot be read (exit 3). */
export class StackReadError extends Error {}

/**
 * History entries, newest first, page by page until `enough` says the entries so far suffice
 * (or the history ends). Secrets in the recorded config are never requested.
 */
export async function readHistory(source: StackSource, stack: string, enough: (entries: readonly HistoryEntry[]) => boolean): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (let page = 1; ; page++) {
        const text = await source.pulumi(["stack", "history", "--json", "--page-size", String(PAGE_SIZE), "--page", String(page), "--stack", stack]);
        const batch = parseJson(text, `pulumi stack history of ${stack}`) as unknown[] | null;
        if (!Array.isArray(batch) || batch.length === 0) {
            return entries;
        }
        entries.push(...batch.map((raw) => historyEntry(raw, stack)));
        if (batch.length < PAGE_SIZE || enough(entries)) {
            return entries;
        }
    }
}

/** The checkpoint's resources; secrets in plain text only when there are any (to digest them). */
export async function readCheckpoint(source: StackSource, stack: string): Promise<CheckpointResource[]> {
    const exported = async (showSecrets: boolean) => {
        const text = await source.pulumi(["stack", "export", "--stack", stack, ...(showSecrets ? ["--show-secrets"] : [])]);
        const document = parseJson(text, `pulumi stack export of ${stack}`) as { deployment?: { resources?: CheckpointResource[] } };
        return document?.deployment?.resources ?? [];
    };
    const resources = await exported(false);
    return holdsSecrets(resources) ? exported(true) : resources;
}

function historyEntry(raw: unknown, stack: string): HistoryEntry {
    const entry = raw as Partial<Record<keyof HistoryEntry, unknown>>;
    if (typeof entry?.kind !== "string" || typeof entry.result !== "string") {
        throw new StackReadError(`pulumi stack history of ${stack} returned an entry without kind or result: ${JSON.stringify(raw).slice(0, 200)}`);
    }
    return {
        kind: entry.kind,
        result: entry.result,
        message: typeof entry.message === "string" ? entry.message : "",
        resourceChanges: (entry.resourceChanges ?? {}) as Record<string, number>,
        startTime: typeof entry.startTime === "string" ? entry.startTime : "",
    };
}

function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new StackReadError(`${what} did not return JSON: ${text.slice(0, 200)}`);
    }
}

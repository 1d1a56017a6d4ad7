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

/** The engine's sentinel for a value a preview cannot know (pkg/resource/plugin's UnknownStringValue), as `--json` prints it. */
export const PLANNED_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The resources the stack would hold after an update of the checkout's program, from the engine's plan
 * (`pulumi preview --json --show-sames`, no policy pack): each step's new state. Without --show-sames the
 * CLI leaves unchanged resources out of the steps, so the plan is checked against the engine's own count
 * (its change summary) and refused when it holds fewer. Values the preview cannot know are PLANNED_UNKNOWN.
 */
export async function readPlan(source: StackSource, stack: string): Promise<Plan> {
    await source.stack(stack); // brings the project files the CLI reads to the checkout's (an offline workspace's are synced here)
    const text = await source.pulumi(["preview", "--json", "--show-sames", "--stack", stack]);
    const plan = parseJson(text, `pulumi preview --json of ${stack}`) as {
        steps?: { op?: string; urn?: string; newState?: CheckpointResource }[];
        changeSummary?: Record<string, number>;
        config?: Record<string, string>;
    } | null;
    if (!Array.isArray(plan?.steps)) {
        throw new StackReadError(`pulumi preview --json of ${stack} returned no steps`);
    }
    const held = plan.steps.filter((step) => HELD_AFTER.has(step.op ?? "") && step.newState !== undefined);
    const planned = new Set(held.map((step) => step.urn)).size;
    const counted = Object.entries(plan.changeSummary ?? {})
        .filter(([op]) => SUMMARISED_HELD.has(op))
        .reduce((sum, [, count]) => sum + count, 0);
    if (planned !== counted) {
        throw new StackReadError(
            `the plan of ${stack} lists ${planned} resource(s) the update would keep or make, but the engine counts ${counted}; ` +
                `refusing to report on part of it (is this Pulumi CLI's preview --json output different?)`,
        );
    }
    return { resources: held.map((step) => step.newState!), config: plan.config ?? {} };
}

/** What a preview plans: the resources after the update, and the stack's config (secrets shown as "[secret]"). */
export interface Plan {
    resources: CheckpointResource[];
    config: Record<string, string>;
}

/** The step kinds after which a resource exists: unchanged, created, updated, replaced or imported (reads are not counted). */
const HELD_AFTER = new Set(["same", "create", "update", "replace", "create-replacement", "import", "import-replacement"]);
/** The change summary's names for the same resources: one per resource (a replacement counts once, as "replace"). */
const SUMMARISED_HELD = new Set(["same", "create", "update", "replace", "import", "import-replacement"]);

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

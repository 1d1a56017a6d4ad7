/**
 * Resource options the engine acts on but never shows a policy: `retainOnDelete` (a deleted
 * resource stays in the cloud), `replaceOnChanges` (which changes replace it) and
 * `deleteBeforeReplace`. A prod-only value of one of them is a prod-only behaviour, so the release
 * tooling compares them with staging's checkpoint itself, where the engine shows them:
 *
 * - `retainOnDelete`: each step of prod's preview carries it (`new.retainOnDelete`), so it is
 *   compared before the update;
 * - `replaceOnChanges`: only the checkpoint records it, so it is compared right after the update;
 * - `deleteBeforeReplace`: recorded in no checkpoint (a plan holds prod's, nothing holds
 *   staging's), so it cannot be compared — a residual docs/trust-model.md names.
 */
import { Difference } from "./compare";
import { labelOf } from "./resources";

export interface EngineOnlyOptions {
    retainOnDelete: boolean;
    replaceOnChanges: readonly string[];
}

/** An option of a resource as a step event or a checkpoint entry carries it. */
export interface OptionsEntry {
    urn: string;
    type: string;
    retainOnDelete?: boolean;
    replaceOnChanges?: readonly string[];
    /** The inputs, where the entry has them (a step's new state, a checkpoint entry): read for properties no policy sees. */
    inputs?: Record<string, unknown>;
    /** Pending deletions and reads are not what the stack runs. */
    delete?: boolean;
    external?: boolean;
}

export type OptionName = keyof EngineOnlyOptions;

/** A resource's place in any stack of the project: its URN without the stack's name. */
export function placeOf(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts.slice(1).join("::") : urn;
}

export function engineOnlyOptionsOf(entries: readonly OptionsEntry[]): Map<string, EngineOnlyOptions & { type: string }> {
    const options = new Map<string, EngineOnlyOptions & { type: string }>();
    for (const entry of entries.filter((e) => !e.delete && !e.external)) {
        options.set(placeOf(entry.urn), {
            type: entry.type,
            retainOnDelete: entry.retainOnDelete === true,
            replaceOnChanges: [...(entry.replaceOnChanges ?? [])].sort(),
        });
    }
    return options;
}

/**
 * Where prod's options differ from staging's for a resource both run (a resource only prod runs is
 * staging-prod-parity's to judge), for the options named.
 */
export function compareEngineOnlyOptions(
    staging: ReadonlyMap<string, EngineOnlyOptions & { type: string }>,
    prod: ReadonlyMap<string, EngineOnlyOptions & { type: string }>,
    compared: readonly OptionName[],
): Difference[] {
    const differences: Difference[] = [];
    for (const [place, p] of [...prod].sort(([a], [b]) => a.localeCompare(b))) {
        const s = staging.get(place);
        if (!s) {
            continue;
        }
        for (const option of compared) {
            const [a, b] = [JSON.stringify(s[option]), JSON.stringify(p[option])];
            if (a !== b) {
                differences.push({ resource: labelOf({ type: p.type, urn: place }), path: `(${option})`, staging: a, prod: b });
            }
        }
    }
    return differences;
}

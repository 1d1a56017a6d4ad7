import { createHash } from "crypto";

/** JSON with object keys sorted at every depth, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function digestOf(value: unknown): string {
    return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

/**
 * Stands in for a secret value wherever it is compared or recorded: equal secrets give equal
 * stand-ins, and the secret itself is never written to outputs, messages or reports.
 */
export function secretStandIn(value: unknown): string {
    return `[secret ${digestOf(value).slice(0, 19)}]`;
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
        }
        return sorted;
    }
    return value;
}

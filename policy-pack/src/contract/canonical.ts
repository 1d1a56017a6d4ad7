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

/** True when two JSON values are equal (object keys in any order). Stops at the first difference. */
export function sameJson(a: unknown, b: unknown): boolean {
    if (a === b) {
        return true;
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object" || Array.isArray(a) !== Array.isArray(b)) {
        return false;
    }
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) {
        return false;
    }
    return keys.every((key) => Object.prototype.hasOwnProperty.call(y, key) && sameJson(x[key], y[key]));
}

/**
 * Sets an own property, whatever its name: `record["__proto__"] = value` would set the prototype instead, and the
 * property would vanish from a comparison or a digest (a tag named `__proto__` is a value like any other).
 */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            setOwn(sorted, key, sortKeys((value as Record<string, unknown>)[key]));
        }
        return sorted;
    }
    return value;
}

/**
 * The forms values take when staging's state and prod's plan are compared. Both sides are plain
 * JSON (the staging side travels as policy config), so values that are not plain data carry a
 * marker: a secret as its digest (never its plain text), an asset as its content hash, a value
 * unknown during preview as such, and a JSON document inside a string as its parsed form.
 */
import { canonicalJson, digestOf, setOwn } from "../canonical";

export { setOwn };

export const SECRET = "atlas:secret";
export const ASSET = "atlas:asset";
export const UNKNOWN = "atlas:unknown";
export const JSON_TEXT = "atlas:json";

export type Marked = { [SECRET]: string } | { [ASSET]: string } | { [UNKNOWN]: true } | { [JSON_TEXT]: unknown };

export function secretValue(plain: unknown): { [SECRET]: string } {
    return { [SECRET]: digestOf(plain) };
}

export function assetValue(hash: string): { [ASSET]: string } {
    return { [ASSET]: hash };
}

export const UNKNOWN_VALUE: { [UNKNOWN]: true } = { [UNKNOWN]: true };

const MARKERS: readonly string[] = [SECRET, ASSET, UNKNOWN, JSON_TEXT];

/** The marker a value carries, if it is one of the forms above. */
export function markerOf(value: unknown): string | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return undefined;
    }
    // Called on every object parity compares: the common answer (no marker) allocates nothing.
    const marker = MARKERS.find((key) => Object.prototype.hasOwnProperty.call(value, key));
    if (marker === undefined) {
        return undefined;
    }
    let count = 0;
    for (const key in value) {
        if (Object.prototype.hasOwnProperty.call(value, key) && ++count > 1) {
            return undefined;
        }
    }
    return marker;
}

export function isUnknown(value: unknown): boolean {
    return markerOf(value) === UNKNOWN;
}

/** True when the value is, or contains, a value unknown during preview. */
export function containsUnknown(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
        return false;
    }
    if (isUnknown(value)) {
        return true;
    }
    for (const key in value) {
        if (Object.prototype.hasOwnProperty.call(value, key) && containsUnknown((value as Record<string, unknown>)[key])) {
            return true;
        }
    }
    return false;
}

const MAX_PRINTED = 160;

/** A short, secret-free rendering for messages. */
export function printable(value: unknown): string {
    if (value === undefined) {
        return "(absent)";
    }
    switch (markerOf(value)) {
        case SECRET:
            return `[secret ${(value as { [SECRET]: string })[SECRET].slice(0, 19)}]`;
        case ASSET:
            return `[file content ${(value as { [ASSET]: string })[ASSET].slice(0, 12)}]`;
        case UNKNOWN:
            return "(unknown until the update)";
        case JSON_TEXT:
            return truncate(`JSON ${canonicalJson(stripMarkers((value as { [JSON_TEXT]: unknown })[JSON_TEXT]))}`);
        default:
            return truncate(canonicalJson(stripMarkers(value)));
    }
}

/** Replaces markers below the top with their printable forms, so nested secrets stay hidden. */
function stripMarkers(value: unknown): unknown {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (markerOf(value) !== undefined) {
        return printable(value);
    }
    if (Array.isArray(value)) {
        return value.map(stripMarkers);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stripMarkers(item)]));
}

function truncate(text: string): string {
    return text.length <= MAX_PRINTED ? text : `${text.slice(0, MAX_PRINTED - 1)}…`;
}

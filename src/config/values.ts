/**
 * Turns one raw config string (as Pulumi passes it to the program) into a typed value, or says
 * what is wrong with it.
 */
import { KeySpec } from "./schema";

export type Parsed = { ok: true; value: unknown } | { ok: false; found: string };

export function parseValue(spec: KeySpec, raw: string): Parsed {
    const found = spec.secret ? "a value (hidden, it is a secret)" : JSON.stringify(raw);
    const value = decode(spec, raw);
    if (value === undefined || !withinSpec(spec, value)) {
        return { ok: false, found };
    }
    return { ok: true, value };
}

/** Words for what a key accepts, used in messages. */
export function expectation(spec: KeySpec): string {
    switch (spec.type) {
        case "boolean":
            return "true or false";
        case "array":
            return `a list of ${spec.patternHint ?? "strings"}`;
        case "integer":
            if (spec.enum) {
                return `one of ${spec.enum.join(", ")}`;
            }
            return `an integer from ${spec.min} to ${spec.max}`;
        case "string":
            if (spec.enum) {
                return `one of ${spec.enum.map((v) => JSON.stringify(v)).join(", ")}`;
            }
            return spec.patternHint ?? "a string";
    }
}

function decode(spec: KeySpec, raw: string): unknown {
    switch (spec.type) {
        case "string":
            return raw;
        case "integer":
            return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
        case "boolean":
            return raw === "true" ? true : raw === "false" ? false : undefined;
        case "array":
            return decodeStringList(raw);
    }
}

function decodeStringList(raw: string): string[] | undefined {
    try {
        const list: unknown = JSON.parse(raw);
        return Array.isArray(list) && list.every((item) => typeof item === "string") ? list : undefined;
    } catch {
        return undefined;
    }
}

function withinSpec(spec: KeySpec, value: unknown): boolean {
    if (spec.enum && !spec.enum.includes(value as string | number)) {
        return false;
    }
    if (typeof value === "number" && ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))) {
        return false;
    }
    const pattern = spec.pattern;
    if (pattern) {
        const strings = Array.isArray(value) ? (value as string[]) : [value as string];
        return strings.every((s) => pattern.test(s));
    }
    return true;
}

/**
 * Values the cloud generates differ between any two stacks, even ones deployed from the same
 * code: a KMS key's id inside its ARN, an auto-name's random suffix, an object's version id.
 * They are identities of resources, not settings, so parity pairs them up: where a computed
 * output of a resource holds a token in one stack and another token in the other, and the token
 * occurs nowhere in that resource's own settings, both tokens stand for "the same generated
 * value" everywhere in their stack (a dependent's `kmsKeyId`, a policy's `Resource`).
 *
 * Tokens are runs of letters, digits, `_`, `.` and `-`; anything else (`:`, `/`, quotes) ends one.
 */
import { markerOf, JSON_TEXT } from "./values";

export const TOKEN = /[A-Za-z0-9_.-]+/g;
/** Shorter differing tokens are more likely settings (a count, a flag) than generated ids. */
export const MIN_GENERATED_LENGTH = 6;

export class GeneratedValues {
    private readonly staging = new Map<string, string>();
    private readonly prod = new Map<string, string>();

    /**
     * Pairs the differing tokens of one computed value (already environment-normalised), unless
     * they are settings (the sets are made only when a token differs).
     */
    pair(stagingValue: unknown, prodValue: unknown, stagingSettings: () => ReadonlySet<string>, prodSettings: () => ReadonlySet<string>): void {
        if (stagingValue === prodValue) {
            return; // every token the same: nothing generated differs here
        }
        if (typeof stagingValue === "string" && typeof prodValue === "string") {
            const [a, b] = [stagingValue.match(TOKEN) ?? [], prodValue.match(TOKEN) ?? []];
            if (a.length !== b.length || stagingValue.replace(TOKEN, "") !== prodValue.replace(TOKEN, "")) {
                return; // shaped differently: not the same value with other ids
            }
            a.forEach((token, i) => {
                if (
                    token !== b[i] &&
                    token.length >= MIN_GENERATED_LENGTH &&
                    b[i].length >= MIN_GENERATED_LENGTH &&
                    !stagingSettings().has(token) &&
                    !prodSettings().has(b[i])
                ) {
                    this.add(token, b[i]);
                }
            });
            return;
        }
        if (stagingValue === null || prodValue === null || typeof stagingValue !== "object" || typeof prodValue !== "object") {
            return;
        }
        if (markerOf(stagingValue) === JSON_TEXT && markerOf(prodValue) === JSON_TEXT) {
            this.pair((stagingValue as Record<string, unknown>)[JSON_TEXT], (prodValue as Record<string, unknown>)[JSON_TEXT], stagingSettings, prodSettings);
            return;
        }
        for (const key of Object.keys(stagingValue)) {
            if (key in prodValue) {
                this.pair((stagingValue as Record<string, unknown>)[key], (prodValue as Record<string, unknown>)[key], stagingSettings, prodSettings);
            }
        }
    }

    /** A whole generated name on each side (an auto-name). */
    add(stagingToken: string, prodToken: string): void {
        if (this.staging.has(stagingToken) || this.prod.has(prodToken)) {
            return; // first pairing wins; a conflicting one shows up as a difference
        }
        const placeholder = `<generated-${this.staging.size + 1}>`;
        this.staging.set(stagingToken, placeholder);
        this.prod.set(prodToken, placeholder);
    }

    stagingString(text: string): string {
        return substitute(text, this.staging);
    }

    prodString(text: string): string {
        return substitute(text, this.prod);
    }
}

/** TOKEN for `exec` loops (its own `lastIndex`; nothing else runs while a loop is under way). */
const TOKEN_SCAN = new RegExp(TOKEN.source, "g");

/** The text with each token found in `tokens` replaced; the text itself when none is (the common case, built without copying). */
function substitute(text: string, tokens: ReadonlyMap<string, string>): string {
    if (tokens.size === 0) {
        return text;
    }
    const scan = TOKEN_SCAN;
    scan.lastIndex = 0;
    let result: string | undefined;
    let copied = 0;
    for (let found = scan.exec(text); found !== null; found = scan.exec(text)) {
        const placeholder = tokens.get(found[0]);
        if (placeholder !== undefined) {
            result = (result ?? "") + text.slice(copied, found.index) + placeholder;
            copied = found.index + found[0].length;
        }
    }
    return result === undefined ? text : result + text.slice(copied);
}

/** Every token in a value's strings (a resource's settings), to tell settings from generated values. */
export function tokensOf(value: unknown, into: Set<string> = new Set()): Set<string> {
    if (typeof value === "string") {
        for (const token of value.match(TOKEN) ?? []) {
            into.add(token);
        }
    } else if (value !== null && typeof value === "object") {
        for (const item of Object.values(value)) {
            tokensOf(item, into);
        }
    }
    return into;
}

/** How an auto-name ends: a dash and 7 hex digits. */
export const AUTO_NAME_SUFFIX = /-[0-9a-f]{7}$/;

/** `<logical name>-<7 hex>`: the name the AWS provider generates when a program names none. */
export function isAutoName(value: unknown, logicalName: string): value is string {
    return typeof value === "string" && value.length === logicalName.length + 8 && value.startsWith(`${logicalName}-`) && AUTO_NAME_SUFFIX.test(value);
}

/**
 * IAM's wildcard patterns (`*` any run of characters, `?` one character), as in Action and Resource
 * elements: matching a name, telling whether two patterns share a value, and whether one pattern
 * holds every value of another.
 */

function source(pattern: string, star: string, one: string): string {
    return pattern
        .split("")
        .map((c) => (c === "*" ? star : c === "?" ? one : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
}

/**
 * Each pattern's expression, built once per pack run: a stack's documents name a few dozen patterns, matched
 * against every catalogue action and resource (building them anew was a tenth of a prod preview's pack CPU).
 */
const compiled = new Map<string, RegExp>();

function expression(pattern: string, star: string, one: string, flags: string): RegExp {
    const key = `${flags}\0${star}\0${one}\0${pattern}`;
    let regExp = compiled.get(key);
    if (!regExp) {
        regExp = new RegExp(`^${source(pattern, star, one)}$`, flags);
        compiled.set(key, regExp);
    }
    return regExp;
}

/** True when `value` (a plain name or ARN) matches `pattern`. Action names compare case-insensitively. */
export function matches(pattern: string, value: string, ignoreCase = false): boolean {
    return expression(pattern, "[\\s\\S]*", "[\\s\\S]", ignoreCase ? "i" : "").test(value);
}

/** True when every value `inner` matches, `outer` matches too (conservative: false when unsure). */
export function covers(outer: string, inner: string): boolean {
    // Read inner literally: outer's `*` may absorb inner's wildcards; outer's `?` stands for one plain character only.
    return expression(outer, "[\\s\\S]*", "[^*?]", "").test(inner);
}

/** True when some value matches both patterns. */
export function overlaps(a: string, b: string): boolean {
    const memo = new Map<number, boolean>();
    const at = (i: number, j: number): boolean => {
        const key = i * (b.length + 1) + j;
        const known = memo.get(key);
        if (known !== undefined) {
            return known;
        }
        let result: boolean;
        if (i === a.length && j === b.length) {
            result = true;
        } else if (a[i] === "*") {
            result = at(i + 1, j) || (j < b.length && at(i, j + 1));
        } else if (b[j] === "*") {
            result = at(i, j + 1) || (i < a.length && at(i + 1, j));
        } else {
            result = i < a.length && j < b.length && (a[i] === "?" || b[j] === "?" || a[i] === b[j]) && at(i + 1, j + 1);
        }
        memo.set(key, result);
        return result;
    };
    return at(0, 0);
}

/** Levenshtein distance, case-insensitive: how far a misspelt action is from a real one. */
export function editDistance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[y.length];
}

/**
 * The `release` output every Atlas stack exports, and the `upstreamRelease` output through which
 * the prod program carries staging's (policies see the root stack's outputs, but not
 * StackReference reads). These are the program's own statements: the gate uses them only to
 * check that prod references staging, never as evidence of what staging runs (that comes from
 * staging's state and history, read by the release tooling).
 *
 * This module is part of the contract between the program, the policy pack and the release
 * commands. It has no dependencies beyond Node so that all three can import it.
 */
export const RELEASE_FORMAT = "atlas.release/v2";

/** Root stack outputs: what this stack deployed, and the upstream release it references. */
export const RELEASE_OUTPUT = "release";
export const UPSTREAM_RELEASE_OUTPUT = "upstreamRelease";
export const UPSTREAM_STACK_OUTPUT = "upstreamStack";

/** What a stack says it deployed. Exported as the stack output `release`. */
export interface ReleaseFacts {
    format: typeof RELEASE_FORMAT;
    project: string;
    stack: string;
    environment: string;
    version: string;
    /** The commit and digest promote measured (ATLAS_RELEASE_COMMIT/_DIGEST); null for a local run. */
    commit: string | null;
    digest: string | null;
}

/** The result of reading facts from untrusted data: the facts, or every problem found. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const REQUIRED_STRINGS = ["project", "stack", "environment", "version"] as const;

/**
 * Reads release facts from an untrusted value (a stack output). Fails closed: anything missing,
 * malformed or of another format is a problem that says what was expected. `what` names the
 * source in messages, e.g. "prod's `upstreamRelease` output".
 */
export function parseReleaseFacts(value: unknown, what: string): Parsed<ReleaseFacts> {
    if (value === undefined || value === null) {
        return { ok: false, problems: [`${what} is missing`] };
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, problems: [`${what} is not an object (got ${describeType(value)})`] };
    }
    const record = value as Record<string, unknown>;
    if (record.format !== RELEASE_FORMAT) {
        const found = record.format === undefined ? "no format field" : `format ${JSON.stringify(record.format)}`;
        return { ok: false, problems: [`${what} has ${found}; expected format "${RELEASE_FORMAT}" (redeploy that stack with this release's program)`] };
    }
    const problems = REQUIRED_STRINGS.filter((field) => typeof record[field] !== "string" || record[field] === "").map(
        (field) => `${what}: field "${field}" should be a non-empty string (got ${describeType(record[field])})`,
    );
    for (const field of ["commit", "digest"] as const) {
        if (record[field] !== null && typeof record[field] !== "string") {
            problems.push(`${what}: field "${field}" should be a string or null (got ${describeType(record[field])})`);
        }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: record as unknown as ReleaseFacts };
}

export function describeType(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    return typeof value === "object" ? "a map" : typeof value;
}

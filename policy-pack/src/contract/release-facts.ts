/**
 * The release facts every Atlas stack exports as its `release` output, and the
 * `upstreamRelease` output through which the prod program carries staging's facts to the
 * policy pack (policies see the root stack's outputs, but not StackReference reads).
 *
 * This module is the contract between the program, the policy pack and the release
 * commands. It has no dependencies beyond Node so that all three can import it.
 */
import { digestOf } from "./canonical";
import { isEnvironmentSpecificRole } from "./environment-keys";

export const RELEASE_FORMAT = "atlas.release/v1";

/** Root stack outputs: what this stack deployed, and the upstream facts it was promoted on. */
export const RELEASE_OUTPUT = "release";
export const UPSTREAM_RELEASE_OUTPUT = "upstreamRelease";
export const UPSTREAM_STACK_OUTPUT = "upstreamStack";

export type ParityValue = string | number | boolean | string[];

/** What a stack deployed. Exported as the stack output `release`. */
export interface ReleaseFacts {
    format: typeof RELEASE_FORMAT;
    project: string;
    stack: string;
    environment: string;
    version: string;
    /** False for local builds from a dirty tree or without a CI-assigned version. */
    promotable: boolean;
    /** Parity-relevant config (every key not environment-specific); secrets as stand-ins. */
    parityConfig: Record<string, ParityValue>;
    /** digestOf(parityConfig). */
    configDigest: string;
    /** Sorted `type::name` of every tracked resource, environment-specific roles included. */
    resources: string[];
    /** digestOf(the resources that are not environment-specific). */
    resourcesDigest: string;
}

/** Release facts without the resource list. */
export type ReleaseSummary = Omit<ReleaseFacts, "resources">;

/** Resource types that are bookkeeping rather than platform shape. */
const UNTRACKED_TYPES = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"]);

export function isTrackedType(type: string): boolean {
    return !UNTRACKED_TYPES.has(type) && !type.startsWith("pulumi:providers:");
}

export function resourceRole(type: string, name: string): string {
    return `${type}::${name}`;
}

/** The role's logical name, the part environment-specific patterns are matched against. */
export function roleName(role: string): string {
    return role.slice(role.lastIndexOf("::") + 2);
}

export function parityResources(resources: readonly string[]): string[] {
    return [...resources].filter((role) => !isEnvironmentSpecificRole(roleName(role))).sort();
}

export function resourcesDigestOf(resources: readonly string[]): string {
    return digestOf(parityResources(resources));
}


/** The result of reading facts from untrusted data: the facts, or every problem found. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const SUMMARY_FIELDS: Record<keyof ReleaseSummary, "string" | "boolean" | "object"> = {
    format: "string",
    project: "string",
    stack: "string",
    environment: "string",
    version: "string",
    promotable: "boolean",
    parityConfig: "object",
    configDigest: "string",
    resourcesDigest: "string",
};

/**
 * Reads release facts from an untrusted value (a stack output or policy config).
 * Fails closed: anything missing, malformed or of another format is a problem that says
 * what was expected. `what` names the source in messages, e.g. "staging's `release` output".
 */
export function parseReleaseSummary(value: unknown, what: string): Parsed<ReleaseSummary> {
    if (value === undefined || value === null) {
        return { ok: false, problems: [`${what} is missing`] };
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, problems: [`${what} is not an object (got ${describeType(value)})`] };
    }
    const record = value as Record<string, unknown>;
    if (record.format !== RELEASE_FORMAT) {
        const found = record.format === undefined ? "no format field" : `format ${JSON.stringify(record.format)}`;
        return {
            ok: false,
            problems: [`${what} has ${found}; expected format "${RELEASE_FORMAT}" (redeploy that stack with this release's program)`],
        };
    }
    const problems: string[] = [];
    for (const [field, type] of Object.entries(SUMMARY_FIELDS)) {
        const actual = record[field];
        if (typeof actual !== type || actual === null || (type === "string" && actual === "")) {
            problems.push(`${what}: field "${field}" should be a ${type === "object" ? "map" : type === "string" ? "non-empty string" : type} (got ${describeType(actual)})`);
        }
    }
    if (problems.length === 0 && !/^sha256:[0-9a-f]{64}$/.test(record.configDigest as string)) {
        problems.push(`${what}: field "configDigest" is not a sha256 digest`);
    }
    if (problems.length === 0 && digestOf(record.parityConfig) !== record.configDigest) {
        problems.push(`${what}: "configDigest" does not match its "parityConfig" (the facts were altered)`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: record as unknown as ReleaseSummary };
}

/** As parseReleaseSummary, and also requires the resource list that matches its digest. */
export function parseReleaseFacts(value: unknown, what: string): Parsed<ReleaseFacts> {
    const summary = parseReleaseSummary(value, what);
    if (!summary.ok) {
        return summary;
    }
    const resources = (value as Record<string, unknown>).resources;
    if (!Array.isArray(resources) || !resources.every((r) => typeof r === "string")) {
        return { ok: false, problems: [`${what}: field "resources" should be a list of strings (got ${describeType(resources)})`] };
    }
    if (resourcesDigestOf(resources) !== summary.value.resourcesDigest) {
        return { ok: false, problems: [`${what}: "resourcesDigest" does not match its "resources" (the facts were altered)`] };
    }
    return { ok: true, value: { ...summary.value, resources: [...resources] } };
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

/**
 * What the release tooling hands the policy pack for a prod update (policy config), read from
 * the staging stack itself and measured from git — never taken from the program being deployed:
 * - `promotion`, under every release-gate policy: the candidate's identity, staging's
 *   state-changing history up to its last release, and how many resources its state holds;
 * - `stagingState`, under the parity policies only: every resource staging runs, with the inputs
 *   it was deployed with, and both environments' values of the environment-specific keys.
 */
import { ComparedResource } from "./desired-state/resources";
import { EnvironmentValues } from "./desired-state/environment";
import { Parsed, describeType } from "./release-facts";
import { ReleaseIdentity, parseReleaseIdentity } from "./release-identity";
import { HistoryEntry, parseHistoryEntries } from "./stack-history";

export const EVIDENCE_FORMAT = "atlas.promotion/v2";

export interface PromotionEvidence {
    format: typeof EVIDENCE_FORMAT;
    /** The stack being updated, fully qualified: `organization/atlas/prod`. */
    targetStack: string;
    /** The staging stack read, fully qualified: `organization/atlas/staging`. */
    stagingStack: string;
    /** The release being deployed, as the tooling measured it from the checkout. */
    candidate: ReleaseIdentity;
    /** The checkout's directory: the program's, against which its relative file paths (assets) resolve. */
    candidateDirectory: string;
    /** Staging's state-changing history entries, newest first, up to and including its newest release update. */
    stagingChanges: HistoryEntry[];
    /** The number of resources in staging's state (its checkpoint) now. */
    stagingResourceCount: number;
}

export interface StagingStateEvidence {
    /** Each environment's values of the environment-specific config keys (from the release's stack files). */
    environments: { staging: EnvironmentValues; prod: EnvironmentValues };
    /** Staging's resources as its checkpoint records them. */
    resources: ComparedResource[];
}

export function parsePromotionEvidence(value: unknown, what: string): Parsed<PromotionEvidence> {
    const record = asRecord(value);
    if (!record) {
        return { ok: false, problems: [`${what} should be a map (got ${describeType(value)})`] };
    }
    if (record.format !== EVIDENCE_FORMAT) {
        return {
            ok: false,
            problems: [
                `${what} has format ${JSON.stringify(record.format ?? null)}; this pack reads "${EVIDENCE_FORMAT}" (the release tooling and the judging pack are of different releases)`,
            ],
        };
    }
    const problems: string[] = [];
    for (const field of ["targetStack", "stagingStack"] as const) {
        if (typeof record[field] !== "string" || !/^[^/]+\/[^/]+\/[^/]+$/.test(record[field] as string)) {
            problems.push(`${what}.${field} should be a fully qualified stack name (got ${JSON.stringify(record[field] ?? null)})`);
        }
    }
    if (typeof record.candidateDirectory !== "string" || !record.candidateDirectory.startsWith("/")) {
        problems.push(`${what}.candidateDirectory should be the checkout's absolute path (got ${JSON.stringify(record.candidateDirectory ?? null)})`);
    }
    const candidate = parseReleaseIdentity(record.candidate, `${what}.candidate`);
    const changes = parseHistoryEntries(record.stagingChanges, `${what}.stagingChanges`);
    problems.push(...(candidate.ok ? [] : candidate.problems), ...(changes.ok ? [] : changes.problems));
    if (!Number.isInteger(record.stagingResourceCount) || (record.stagingResourceCount as number) < 0) {
        problems.push(`${what}.stagingResourceCount should be a count (got ${JSON.stringify(record.stagingResourceCount ?? null)})`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: record as unknown as PromotionEvidence };
}

export function parseStagingState(value: unknown, what: string): Parsed<StagingStateEvidence> {
    const record = asRecord(value);
    const environments = asRecord(record?.environments);
    const problems: string[] = [];
    if (!environments || !asRecord(environments.staging) || !asRecord(environments.prod)) {
        problems.push(`${what}.environments should be {staging: {...}, prod: {...}}`);
    }
    const resources = record?.resources;
    if (!Array.isArray(resources) || !resources.every(isComparedResource)) {
        problems.push(`${what}.resources should be a list of {urn, type, custom, inputs, computed, dependencies, propertyDependencies, protect}`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: record as unknown as StagingStateEvidence };
}

function isComparedResource(value: unknown): boolean {
    const r = asRecord(value);
    return (
        r !== undefined &&
        typeof r.urn === "string" &&
        typeof r.type === "string" &&
        typeof r.custom === "boolean" &&
        asRecord(r.inputs) !== undefined &&
        (r.computed === undefined || asRecord(r.computed) !== undefined) &&
        Array.isArray(r.dependencies) &&
        asRecord(r.propertyDependencies) !== undefined &&
        typeof r.protect === "boolean"
    );
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

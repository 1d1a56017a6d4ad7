/**
 * Two releases compared field by field, worded for messages: a stack's own report of its release
 * (ReleaseFacts, whose commit and digest are null for a local run) or the release the tooling
 * measured from git (ReleaseIdentity).
 */
import { ReleaseFacts } from "./contract/release-facts";

/** The fields that name a release. */
export type ReleaseFields = Pick<ReleaseFacts, "version" | "commit" | "digest">;

const FIELDS = ["version", "commit", "digest"] as const;

/** How much of each field a message shows: a version whole, a commit and a digest (`sha256:` + 12 hex) as git abbreviates. */
const SHOWN_LENGTH: Record<(typeof FIELDS)[number], number> = { version: Infinity, commit: 12, digest: 19 };

/** One field in which two releases differ, each value as a message shows it. */
export interface FieldDifference {
    field: (typeof FIELDS)[number];
    left: string;
    right: string;
}

/** Each field in which `left` and `right` differ, in the order version, commit, digest. */
export function releaseDifferences(left: ReleaseFields, right: ReleaseFields): FieldDifference[] {
    return FIELDS.filter((field) => left[field] !== right[field]).map((field) => ({
        field,
        left: shown(left[field], right[field], SHOWN_LENGTH[field]),
        right: shown(right[field], left[field], SHOWN_LENGTH[field]),
    }));
}

/** One side of the differences: `version 1.0.0, commit 0123456789ab`. */
export function describeSide(differences: FieldDifference[], side: "left" | "right"): string {
    return differences.map((difference) => `${difference.field} ${difference[side]}`).join(", ");
}

/** Abbreviated, unless the abbreviation would hide the difference (a forged digest that shares the shown prefix). */
function shown(value: string | null, other: string | null, length: number): string {
    if (value === null) {
        return "(none recorded)";
    }
    return other !== null && value.slice(0, length) === other.slice(0, length) ? value : value.slice(0, length);
}

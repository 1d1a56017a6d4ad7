/**
 * What a pull-request check found, sorted for a reader: the findings every pull request has until the upstream
 * runs its commit (expected), the differences between what the upstream and the promoted stack would run (read
 * back from the parity policies' lists, each worded by the contract's describeDifference), and the rest, which
 * need a person. Pure: the policies' messages and promote's report in, classified findings out.
 */
import { Difference, describeDifference, PromotionSides, RELEASE_GATE_POLICIES } from "../../../policy-pack/src/contract";

/** How the pull-request comment shows a finding. */
export type FindingKind =
    /** A mandatory violation, or promote's own refusal: the check failed. */
    | "refusal"
    /** A release-gate finding every pull request has until the upstream runs its commit: one line, not a paragraph. */
    | "expected"
    /** A parity finding whose every listed difference was read: shown once, in the differences. */
    | "parity"
    /** Anything else the release gate would refuse (a pack change, a drifted upstream, values parity cannot compare). */
    | "attention"
    /** An advisory policy's advice (a cost limit): shown, never blocking. */
    | "advice"
    /** Informational notes (parity's coverage list): in the full report only. */
    | "note";

export interface CheckFinding {
    /** The policy, or `promote` for the gate's own checks (before the preview, or of what no policy sees). */
    policy: string;
    /** The level it was reported at in this run. */
    level: string;
    kind: FindingKind;
    /** Its first line, without the `Refused for stack "…": ` prefix. */
    summary: string;
    /** The whole message, as the pack (or promote) wrote it. */
    message: string;
}

/** Policies that only advise, whose findings inform rather than warn. */
const NOTE_POLICIES: readonly string[] = ["staging-prod-parity-coverage"];

/** The parity policies, whose findings list differences one per line (staging-prod-parity*.ts). */
const PARITY_POLICIES: readonly string[] = ["staging-prod-parity", "staging-prod-parity-at-step"];

/**
 * The release-gate findings of a commit the upstream does not run yet, as the policies word them
 * (prod-release-matches-staging.ts; prod-references-staging.ts, checkDeployed): the release prod would deploy is not
 * the one staging runs. Other findings of these policies (a misnamed upstream, a release output that claims a release
 * staging never ran) are not expected.
 */
const WAITING_FINDINGS: Readonly<Record<string, RegExp>> = {
    "prod-release-matches-staging": /^\S+ would deploy release .+ but \S+ runs .+: the [a-z, ]+ differs?\b/,
    "prod-references-staging": /^\S+'s StackReference reads \S+'s `release` at .+, but \S+ deploys .+/,
};

const FINDING_PREFIX = /^(Refused|Advice|Would refuse) for (stack "[^"]*"|this stack)( \(advisory in this run\))?: /;

/**
 * The finding's own first line, without the kit's `Refused for stack "prod": ` (or advisory) prefix. The engine
 * reports a policy's violation as its description, then the message: the description line is skipped.
 */
export function summaryOf(message: string): string {
    const lines = message.split("\n");
    const line = lines.find((l) => FINDING_PREFIX.test(l)) ?? lines[0];
    return line.replace(FINDING_PREFIX, "").replace(/:$/, "");
}

/** The differences a parity finding lists (`  - <describeDifference>`), and how many lines were not differences. */
export function differencesListed(message: string, sides: PromotionSides): { differences: Difference[]; unread: number } {
    const differences: Difference[] = [];
    let unread = 0;
    const lines = message.split("\n");
    // The kit ends a finding's problem with a full stop (policy-kit.ts, formatFinding): on the last listed line, before
    // `To fix:`. No printed value ends in one (values are JSON, or words in parentheses or brackets).
    const fixAt = lines.findIndex((l) => l.startsWith("To fix:"));
    if (fixAt > 0 && lines[fixAt - 1].startsWith("  - ")) {
        lines[fixAt - 1] = lines[fixAt - 1].replace(/\.$/, "");
    }
    for (const line of lines.filter((l) => l.startsWith("  - "))) {
        const difference = parseDifference(line.slice(4), sides);
        if (difference) {
            differences.push(difference);
        } else {
            unread++; // `… and 12 more`, or a line of another shape: the finding stays in view
        }
    }
    return { differences, unread };
}

/**
 * describeDifference read back: `aws:glue/job:Job "etl-job" numberOfWorkers: staging 10, prod 12`. A resource label
 * is its type (no spaces) and quoted logical name; the upstream's value runs to the last `, <target> `.
 */
export function parseDifference(line: string, sides: PromotionSides): Difference | undefined {
    const resource = /^\S+ "[^"]*"/.exec(line)?.[0];
    if (!resource || line[resource.length] !== " ") {
        return undefined;
    }
    const rest = line.slice(resource.length + 1);
    const upstreamAt = outsideQuotes(rest, `: ${sides.upstream} `);
    const targetAt = rest.lastIndexOf(`, ${sides.target} `);
    if (upstreamAt <= 0 || targetAt < upstreamAt) {
        return undefined;
    }
    const difference = {
        resource,
        path: rest.slice(0, upstreamAt),
        staging: rest.slice(upstreamAt + sides.upstream.length + 3, targetAt),
        prod: rest.slice(targetAt + sides.target.length + 3),
    };
    // Only what reads back to the very line: anything else is another shape, left in view.
    return describeDifference(difference, sides) === line ? difference : undefined;
}

/** Where `text` first holds `needle` outside a JSON string (a path's `["key"]` segment may hold anything). */
function outsideQuotes(text: string, needle: string): number {
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        if (!quoted && text.startsWith(needle, i)) {
            return i;
        }
        if (text[i] === "\\" && quoted) {
            i++;
        } else if (text[i] === '"') {
            quoted = !quoted;
        }
    }
    return -1;
}

export interface ViolationLike {
    policy: string;
    level: string;
    message: string;
}

/**
 * One violation of a pull-request check, classified. `waitsForUpstream`: the upstream runs a known release that is not
 * the candidate (promote read it from the upstream's history), so the release-gate findings naming that are expected.
 */
export function classifyViolation(
    violation: ViolationLike,
    sides: PromotionSides | undefined,
    waitsForUpstream: boolean,
): { finding: CheckFinding; differences: Difference[] } {
    const summary = summaryOf(violation.message);
    const finding = (kind: FindingKind): CheckFinding => ({ policy: violation.policy, level: violation.level, kind, summary, message: violation.message });
    if (violation.level === "mandatory") {
        return { finding: finding("refusal"), differences: [] };
    }
    if (NOTE_POLICIES.includes(violation.policy)) {
        return { finding: finding("note"), differences: [] };
    }
    if (!(RELEASE_GATE_POLICIES as readonly string[]).includes(violation.policy)) {
        return { finding: finding("advice"), differences: [] };
    }
    if (waitsForUpstream && WAITING_FINDINGS[violation.policy]?.test(summary)) {
        return { finding: finding("expected"), differences: [] };
    }
    if (sides && PARITY_POLICIES.includes(violation.policy) && /differs from what \S+ runs in \d+ place\(s\)/.test(summary)) {
        const { differences, unread } = differencesListed(violation.message, sides);
        if (differences.length > 0 && unread === 0) {
            return { finding: finding("parity"), differences };
        }
        return { finding: finding("attention"), differences };
    }
    return { finding: finding("attention"), differences: [] };
}

/** The same difference, listed by two policies (per resource and for the whole stack), kept once, in first-seen order. */
export function distinctDifferences(differences: readonly Difference[]): Difference[] {
    const seen = new Map<string, Difference>();
    for (const d of differences) {
        const key = JSON.stringify([d.resource, d.path, d.staging, d.prod]);
        if (!seen.has(key)) {
            seen.set(key, d);
        }
    }
    return [...seen.values()];
}

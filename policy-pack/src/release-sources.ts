/**
 * Where the release gate gets its facts: prod's own `release` output, staging's facts as the
 * prod program claims them (`upstreamRelease`), and staging's facts as the release tooling read
 * them from the staging stack (policy config `stagingEvidence`). Each reader fails closed with
 * problems that name the source.
 */
import { Parsed, ReleaseFacts, RELEASE_OUTPUT, UPSTREAM_RELEASE_OUTPUT, UPSTREAM_STACK_OUTPUT, describeType, parseReleaseFacts } from "./contract/release-facts";
import { ReleaseGateConfig, StagingEvidence, UpdateResult } from "./config";
import { Finding, unreadable } from "./policy-kit";
import { StackView, namesStack } from "./stack-view";

export const PROMOTE_COMMAND = "npm run promote -- --stack prod --version <release>";

function readOwnRelease(view: StackView): Parsed<ReleaseFacts> {
    return parseReleaseFacts(view.outputs[RELEASE_OUTPUT], `${view.stack}'s \`${RELEASE_OUTPUT}\` output`);
}

export function readClaimedStaging(view: StackView): Parsed<ReleaseFacts> {
    return parseReleaseFacts(view.outputs[UPSTREAM_RELEASE_OUTPUT], `${view.stack}'s \`${UPSTREAM_RELEASE_OUTPUT}\` output (staging's facts as the program read them)`);
}

export function readUpstreamStack(view: StackView): unknown {
    return view.outputs[UPSTREAM_STACK_OUTPUT];
}

/** Staging's facts as the tooling read them; `undefined` when the run carries no evidence. */
export function readEvidence(view: StackView, config: ReleaseGateConfig): Parsed<StagingEvidence> | undefined {
    const evidence = config.stagingEvidence;
    if (evidence === undefined) {
        return undefined;
    }
    const shapeProblems = evidenceShapeProblems(evidence);
    if (shapeProblems.length > 0) {
        return { ok: false, problems: shapeProblems };
    }
    const facts = parseReleaseFacts(evidence.stagingRelease, "policy config stagingEvidence.stagingRelease");
    if (!facts.ok) {
        return facts;
    }
    if (!namesStack(evidence.targetStack, view)) {
        return { ok: false, problems: [`policy config stagingEvidence is for stack "${evidence.targetStack}", not for this stack (${view.project}/${view.stack})`] };
    }
    return { ok: true, value: { ...evidence, stagingRelease: facts.value } };
}

const UPDATE_RESULTS: readonly unknown[] = ["succeeded", "failed", "in-progress"] satisfies UpdateResult[];

/** The engine validates the schema; this repeats the checks a silent pass would hinge on. */
function evidenceShapeProblems(evidence: StagingEvidence): string[] {
    const what = "policy config stagingEvidence";
    const problems = (["targetStack", "stagingStack"] as const)
        .filter((field) => typeof evidence[field] !== "string")
        .map((field) => `${what}.${field} should be a fully qualified stack name (got ${describeType(evidence[field])})`);
    const lastUpdate = evidence.stagingLastUpdate as Partial<StagingEvidence["stagingLastUpdate"]> | undefined;
    if (!UPDATE_RESULTS.includes(lastUpdate?.result) || !Number.isInteger(lastUpdate?.updateVersion) || typeof lastUpdate?.releaseVersion !== "string") {
        problems.push(`${what}.stagingLastUpdate should be {result: succeeded|failed|in-progress, updateVersion: integer, releaseVersion: string}`);
    }
    return problems;
}

/** The staging facts to judge by: the tooling's evidence when given, else the program's claim. */
function stagingFactsFor(view: StackView, config: ReleaseGateConfig): Parsed<{ facts: ReleaseFacts; evidence?: StagingEvidence }> {
    const evidence = readEvidence(view, config);
    if (evidence === undefined) {
        const claimed = readClaimedStaging(view);
        return claimed.ok ? { ok: true, value: { facts: claimed.value } } : claimed;
    }
    return evidence.ok ? { ok: true, value: { facts: evidence.value.stagingRelease, evidence: evidence.value } } : evidence;
}

const FIX_OWN_RELEASE = "export the `release` output (ReleaseFacts, format atlas.release/v1) from the program; redeploy with this release's program";
export const FIX_UPSTREAM = `deploy staging with this release, then run \`${PROMOTE_COMMAND}\`, which reads staging's facts and passes them to the pack`;

/** Prod's own facts and staging's facts to judge them by, or a finding for each that is unreadable. */
export function readProdAndStaging(
    view: StackView,
    config: ReleaseGateConfig,
): { ok: true; prod: ReleaseFacts; staging: { facts: ReleaseFacts; evidence?: StagingEvidence } } | { ok: false; findings: Finding[] } {
    const prod = readOwnRelease(view);
    const staging = stagingFactsFor(view, config);
    if (prod.ok && staging.ok) {
        return { ok: true, prod: prod.value, staging: staging.value };
    }
    return {
        ok: false,
        findings: [...(prod.ok ? [] : unreadable(prod.problems, FIX_OWN_RELEASE)), ...(staging.ok ? [] : unreadable(staging.problems, FIX_UPSTREAM))],
    };
}

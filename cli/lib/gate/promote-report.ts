/**
 * Plain-text reports of promotions, shared by `promote` and `rehearse`. Policy messages are
 * printed as the pack wrote them; the pack never includes secret values in them.
 */
import { describeIdentity } from "../../../policy-pack/src/contract";
import { hasMandatoryViolation, RunOutcome } from "../kit";
import { PromoteReport } from "./promote";
import { shortName } from "../stacks";

/** Where the judging pack of a promotion to `target` comes from, in words. */
function gateSource(source: NonNullable<PromoteReport["gate"]>["source"], target: string): string {
    return {
        pinned: `pinned by the ${target} environment (ATLAS_GATE_COMMIT)`,
        "prod-release": `the pack of the release ${target} runs`,
        bootstrap: `the candidate's own pack: ${target} has no release yet (first deployment)`,
    }[source];
}

/** The lines every report starts with: the release measured, the upstream's state, the judging pack. */
function preamble(report: PromoteReport): string[] {
    const lines = [`release ${describeIdentity(report.release)}`];
    const upstream = report.upstream;
    if (upstream) {
        const running = upstream.running.runs ? `runs ${describeIdentity(upstream.running.identity)}` : `runs no known release: ${upstream.running.problem}`;
        lines.push(`upstream ${upstream.stack} ${running}; ${upstream.resources} resources in its state (read in ${upstream.seconds.toFixed(1)}s)`);
        if (upstream.drift) {
            const cloud =
                upstream.drift.drifted === 0
                    ? `no drift in ${upstream.drift.checkedResources} resources`
                    : `DRIFT in ${upstream.drift.drifted} of ${upstream.drift.checkedResources} resources`;
            lines.push(`its cloud: ${cloud} (refresh preview, ${upstream.drift.seconds.toFixed(1)}s)`);
        } else if (!upstream.running.runs) {
            lines.push("its cloud: not checked for drift (it runs no known release, which the pack refuses)");
        }
    }
    if (report.gate) {
        lines.push(`judged by policy-pack/ at commit ${report.gate.commit.slice(0, 12)}: ${gateSource(report.gate.source, shortName(report.target))}`);
        if (report.gate.packChange) {
            lines.push(
                `this release changes policy-pack/ (tree ${report.gate.packChange.slice(0, 12)}), approved by the ${shortName(report.target)} environment (ATLAS_PACK_CHANGE_APPROVED)`,
            );
        }
    }
    if (report.tooling) {
        lines.push(
            report.tooling.trusted
                ? `evidence built by the release tooling of commit ${report.tooling.commit.slice(0, 12)}, the judging commit`
                : `evidence built by the candidate's own release tooling (commit ${report.tooling.commit.slice(0, 12)}); the trusted path runs promote from a checkout of the judging commit with --checkout <candidate>`,
        );
    }
    for (const advisory of report.advisories ?? []) {
        lines.push(`would refuse (advisory in this run): ${advisory}`);
    }
    return lines;
}

export function describeOutcome(outcome: RunOutcome): string {
    const changes = Object.entries(outcome.changes)
        .filter(([op, count]) => op !== "same" && count > 0)
        .map(([op, count]) => `${count} ${op}`)
        .join(", ");
    const verdict = outcome.succeeded ? "passed" : refusedByPolicy(outcome) ? "REFUSED by policy" : "FAILED";
    return `${outcome.operation} ${verdict} (${changes || "no changes"}) in ${outcome.seconds.toFixed(1)}s`;
}

/**
 * A run for a person reading a failure: the command and its exit code, the outcome, the policy verdicts and errors,
 * and the last lines of the engine's output; never the whole transcript.
 */
export function describeRun(outcome: RunOutcome): string {
    const trace = outcome.trace;
    const lines = [
        `$ ${trace?.command ?? `pulumi ${outcome.operation} --stack ${outcome.stack}`}`,
        `exit ${trace?.exitCode ?? "unknown"}: ${describeOutcome(outcome)}`,
    ];
    lines.push(...outcome.violations.map((v) => `[${v.level}] ${v.policy}: ${v.message}`));
    lines.push(...outcome.errors.map((error) => `error: ${error}`));
    if (trace && trace.lastLines.length > 0) {
        lines.push(`last ${trace.lastLines.length} lines of the engine's output:`, ...trace.lastLines.map((line) => `  | ${line}`));
    }
    return lines.join("\n");
}

export function formatPromoteReport(report: PromoteReport): string {
    const lines = preamble(report);
    for (const outcome of [report.preview, report.update]) {
        if (!outcome) {
            continue;
        }
        lines.push(describeOutcome(outcome));
        for (const violation of outcome.violations) {
            lines.push(indent(`[${violation.level}] ${violation.policy}: ${asReported(violation)}`, "    "));
        }
        for (const error of outcome.errors) {
            lines.push(indent(`error: ${error}`, "    "));
        }
    }
    const stopped = stoppedUpdate(report);
    if (stopped) {
        lines.push(stopped);
    }
    if (report.refusedBeforeUpdate) {
        lines.push(`REFUSED before the update: ${report.refusedBeforeUpdate}`);
    }
    if (report.failedAfterUpdate) {
        lines.push(`FAILED after the update: ${report.failedAfterUpdate}`);
    }
    return lines.join("\n");
}

/**
 * An update a policy refused part-way (a resource policy stops the update before that resource's step): what had
 * applied, and how to repair.
 */
function stoppedUpdate(report: PromoteReport): string | undefined {
    const update = report.update;
    if (!update || update.succeeded || !refusedByPolicy(update)) {
        return undefined;
    }
    const applied = Object.entries(update.changes)
        .filter(([op, count]) => op !== "same" && op !== "read" && count > 0)
        .map(([op, count]) => `${count} ${op}`)
        .join(", ");
    const upstream = report.upstream ? shortName(report.upstream.stack) : "its upstream";
    return [
        `the update stopped at the refused resource, before its step; ${applied ? `applied before it: ${applied}` : "nothing had been applied"}. ${report.target}'s history records the update as failed.`,
        `To repair: fix the difference and release again through ${upstream}, or roll back: promote the release ${report.target} ran before to ${upstream}, then to ${report.target} (docs/runbooks.md).`,
    ].join("\n");
}

/** The verdict a report's heading gives: deployed, preview passed, or not deployed. */
export function promoteVerdict(report: PromoteReport): string {
    if (!report.succeeded) {
        return "not deployed";
    }
    return report.update ? "deployed" : "preview passed";
}

export function refusedByPolicy(outcome: RunOutcome): boolean {
    return hasMandatoryViolation(outcome.violations);
}

function indent(text: string, prefix: string): string {
    return text
        .split("\n")
        .map((line) => prefix + line)
        .join("\n");
}

/** A Markdown section for PR comments and job summaries. */
export function formatPromoteMarkdown(report: PromoteReport, verdict: string): string {
    const lines = [`\n### ${report.target} @ \`${report.version}\`: ${verdict}\n`, ...preamble(report).map((line) => `- ${line}`)];
    for (const outcome of [report.preview, report.update]) {
        if (!outcome) {
            continue;
        }
        lines.push(`- ${describeOutcome(outcome)}`);
        for (const violation of outcome.violations) {
            lines.push(...markdownViolation(violation.level, violation.policy, asReported(violation)));
        }
        for (const error of outcome.errors) {
            lines.push(`  - error: ${error.replace(/\n/g, " ")}`);
        }
    }
    if (report.refusedBeforeUpdate) {
        lines.push(...markdownViolation("mandatory", "promote, before the update", report.refusedBeforeUpdate));
    }
    if (report.failedAfterUpdate) {
        lines.push(...markdownViolation("failed", "promote, after the update", report.failedAfterUpdate));
    }
    return lines.join("\n") + "\n";
}

/**
 * A policy message as Markdown: its prose on the violation's line, its listed items (`  - …`, one
 * per difference) as a nested list, and `To fix:` last, so a long parity list stays readable.
 */
function markdownViolation(level: string, policy: string, message: string): string[] {
    const lines = message.split("\n");
    const items = lines.filter((line) => /^\s+- /.test(line)).map((line) => `    - ${line.replace(/^\s+- /, "").replace(/\|/g, "\\|")}`);
    const prose = lines.filter((line) => !/^\s+- /.test(line) && !line.startsWith("To fix:")).join(" ");
    const fix = lines.filter((line) => line.startsWith("To fix:"));
    return [`  - **${level}** \`${policy}\`: ${prose}`, ...items, ...fix.map((line) => `    ${line}`)];
}

/**
 * A policy writes "Refused for …" at its default level; when a run lowers it (a pull-request
 * check), the engine reports it as advisory, and so must the words.
 */
function asReported(violation: { level: string; message: string }): string {
    return violation.level === "mandatory"
        ? violation.message
        : violation.message.replace(/\bRefused for (stack "[^"]*"|this stack)/g, "Would refuse $1 (advisory in this run)");
}

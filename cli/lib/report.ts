/**
 * Plain-text reports of promotions, shared by `promote` and `rehearse`. Policy messages are
 * printed as the pack wrote them; the pack never includes secret values in them.
 */
import { hasMandatoryViolation, RunOutcome } from "./engine-run";
import { PromoteReport } from "./promote";

export function describeOutcome(outcome: RunOutcome): string {
    const changes = Object.entries(outcome.changes)
        .filter(([op, count]) => op !== "same" && count > 0)
        .map(([op, count]) => `${count} ${op}`)
        .join(", ");
    const verdict = outcome.succeeded ? "passed" : refusedByPolicy(outcome) ? "REFUSED by policy" : "FAILED";
    return `${outcome.operation} ${verdict} (${changes || "no changes"}) in ${outcome.seconds.toFixed(1)}s`;
}

export function formatPromoteReport(report: PromoteReport): string {
    const lines: string[] = [];
    const upstream = report.upstream;
    if (upstream) {
        const last = upstream.lastUpdate;
        lines.push(
            `upstream ${upstream.stack}: ${upstream.release === undefined ? "no release output" : "release output found"}` +
                (last ? `, last update ${last.result}${last.version ? ` at ${last.version}` : ""}` : ", never updated"),
        );
    }
    if (report.evidenceWithheld) {
        lines.push(`upstream facts not passed to the policy pack: ${report.evidenceWithheld}`);
    }
    for (const outcome of [report.preview, report.update]) {
        if (!outcome) {
            continue;
        }
        lines.push(describeOutcome(outcome));
        for (const violation of outcome.violations) {
            lines.push(indent(`[${violation.level}] ${violation.policy}: ${violation.message}`, "    "));
        }
        for (const error of outcome.errors) {
            lines.push(indent(`error: ${error}`, "    "));
        }
    }
    return lines.join("\n");
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
    const lines = [`\n### ${report.target} @ \`${report.version}\`: ${verdict}\n`];
    for (const outcome of [report.preview, report.update]) {
        if (!outcome) {
            continue;
        }
        lines.push(`- ${describeOutcome(outcome)}`);
        for (const violation of outcome.violations) {
            lines.push(`  - **${violation.level}** \`${violation.policy}\`: ${violation.message.replace(/\n/g, " ")}`);
        }
        for (const error of outcome.errors) {
            lines.push(`  - error: ${error.replace(/\n/g, " ")}`);
        }
    }
    return lines.join("\n") + "\n";
}

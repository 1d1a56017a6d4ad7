/**
 * The pull-request comment, assembled from the per-environment check reports (check-report.ts): a table with one
 * row per environment of the model, in promotion order (plan, verdict, why); then, once, what would make a gated
 * environment differ from its upstream; then what needs a person; then every full report and any other Markdown
 * (the deployed parity, the status) folded. No environment is named here: the rows come from the model.
 */
import * as fs from "fs";
import * as path from "path";
import { Difference, ENVIRONMENT_MODEL, EnvironmentModel, environmentNames } from "../../../policy-pack/src/contract";
import { markdownTable, UsageError } from "../kit";
import { StackFileDifference } from "../stacks";
import { CheckFinding } from "./check-findings";
import { CheckReport, PlanCounts, readCheckReport } from "./check-report";

/** Markdown folded at the end under its own title (`npm run parity -- --deployed`, `npm run status`). */
export interface Attachment {
    title: string;
    markdown: string;
}

export interface CommentInput {
    reports: readonly CheckReport[];
    attachments: readonly Attachment[];
}

/** The line every gated environment's row says while its upstream does not run the commit yet. */
export function waitingReason(report: Pick<CheckReport, "stack" | "upstream">): string {
    return `${report.stack} will accept this commit once ${report.upstream} runs it`;
}

/**
 * What the pull request makes the promoted stack differ from its upstream in: parity compares the promoted stack's
 * plan with what the upstream runs now, so a change both take (an alarm reworded in the code) shows there too; it is
 * set aside when the upstream's own plan sets the same value. Without the upstream's report, nothing is set aside.
 */
export function introducedDifferences(report: CheckReport, upstreamReport: CheckReport | undefined): Difference[] {
    const planned = upstreamReport?.plannedValues;
    return planned ? report.differences.filter((d) => planned[d.resource]?.[d.path] !== d.prod) : report.differences;
}

export function prComment(input: CommentInput, model: EnvironmentModel = ENVIRONMENT_MODEL): string {
    const byEnvironment = new Map(
        input.reports.map((r) => {
            const upstream = input.reports.find((u) => u.environment === r.upstream);
            return [r.environment, { ...r, differences: introducedDifferences(r, upstream) }];
        }),
    );
    input = { ...input, reports: input.reports.map((r) => byEnvironment.get(r.environment)!) };
    const rows = environmentNames(model).map((environment) => row(environment, byEnvironment.get(environment)));
    const lines = ["## Atlas release checks", ""];
    const release = input.reports[0]?.release;
    if (release) {
        lines.push(`Release ${inline(release)}, previewed with the policy pack in every environment.`, "");
    }
    lines.push(...markdownTable(["environment", "plan", "verdict", "why"], rows));
    for (const report of input.reports.filter((r) => r.upstream && (r.differences.length > 0 || r.stackFileDifferences.length > 0))) {
        lines.push("", `### ${report.stack} would differ from ${report.upstream}`, "", ...differenceLines(report));
    }
    const attention = input.reports.flatMap((r) => r.findings.filter((f) => f.kind === "attention" || f.kind === "refusal").map((f) => ({ r, f })));
    if (attention.length > 0) {
        lines.push("", "### Needs attention", "");
        for (const { r, f } of attention) {
            lines.push(...findingLines(r, f));
        }
    }
    const advice = input.reports.flatMap((r) => r.findings.filter((f) => f.kind === "advice").map((f) => ({ r, f })));
    if (advice.length > 0) {
        lines.push("", "### Advice (never blocks)", "");
        for (const { r, f } of advice) {
            lines.push(`- **${r.stack}** \`${f.policy}\`: ${escapeText(f.summary)}`);
        }
    }
    for (const environment of environmentNames(model)) {
        const report = byEnvironment.get(environment);
        if (report) {
            lines.push("", ...folded(`${report.stack}: the full report`, report.markdown));
        }
    }
    for (const attachment of input.attachments) {
        lines.push("", ...folded(attachment.title, attachment.markdown));
    }
    return lines.join("\n") + "\n";
}

/** One environment's row: plan, verdict, the one-line reason. */
function row(environment: string, report: CheckReport | undefined): string[] {
    if (!report) {
        return [environment, "—", "no report", "its preview job wrote no report (it failed before the check ran): see the job's log"];
    }
    const [verdict, why] = verdictOf(report);
    return [report.stack === environment ? environment : `${environment} (${report.stack})`, planCell(report.plan), verdict, why];
}

function verdictOf(report: CheckReport): [string, string] {
    const first = (kind: CheckFinding["kind"]) => report.findings.find((f) => f.kind === kind);
    if (report.outcome === "failed") {
        return ["✘ **failed**", clip(report.errors[0] ?? "the check failed; see the full report")];
    }
    const refusal = first("refusal");
    if (report.outcome === "refused" || refusal) {
        return [`✘ **refused**: \`${refusal?.policy ?? "promote"}\``, clip(refusal?.summary ?? "see the full report")];
    }
    const attention = first("attention");
    if (report.differences.length > 0 || report.stackFileDifferences.length > 0) {
        const count = report.differences.length || report.stackFileDifferences.length;
        const parity = report.findings.filter((f) => f.kind === "parity").map((f) => f.policy);
        const by = parity.length === 0 ? "npm run parity" : (parity.find((p) => !p.endsWith("-at-step")) ?? parity[0]);
        return [`✘ **would be refused**: \`${by}\``, `${report.stack} would run ${count} value(s) ${report.upstream} does not: see below`];
    }
    if (attention) {
        return [`✘ **would be refused**: \`${attention.policy}\``, clip(attention.summary)];
    }
    if (report.waitsForUpstream || first("expected")) {
        return [`◷ **waits for ${report.upstream}**`, waitingReason(report)];
    }
    const advice = report.findings.filter((f) => f.kind === "advice").length;
    return ["✔ **passes**", advice > 0 ? `${advice} piece(s) of advice below` : "every policy passes"];
}

function planCell(plan: PlanCounts): string {
    const parts = (["create", "update", "replace", "delete"] as const).filter((op) => plan[op] > 0).map((op) => `${plan[op]} to ${op}`);
    return parts.join(", ") || "no changes";
}

/** Each difference once: the property and both values, the resource, and the stack-file key that sets it, if one does. */
function differenceLines(report: CheckReport): string[] {
    const { stack, upstream } = report as CheckReport & { upstream: string };
    const explained = new Set<StackFileDifference>();
    const lines = report.differences.map((d) => {
        const keys = report.stackFileDifferences.filter((k) => k.from === d.staging && k.to === d.prod);
        keys.forEach((k) => explained.add(k));
        const source = keys.length > 0 ? `; set by ${keys.map((k) => `\`${k.setting}\``).join(", ")} in \`Pulumi.${stack}.yaml\`` : "";
        return `- **${differenceSentence(d, stack, upstream)}** (${inline(d.resource)}${source})`;
    });
    for (const key of report.stackFileDifferences.filter((k) => !explained.has(k))) {
        lines.push(
            `- **\`Pulumi.${stack}.yaml\` sets \`${key.setting}\` ${escapeText(key.to)} where \`Pulumi.${upstream}.yaml\` sets ${escapeText(key.from)}** (a parity-relevant key: only environment-specific keys may differ)`,
        );
    }
    return lines;
}

function differenceSentence(d: Difference, stack: string, upstream: string): string {
    if (d.path === "(resource)") {
        return d.prod === "present" ? `${stack} would create a resource ${upstream} does not run` : `${stack} would lack a resource ${upstream} runs`;
    }
    return `${stack} would run ${inline(d.path)} ${escapeText(d.prod)} where ${upstream} runs ${escapeText(d.staging)}`;
}

/** A finding in view: who, which policy, its first line, the items it lists and its fix. */
function findingLines(report: CheckReport, finding: CheckFinding): string[] {
    const lines = finding.message.split("\n");
    const items = lines.filter((l) => /^\s+- /.test(l)).map((l) => `  - ${escapeText(l.replace(/^\s+- /, ""))}`);
    const fix = lines.find((l) => l.startsWith("To fix:"));
    return [`- **${report.stack}** \`${finding.policy}\`: ${escapeText(finding.summary)}`, ...items, ...(fix ? [`  ${escapeText(fix)}`] : [])];
}

function folded(title: string, markdown: string): string[] {
    return ["<details>", `<summary>${escapeHtml(title)}</summary>`, "", markdown.trim(), "", "</details>"];
}

/** Text that Markdown must show as written (values, messages): no emphasis, no HTML, no table break. */
function escapeText(text: string): string {
    return escapeHtml(text)
        .replace(/([\\`*_[\]|])/g, "\\$1")
        .replace(/\n/g, " ");
}

function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A code span that holds any text: fenced by more backticks than it contains. */
function inline(text: string): string {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(longest + 1);
    return `${fence}${longest > 0 ? ` ${text} ` : text}${fence}`;
}

function clip(text: string, max = 160): string {
    const line = text.split("\n")[0];
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * The comment's input from a directory: every `*.json` a check report (one per environment), every `*.md` an
 * attachment titled by its first heading. A missing directory, a report that is not one, two reports for one
 * environment or one for an environment the model lacks is bad input.
 */
export function readCommentInput(dir: string, model: EnvironmentModel = ENVIRONMENT_MODEL): CommentInput {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new UsageError(`--reports ${dir}: no such directory; pass the directory the preview jobs' reports were downloaded to`);
    }
    const files = fs.readdirSync(dir).sort();
    const reports: CheckReport[] = [];
    const from = new Map<string, string>();
    const names = environmentNames(model);
    for (const file of files.filter((f) => f.endsWith(".json"))) {
        const report = readCheckReport(path.join(dir, file));
        if (!names.includes(report.environment)) {
            throw new UsageError(
                `${path.join(dir, file)}: environment "${report.environment}" is not in the environment model (${names.join(", ")}); remove the file`,
            );
        }
        const earlier = from.get(report.environment);
        if (earlier) {
            throw new UsageError(`${earlier} and ${file} in ${dir} both report environment ${report.environment}; keep one report per environment`);
        }
        from.set(report.environment, file);
        reports.push(report);
    }
    const attachments = files
        .filter((f) => f.endsWith(".md"))
        .map((file) => {
            const markdown = fs.readFileSync(path.join(dir, file), "utf8");
            const heading = /^#+\s+(.+)$/m.exec(markdown)?.[1];
            return { title: heading ? heading.replace(/`/g, "") : file, markdown };
        })
        .filter((a, i, all) => a.markdown.trim() !== "" && all.findIndex((b) => b.markdown === a.markdown) === i);
    return { reports: names.flatMap((n) => reports.filter((r) => r.environment === n)), attachments };
}

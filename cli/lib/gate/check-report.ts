/**
 * The JSON report of one stack's pull-request check (`promote --pull-request-check --json FILE`), the input of the
 * pull-request comment (`npm run pr-comment`): the plan's counts, the verdict, the findings classified for a reader
 * (check-findings.ts), the differences from the upstream as structured rows, and the full Markdown report to fold.
 * Written from promote's report, read back with every field checked: a file that is not one is bad input.
 * Never holds the policy config (the evidence) nor a secret: messages are the pack's, which prints none.
 */
import * as fs from "fs";
import {
    describeIdentity,
    Difference,
    ENVIRONMENT_MODEL,
    EnvironmentModel,
    environmentOfStack,
    identityDifferences,
    labelOf,
    OptionsEntry,
    printable,
    PromotionSides,
    propertyPath,
    SIG,
    upstreamOf,
} from "../../../policy-pack/src/contract";
import { UsageError } from "../kit";
import { compareStackFiles, shortName, StackFileDifference } from "../stacks";
import { CheckFinding, classifyViolation, distinctDifferences, FindingKind, summaryOf } from "./check-findings";
import { PromoteReport } from "./promote";
import { formatPromoteMarkdown, promoteVerdict, refusedByPolicy } from "./promote-report";

export const CHECK_REPORT_FORMAT = "atlas-pull-request-check/1";

/** The engine's planned steps, by kind. */
export interface PlanCounts {
    create: number;
    update: number;
    replace: number;
    delete: number;
}

export interface CheckReport {
    format: typeof CHECK_REPORT_FORMAT;
    /** The stack checked (`prod`), and the environment of the model it belongs to. */
    stack: string;
    environment: string;
    /** The environment it is promoted from (prod: staging); null for an ungated one. */
    upstream: string | null;
    version: string;
    /** The release measured from git, in words (version, commit, digest). */
    release: string;
    /** passed: the preview passed (the release gate advising); refused: a mandatory policy or promote refused; failed: otherwise. */
    outcome: "passed" | "refused" | "failed";
    plan: PlanCounts;
    /** True when the upstream runs a known release other than this one: the release gate waits for the upstream. */
    waitsForUpstream: boolean;
    findings: CheckFinding[];
    /** What the stack would run that its upstream does not, each once (both parity policies merged). */
    differences: Difference[];
    /** Parity-relevant keys whose values differ between the upstream's stack file and this stack's. */
    stackFileDifferences: StackFileDifference[];
    errors: string[];
    /**
     * For an environment others are promoted from (staging): what its own plan would set, resource by resource
     * (`aws:glue/job:Job "etl-job"`), property path by path, worded as parity words them. A difference of the
     * promoted stack that its upstream's plan takes alike is not one the pull request introduces between them.
     * Secrets, assets and archives are left out.
     */
    plannedValues?: Record<string, Record<string, string>>;
    /** The whole report as `--markdown` writes it. */
    markdown: string;
}

/** The check report of a promote run; `projectDir` holds the stack files the release deploys. */
export function checkReportOf(report: PromoteReport, projectDir: string): CheckReport {
    const stack = shortName(report.target);
    const environment = environmentOfStack(stack, ENVIRONMENT_MODEL)?.name ?? stack;
    const upstream = upstreamOf(environment, ENVIRONMENT_MODEL) ?? null;
    const sides: PromotionSides | undefined = upstream ? { target: stack, upstream } : undefined;
    const running = report.upstream?.running;
    const waitsForUpstream = running?.runs === true && identityDifferences(report.release, running.identity).length > 0;
    const findings: CheckFinding[] = [];
    const differences: Difference[] = [];
    for (const outcome of [report.preview, report.update]) {
        for (const violation of outcome?.violations ?? []) {
            const classified = classifyViolation(violation, sides, waitsForUpstream);
            findings.push(classified.finding);
            differences.push(...classified.differences);
        }
    }
    const promoteFinding = (kind: FindingKind, level: string, message: string): CheckFinding => ({
        policy: "promote",
        level,
        kind,
        summary: summaryOf(message),
        message,
    });
    findings.push(...(report.advisories ?? []).map((advisory) => promoteFinding("attention", "advisory", advisory)));
    for (const refusal of [report.refusedBeforeUpdate, report.failedAfterUpdate]) {
        if (refusal) {
            findings.push(promoteFinding("refusal", "mandatory", refusal));
        }
    }
    const refused =
        report.refusedBeforeUpdate !== undefined ||
        report.failedAfterUpdate !== undefined ||
        [report.preview, report.update].some((outcome) => outcome && refusedByPolicy(outcome));
    const changes = report.preview.changes;
    return {
        format: CHECK_REPORT_FORMAT,
        stack,
        environment,
        upstream,
        version: report.version,
        release: describeIdentity(report.release),
        outcome: report.succeeded ? "passed" : refused ? "refused" : "failed",
        plan: { create: changes.create ?? 0, update: changes.update ?? 0, replace: changes.replace ?? 0, delete: changes.delete ?? 0 },
        waitsForUpstream,
        findings,
        differences: distinctDifferences(differences),
        stackFileDifferences: upstream ? compareStackFiles(projectDir, upstream, stack).differences : [],
        errors: [...report.preview.errors, ...(report.update?.errors ?? [])],
        ...((ENVIRONMENT_MODEL as EnvironmentModel).some((e) => e.promotedFrom === environment)
            ? { plannedValues: plannedValuesOf(report.preview.steps ?? []) }
            : {}),
        markdown: formatPromoteMarkdown(report, promoteVerdict(report)),
    };
}

/** Each planned resource's inputs, flattened to parity's paths and printed values. */
export function plannedValuesOf(steps: readonly OptionsEntry[]): Record<string, Record<string, string>> {
    const planned: Record<string, Record<string, string>> = {};
    for (const step of steps) {
        const values: Record<string, string> = {};
        flatten(step.inputs ?? {}, "", values);
        planned[labelOf(step)] = values;
    }
    return planned;
}

function flatten(value: unknown, path: string, out: Record<string, string>): void {
    if (value !== null && typeof value === "object" && SIG in value) {
        return; // a secret, an asset or an archive: never written to a report
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => flatten(item, `${path}[${i}]`, out));
        return;
    }
    if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
            flatten(item, propertyPath(path, key), out);
        }
        return;
    }
    if (path !== "") {
        out[path] = printable(value);
    }
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
        try {
            flatten(JSON.parse(value), `${path} (JSON)`, out);
        } catch {
            // not JSON after all: the string itself is recorded
        }
    }
}

/** A file that is not a check report: bad input (exit 2), named with how to make a good one. */
export class CheckReportError extends UsageError {}

const MAKE_ONE = "write it with `npm run promote -- --stack <stack> --version <v> --pull-request-check --json <file>`";

/** Reads and checks one check report; anything missing or of the wrong type is a CheckReportError naming it. */
export function readCheckReport(file: string): CheckReport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new CheckReportError(`${file} is not a readable JSON report (${reason}); ${MAKE_ONE}`);
    }
    const problems = reportProblems(parsed);
    if (problems.length > 0) {
        throw new CheckReportError(`${file} is not a pull-request check report: ${problems.join("; ")}; ${MAKE_ONE}`);
    }
    return parsed as CheckReport;
}

const OUTCOMES = ["passed", "refused", "failed"];
const KINDS: readonly FindingKind[] = ["refusal", "expected", "parity", "attention", "advice", "note"];

function reportProblems(value: unknown): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return ["it is not a JSON object"];
    }
    const r = value as Record<string, unknown>;
    if (r.format !== CHECK_REPORT_FORMAT) {
        return [`"format" is ${JSON.stringify(r.format)}, not "${CHECK_REPORT_FORMAT}"`];
    }
    const problems: string[] = [];
    const expect = (ok: boolean, what: string) => ok || problems.push(what);
    const isString = (v: unknown) => typeof v === "string";
    for (const key of ["stack", "environment", "version", "release", "markdown"]) {
        expect(isString(r[key]), `"${key}" must be a string`);
    }
    expect(r.upstream === null || isString(r.upstream), `"upstream" must be a string or null`);
    expect(OUTCOMES.includes(r.outcome as string), `"outcome" must be one of ${OUTCOMES.join(", ")}`);
    expect(typeof r.waitsForUpstream === "boolean", `"waitsForUpstream" must be true or false`);
    const plan = r.plan as Record<string, unknown> | undefined;
    expect(
        plan !== null && typeof plan === "object" && ["create", "update", "replace", "delete"].every((k) => Number.isInteger(plan[k])),
        `"plan" must hold whole numbers create, update, replace and delete`,
    );
    const arrayOf = (key: string, fields: string[], check: (item: Record<string, unknown>) => boolean = () => true) =>
        expect(
            Array.isArray(r[key]) &&
                (r[key] as unknown[]).every(
                    (item) =>
                        item !== null &&
                        typeof item === "object" &&
                        fields.every((f) => isString((item as Record<string, unknown>)[f])) &&
                        check(item as Record<string, unknown>),
                ),
            `"${key}" must be a list of objects with ${fields.join(", ")}`,
        );
    arrayOf("findings", ["policy", "level", "kind", "summary", "message"], (f) => KINDS.includes(f.kind as FindingKind));
    arrayOf("differences", ["resource", "path", "staging", "prod"]);
    arrayOf("stackFileDifferences", ["key", "setting", "from", "to"]);
    const planned = r.plannedValues as Record<string, unknown> | undefined;
    expect(
        planned === undefined ||
            (planned !== null &&
                typeof planned === "object" &&
                Object.values(planned).every((values) => values !== null && typeof values === "object" && Object.values(values).every(isString))),
        `"plannedValues" must map resources to property paths and printed values`,
    );
    expect(Array.isArray(r.errors) && (r.errors as unknown[]).every(isString), `"errors" must be a list of strings`);
    return problems;
}

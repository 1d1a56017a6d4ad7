/**
 * Section 3: property-level parity over synthetic stacks of 1,000 and 10,000 resources
 * (bench/lib/synthetic-stack.ts): staging's checkpoint as promote passes it (policy config), prod's
 * plan as the engine passes it. Each run is a fresh child process (cold, as the engine starts the
 * pack), several times per size, running the code as JavaScript (promote hands the engine a
 * transpiled pack, without ts-node's compiler); the policy config is built once per size, here,
 * as promote builds it, and its size in bytes is what promote hands the engine.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { transpileTree } from "../../tools/transpile";
import type { ValidationResult } from "../children/policy-validate";
import { runChild, tail } from "../lib/child";
import { SectionResult } from "../lib/report";
import { megabytes, ratio, seconds, secondsSince, spread, summarize, Summary } from "../lib/stats";
import { ProgramTemplate, promotionConfig } from "../lib/synthetic-stack";
import { EVIDENCE_POLICIES, PARITY_POLICIES } from "../../policy-pack/src/contract";

export const SIZES = [1_000, 10_000];
const TIME_TARGET_SECONDS = 1;
const GROWTH_TARGET = 12;
const MEMORY_TARGET_BYTES = 300 * 1024 * 1024;

interface SizeFigures {
    size: number;
    replicas: number;
    newReplicas: number;
    stagingResources: number;
    parity: Summary;
    atStep: Summary;
    coverage: Summary;
    rest: Summary;
    build: Summary;
    baselineRss: Summary;
    rssAfterParity: Summary;
    maxRss: Summary;
    /** Violations of staging-prod-parity (a consistent pair: 0) and of the rest of the pack. */
    parityViolations: number;
    restViolations: number;
    comparedByDependency: number;
    evidenceBytes: { config: number; promotion: number; stagingState: number };
    evidenceSeconds: number;
}

const TS_NODE = ["-r", "ts-node/register/transpile-only"];

/** The directories the validation child loads, transpiled into `dir` beside the project files it reads (stack files, Glue scripts). */
function javascriptCopy(dir: string): string {
    const root = path.join(dir, "js");
    for (const tree of ["policy-pack", "bench", "cli", "src", "tools"]) {
        transpileTree(path.join(REPO_ROOT, tree), path.join(root, tree));
    }
    for (const file of fs.readdirSync(REPO_ROOT).filter((name) => /^Pulumi(\.[a-z0-9-]+)?\.yaml$/.test(name))) {
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(root, file));
    }
    for (const linked of ["node_modules", "glue"]) {
        fs.symlinkSync(path.join(REPO_ROOT, linked), path.join(root, linked), "dir");
    }
    return root;
}

export async function policyScaling(runs: number, log: (line: string) => void): Promise<SectionResult> {
    const started = process.hrtime.bigint();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-"));
    try {
        const templateFile = path.join(dir, "program-template.json");
        log("policy-scaling: running the program under mocks (staging and prod) for the resource template");
        const made = await runChild(process.execPath, [...TS_NODE, path.join(__dirname, "..", "children", "program-template.ts"), templateFile], {
            cwd: REPO_ROOT,
        });
        if (made.status !== 0) {
            throw new Error(`program-template child failed (exit ${made.status}): ${tail(made.stderr)}`);
        }
        const template = JSON.parse(fs.readFileSync(templateFile, "utf8")) as ProgramTemplate;
        const javascript = javascriptCopy(dir);
        const figures: SizeFigures[] = [];
        for (const size of SIZES) {
            const built = process.hrtime.bigint();
            const evidence = promotionConfig(template, size);
            const evidenceSeconds = secondsSince(built);
            const configFile = path.join(dir, `policy-config-${size}.json`);
            fs.writeFileSync(configFile, JSON.stringify(evidence.config));
            log(
                `policy-scaling: ${size} resources: policy config of ${megabytes(evidence.bytes.config)} (staging's ${evidence.stagingResources} resources) built in ${seconds(evidenceSeconds)}`,
            );

            const results: ValidationResult[] = [];
            for (let i = 0; i < runs; i++) {
                const child = await runChild(
                    process.execPath,
                    [
                        path.join(javascript, "bench", "children", "policy-validate.js"),
                        "--template",
                        templateFile,
                        "--config",
                        configFile,
                        "--size",
                        String(size),
                    ],
                    { cwd: javascript },
                );
                if (child.status !== 0) {
                    throw new Error(`policy-validate child (size ${size}) failed (exit ${child.status}): ${tail(child.stderr)}`);
                }
                results.push(JSON.parse(child.stdout.trim().split("\n").pop()!) as ValidationResult);
            }
            const of = (pick: (r: ValidationResult) => number) => summarize(results.map(pick));
            const sizeFigures: SizeFigures = {
                size: results[0].size,
                replicas: results[0].replicas,
                newReplicas: results[0].newReplicas,
                stagingResources: evidence.stagingResources,
                parity: of((r) => r.paritySeconds),
                atStep: of((r) => r.atStepSeconds),
                coverage: of((r) => r.coverageSeconds),
                rest: of((r) => r.restSeconds),
                build: of((r) => r.buildSeconds),
                baselineRss: of((r) => r.baselineRssBytes),
                rssAfterParity: of((r) => r.maxRssAfterParityBytes),
                maxRss: of((r) => r.maxRssBytes),
                parityViolations: Math.max(...results.map((r) => r.parityViolations.length + r.atStepViolations.length)),
                restViolations: Math.max(...results.map((r) => r.restViolations.length)),
                comparedByDependency: results[0].comparedByDependency,
                evidenceBytes: evidence.bytes,
                evidenceSeconds,
            };
            figures.push(sizeFigures);
            log(`policy-scaling: ${size} resources: staging-prod-parity ${spread(sizeFigures.parity)}, peak memory ${megabytes(sizeFigures.maxRss.max)}`);
            for (const sample of results.flatMap((r) => [...r.parityViolations, ...r.atStepViolations, ...r.restViolations]).slice(0, 1)) {
                log(`policy-scaling: ${size} resources: the synthetic pair had violations, e.g. ${sample.split("\n").slice(0, 3).join(" / ")}`);
            }
        }
        return scalingSection(figures, runs, started);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function scalingSection(figures: SizeFigures[], runs: number, started: bigint): SectionResult {
    const [small, large] = SIZES.map((size) => figures.find((f) => f.size === size) ?? figures[SIZES.indexOf(size)]);
    const growth = large.parity.median / small.parity.median;
    const peak = large.maxRss.max;
    const label = (f: SizeFigures, what: string) => `${f.size.toLocaleString("en")} resources: ${what}`;
    const rows = figures.flatMap((f) => [
        { label: label(f, "staging-prod-parity validation"), value: spread(f.parity) },
        {
            label: label(f, "staging-prod-parity-at-step: every resource before its step, summed (per resource)"),
            value: `${spread(f.atStep)} (${seconds(f.atStep.median / f.size)})`,
        },
        { label: label(f, "staging-prod-parity-coverage (advisory; the same comparison again)"), value: spread(f.coverage) },
        { label: label(f, "every other policy of the pack"), value: spread(f.rest) },
        { label: label(f, "building the policy arguments (prod's plan)"), value: seconds(f.build.median) },
        {
            label: label(f, "peak memory (maxRSS): after parity / whole pack / modules loaded"),
            value: `${megabytes(f.rssAfterParity.median)} / ${spread(f.maxRss, megabytes)} / ${megabytes(f.baselineRss.median)}`,
        },
        { label: label(f, "violations (a consistent pair: 0): parity / rest of the pack"), value: `${f.parityViolations} / ${f.restViolations}` },
        {
            label: label(f, "values compared by dependency (unknown in prod's plan)"),
            value: `${f.comparedByDependency} (${f.newReplicas} of ${f.replicas + 1} replicas new in prod)`,
        },
        {
            label: label(f, "policy config promote passes (JSON)"),
            value: `${megabytes(f.evidenceBytes.config)} (${f.evidenceBytes.config.toLocaleString("en")} bytes; stagingState ${megabytes(f.evidenceBytes.stagingState)} for ${f.stagingResources} resources, under ${PARITY_POLICIES.length} policies; promotion ${f.evidenceBytes.promotion} bytes under ${EVIDENCE_POLICIES.length}); built in ${seconds(f.evidenceSeconds)}`,
        },
    ]);
    rows.push({ label: "growth 10k / 1k (staging-prod-parity, medians)", value: ratio(growth) });
    return {
        id: "policy-scaling",
        title: "3. Policy scaling: property-level parity over synthetic staging/prod pairs",
        rows,
        checks: [
            {
                name: "staging-prod-parity, 10k resources",
                value: seconds(large.parity.median),
                target: `< ${TIME_TARGET_SECONDS} s`,
                met: large.parity.median < TIME_TARGET_SECONDS,
            },
            {
                name: "parity in total, 10k resources (whole stack + before each step)",
                value: seconds(large.parity.median + large.atStep.median),
                target: `< ${TIME_TARGET_SECONDS} s`,
                met: large.parity.median + large.atStep.median < TIME_TARGET_SECONDS,
            },
            { name: "growth 10k / 1k", value: ratio(growth), target: `≤ ${GROWTH_TARGET}`, met: growth <= GROWTH_TARGET },
            {
                name: "peak memory, 10k resources (whole pack process)",
                value: megabytes(peak),
                target: `< ${MEMORY_TARGET_BYTES / 1024 / 1024} MB`,
                met: peak < MEMORY_TARGET_BYTES,
            },
        ],
        notes: [
            `each run is a fresh process (cold, as the engine starts the pack); ${runs} run(s) per size; staging and prod are replicas of what the program registers under mocks in each environment (bench/lib/synthetic-stack.ts): per-environment names, accounts and principals, generated key ids and name suffixes inside ARNs, every tenth replica new in prod (unknown during preview), a secret and a file asset per replica`,
            "the policy config is parsed from JSON in the child, as the analyzer receives it; peak memory is the whole process, which runs the pack's code as JavaScript, as promote hands it to the engine",
        ],
        data: { sizes: figures, growth, peakBytes: peak },
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
}

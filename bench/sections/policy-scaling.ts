/**
 * Section 3: the pack's validation over synthetic prod stacks of growing size, each run in a
 * fresh child process (cold, as the engine runs the pack), several times per size.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import type { ValidationResult } from "../children/policy-validate";
import { runChild, tail } from "../lib/child";
import { SectionResult } from "../lib/report";
import { megabytes, ratio, seconds, spread, summarize, Summary } from "../lib/stats";

export const SIZES = [100, 1_000, 10_000];
const TIME_TARGET_SECONDS = 1;
const GROWTH_TARGET = 12;
const MEMORY_TARGET_BYTES = 300 * 1024 * 1024;

interface SizeFigures {
    size: number;
    replicas: number;
    validate: Summary;
    build: Summary;
    maxRss: Summary;
    violations: number;
    perPolicy: Record<string, number>;
}

const TS_NODE = ["-r", "ts-node/register/transpile-only"];

export async function policyScaling(runs: number, log: (line: string) => void): Promise<SectionResult> {
    const started = process.hrtime.bigint();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-"));
    try {
        const template = path.join(dir, "program-template.json");
        log("policy-scaling: running the program under mocks for the resource template");
        const made = await runChild(process.execPath, [...TS_NODE, path.join(__dirname, "..", "children", "program-template.ts"), template], { cwd: REPO_ROOT });
        if (made.status !== 0) {
            throw new Error(`program-template child failed (exit ${made.status}): ${tail(made.stderr)}`);
        }
        const figures: SizeFigures[] = [];
        for (const size of SIZES) {
            const results: ValidationResult[] = [];
            for (let i = 0; i < runs; i++) {
                const child = await runChild(
                    process.execPath,
                    [...TS_NODE, path.join(__dirname, "..", "children", "policy-validate.ts"), "--template", template, "--size", String(size)],
                    { cwd: REPO_ROOT },
                );
                if (child.status !== 0) {
                    throw new Error(`policy-validate child (size ${size}) failed (exit ${child.status}): ${tail(child.stderr)}`);
                }
                results.push(JSON.parse(child.stdout.trim().split("\n").pop()!) as ValidationResult);
            }
            const validate = summarize(results.map((r) => r.validateSeconds));
            log(`policy-scaling: ${size} resources: validation ${spread(validate)}`);
            const perPolicy: Record<string, number> = {};
            for (const name of Object.keys(results[0].perPolicySeconds)) {
                perPolicy[name] = summarize(results.map((r) => r.perPolicySeconds[name])).median;
            }
            figures.push({
                size: results[0].size,
                replicas: results[0].replicas,
                validate,
                build: summarize(results.map((r) => r.buildSeconds)),
                maxRss: summarize(results.map((r) => r.maxRssBytes)),
                violations: Math.max(...results.map((r) => r.violations)),
                perPolicy,
            });
            if (results.some((r) => r.violations > 0)) {
                log(`policy-scaling: ${size} resources: the synthetic stack had violations, e.g. ${results.find((r) => r.violations > 0)!.violationSamples[0]}`);
            }
        }
        return scalingSection(figures, runs, started);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function scalingSection(figures: SizeFigures[], runs: number, started: bigint): SectionResult {
    const bySize = (size: number) => figures.find((f) => f.size === size)!;
    const [small, medium, large] = SIZES.map(bySize);
    const growthMedium = medium.validate.median / small.validate.median;
    const growthLarge = large.validate.median / medium.validate.median;
    const peak = Math.max(...figures.map((f) => f.maxRss.max));
    const slowest = Object.entries(large.perPolicy).sort((a, b) => b[1] - a[1]).slice(0, 4);
    const rows = figures.flatMap((f) => [
        { label: `${f.size.toLocaleString("en")} resources: validation (all policies)`, value: spread(f.validate) },
        { label: `${f.size.toLocaleString("en")} resources: building the policy arguments`, value: seconds(f.build.median) },
        { label: `${f.size.toLocaleString("en")} resources: peak memory (maxRSS of the process)`, value: spread(f.maxRss, megabytes) },
        { label: `${f.size.toLocaleString("en")} resources: violations found (a compliant stack: 0)`, value: String(f.violations) },
    ]);
    rows.push({ label: "growth 1k / 100", value: ratio(growthMedium) });
    rows.push({ label: "growth 10k / 1k", value: ratio(growthLarge) });
    rows.push({ label: "slowest policies at 10k (median)", value: slowest.map(([name, s]) => `${name} ${seconds(s)}`).join(", ") });
    return {
        id: "policy-scaling",
        title: "3. Policy scaling: the pack's validation over synthetic prod stacks",
        rows,
        checks: [
            { name: "10k resources validated", value: seconds(large.validate.median), target: `< ${TIME_TARGET_SECONDS} s`, met: large.validate.median < TIME_TARGET_SECONDS },
            { name: "growth 10k / 1k", value: ratio(growthLarge), target: `≤ ${GROWTH_TARGET}`, met: growthLarge <= GROWTH_TARGET },
            { name: "peak memory", value: megabytes(peak), target: `< ${MEMORY_TARGET_BYTES / 1024 / 1024} MB`, met: peak < MEMORY_TARGET_BYTES },
        ],
        notes: [
            `each run is a fresh process (cold, as the engine starts the pack); ${runs} run(s) per size; stacks replicate the resources the program registers under mocks, with unique names, one provider, release facts listing every resource`,
            "peak memory is the whole process: Node, ts-node and @pulumi/policy account for most of the 100-resource figure",
        ],
        data: { sizes: figures, growth: { "1k/100": growthMedium, "10k/1k": growthLarge }, peakBytes: peak },
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
}

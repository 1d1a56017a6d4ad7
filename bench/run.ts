/**
 * `npm run bench`: how fast the policy checks, the program, the tests and the rehearsal are, and
 * how the pack's validation grows with the stack. Prints figures (medians with min and max) and
 * whether each target of issue 6 is met; never fails on timing (exit 0 with missed targets).
 */
import * as os from "os";
import { EXIT, parseFlags, runMain, UsageError } from "../cli/lib/kit/args";
import { formatElapsed, Progress } from "../cli/lib/kit/progress";
import { ensurePulumiCli } from "../tools/offline/pulumi-cli";
import { failedSection, renderSection, SectionResult } from "./lib/report";
import { ratio, seconds, secondsSince, spread, summarize, Summary } from "./lib/stats";
import { rehearsal, testSuite } from "./sections/commands";
import { HOST_TARGET, measureEngine, POLICY_TARGET, PROGRAM_TARGET, Variant } from "./sections/engine";
import { measurePluginStart } from "./sections/plugin-start";
import { LOAD_STEPS, measureProgramLoad } from "./sections/program-load";
import { measurePackLoad, PACK_LOAD_STEPS } from "./sections/pack-load";
import { policyScaling } from "./sections/policy-scaling";
import { measurePromoteCost } from "./sections/promote-cost";
import { promoteCostSection } from "./sections/promote-cost-report";

export const SECTIONS = ["policy-overhead", "program-overhead", "promote-cost", "policy-scaling", "tests", "rehearsal"] as const;
type SectionId = (typeof SECTIONS)[number];

const USAGE = `usage: npm run bench -- [options]

Measures, and prints with the targets of issue 6 (met or missed; a missed target is not an error):
  policy-overhead    prod preview with the Atlas pack vs an empty pack vs none (real engine, stand-in AWS, CLI path)
  program-overhead   prod preview vs a one-resource program, both through the CLI's language host;
                     pulumi preview -s dev through the host vs inline; program module load
  promote-cost       prod's promote of one change vs a plain pulumi up -s prod of it, interleaved: wall time per
                     phase, CPU-seconds per process kind (CLI invocations and their count, program, pack, host, stand-in)
  policy-scaling     staging-prod-parity over synthetic staging/prod pairs of 1,000 and 10,000 resources
                     (time, growth, peak memory, size of the policy config promote passes)
  tests              wall time of npm test, each of its phases and each engine file
  rehearsal          wall time of npm run rehearse

options:
  --runs N           measured runs per figure (default 5; the tests and the rehearsal run once)
  --only SECTION     run only this section (repeatable): ${SECTIONS.join(", ")}
  --skip-tests       skip the test-suite section
  --skip-rehearsal   skip the rehearsal section
  --json             print one JSON document instead of tables (progress still goes to stderr)
  -h, --help         show this help

exit codes: 0 figures printed (targets met or not), 2 bad flags, 3 a section could not run`;

interface Machine {
    cores: number;
    cpu: string;
    memoryGiB: number;
    os: string;
    node: string;
    pulumi: string;
    loadAverage: number[];
}

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        {
            runs: { type: "string" },
            only: { type: "string", multiple: true },
            "skip-tests": { type: "boolean" },
            "skip-rehearsal": { type: "boolean" },
            json: { type: "boolean" },
        },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    const runs = flags.runs === undefined ? 5 : Number(flags.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 100 || !/^\d+$/.test(flags.runs ?? "5")) {
        throw new UsageError(`--runs must be a whole number from 1 to 100 (got "${flags.runs}")`);
    }
    for (const section of flags.only ?? []) {
        if (!(SECTIONS as readonly string[]).includes(section)) {
            throw new UsageError(`--only: unknown section "${section}"; sections are: ${SECTIONS.join(", ")}`);
        }
    }
    const selected = new Set<SectionId>((flags.only as SectionId[] | undefined) ?? SECTIONS);
    if (flags["skip-tests"]) {
        selected.delete("tests");
    }
    if (flags["skip-rehearsal"]) {
        selected.delete("rehearsal");
    }
    if (selected.size === 0) {
        throw new UsageError("nothing to run: every selected section is skipped");
    }

    const json = flags.json === true;
    // A section's lines go above its progress line (cli/lib/kit/progress.ts): in place on a terminal, a plain line in CI.
    const log = (line: string) => (running ? running.print(`bench: ${line}`) : process.stderr.write(`bench: ${line}\n`));
    const print = (text: string) => {
        if (!json) {
            console.log(text);
        }
    };
    const started = process.hrtime.bigint();
    const machine = describeMachine();
    print(`# Atlas benchmarks (${new Date().toISOString()})`);
    print(
        `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.os}; Node ${machine.node}; Pulumi ${machine.pulumi}; load average at start ${machine.loadAverage.map((l) => l.toFixed(2)).join(" ")}`,
    );
    print(`runs per figure: ${runs}; sections: ${[...selected].join(", ")}`);

    const results: SectionResult[] = [];
    const record = (result: SectionResult) => {
        results.push(result);
        print(renderSection(result));
    };

    if (selected.has("policy-overhead") || selected.has("program-overhead")) {
        for (const result of await engineSections(selected, runs, log)) {
            record(result);
        }
    }
    if (selected.has("promote-cost")) {
        record(
            await guarded("promote-cost", "6. Promote cost", async () => {
                const t = process.hrtime.bigint();
                const figures = await measurePromoteCost(runs, log);
                return { ...promoteCostSection(figures), seconds: secondsSince(t) };
            }),
        );
    }
    if (selected.has("policy-scaling")) {
        record(await guarded("policy-scaling", "3. Policy scaling", () => policyScaling(runs, log)));
    }
    if (selected.has("tests")) {
        record(
            await guarded("tests", "4. Test suite", async () => {
                const t = process.hrtime.bigint();
                const figures = await testSuite(log);
                return { id: "tests", title: "4. Test suite (wall time, as the README runs it)", ...figures, seconds: secondsSince(t) };
            }),
        );
    }
    if (selected.has("rehearsal")) {
        record(
            await guarded("rehearsal", "5. Rehearsal", async () => {
                const t = process.hrtime.bigint();
                const figures = await rehearsal(log);
                return { id: "rehearsal", title: "5. Rehearsal (Pulumi CLI already built)", ...figures, seconds: secondsSince(t) };
            }),
        );
    }

    const totalSeconds = secondsSince(started);
    const checks = results.flatMap((r) => r.checks);
    const missed = checks.filter((c) => !c.met);
    const failed = results.filter((r) => r.error);
    if (json) {
        console.log(JSON.stringify({ date: new Date().toISOString(), machine, runs, totalSeconds, sections: results }, null, 2));
    } else {
        print(`\n## Summary`);
        print(
            `${checks.length - missed.length} of ${checks.length} targets met${missed.length > 0 ? `; missed: ${missed.map((c) => `${c.name} (${c.value}, wanted ${c.target})`).join("; ")}` : ""}`,
        );
        if (failed.length > 0) {
            print(`could not run: ${failed.map((r) => `${r.id} (${r.error?.split("\n")[0]} … the whole reason is in its section above)`).join("; ")}`);
        }
        print(`bench wall time: ${seconds(totalSeconds)}`);
    }
    return failed.length > 0 ? EXIT.failure : EXIT.ok;
}

/** The progress line of the section running now. */
let running: Progress | undefined;

/** Runs `work` under a progress line on stderr naming it, with the elapsed time. */
async function withSectionProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
    running = new Progress(`bench: ${title}`);
    try {
        return await work();
    } finally {
        running.done(`bench: ${title}: done in ${formatElapsed(running.seconds)}`);
        running = undefined;
    }
}

/** Runs a section; a tool failure is reported as the section's error instead of ending the bench. */
async function guarded(id: string, title: string, run: () => Promise<SectionResult>): Promise<SectionResult> {
    const started = process.hrtime.bigint();
    try {
        return await withSectionProgress(title, run);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`bench: ${id} could not run: ${message}\n`);
        return failedSection(id, title, message, secondsSince(started));
    }
}

async function engineSections(selected: Set<SectionId>, runs: number, log: (line: string) => void): Promise<SectionResult[]> {
    const variants: Variant[] = [];
    if (selected.has("policy-overhead")) {
        variants.push("prod+pack", "prod+empty-pack", "prod+empty-ts-pack", "prod");
    }
    if (selected.has("program-overhead")) {
        variants.push(...(["prod", "one-resource", "dev", "dev-inline"] as Variant[]).filter((v) => !variants.includes(v)));
    }
    const started = process.hrtime.bigint();
    let figures: Awaited<ReturnType<typeof measureEngine>>;
    try {
        figures = await withSectionProgress("engine sections (1. policy-pack overhead, 2. program overhead)", () => measureEngine({ runs, variants, log }));
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`engine sections could not run: ${message}`);
        const failed = (id: string, title: string): SectionResult => failedSection(id, title, message, secondsSince(started));
        return [
            ...(selected.has("policy-overhead") ? [failed("policy-overhead", "1. Policy-pack overhead")] : []),
            ...(selected.has("program-overhead") ? [failed("program-overhead", "2. Program overhead")] : []),
        ];
    }
    const engineSeconds = secondsSince(started);
    const s = figures.summaries;
    const results: SectionResult[] = [];
    const setupNote = `shared set-up (offline workspace, dev, staging and prod deployed through promote at 1.0.0, one warm-up preview per variant): ${seconds(figures.setupSeconds)}; previews alternate in rotating order, ${runs} round(s); every preview runs through the CLI's language host unless marked inline`;
    const perRound = (a: Variant, b: Variant) => {
        const r = pairedRatios(figures.samples[a]!, figures.samples[b]!);
        return `${ratio(Math.min(...r))} .. ${ratio(Math.max(...r))}`;
    };

    if (selected.has("policy-overhead")) {
        log("policy-overhead: the pack's start in fresh processes");
        const packLoad = await measurePackLoad(runs);
        const [atlas, empty, emptyTs, none] = [s["prod+pack"]!, s["prod+empty-pack"]!, s["prod+empty-ts-pack"]!, s.prod!];
        const overhead = atlas.median / empty.median;
        const { quiet } = figures.betweenReleases;
        const quietChanges = [quiet.preview, quiet.update].flatMap((changes) => Object.values(changes)).reduce((sum, n) => sum + n, 0);
        const gate =
            figures.gate.refused === 0
                ? `passed in all ${figures.gate.passed} measured previews`
                : `refused in ${figures.gate.refused} of ${figures.gate.passed + figures.gate.refused} measured previews: ${figures.gate.mandatoryViolations.join(" | ")}`;
        results.push({
            id: "policy-overhead",
            title: "1. Policy-pack overhead: prod preview with the Atlas pack vs an empty pack vs none",
            rows: [
                { label: "prod preview with the Atlas pack (JavaScript, as it ships) and promote's policy config", value: spread(atlas) },
                { label: "prod preview with an empty pack (one no-op stack policy), JavaScript", value: spread(empty) },
                { label: "prod preview with the empty pack as TypeScript (type-checked on every start)", value: spread(emptyTs) },
                { label: "prod preview without a pack", value: spread(none) },
                {
                    label: "Atlas pack ÷ empty pack (the Atlas policies' own cost)",
                    value: `${ratio(overhead)} (per round ${perRound("prod+pack", "prod+empty-pack")})`,
                },
                {
                    label: "empty pack ÷ no pack (the engine's per-pack floor), JavaScript / TypeScript",
                    value: `${ratio(empty.median / none.median)} / ${ratio(emptyTs.median / none.median)}`,
                },
                ...PACK_LOAD_STEPS.map(({ step, label }) => ({ label: `pack start: ${label}`, value: spread(packLoad[step]) })),
                { label: "release gate in the measured previews", value: gate },
                {
                    label: `promote reading staging for prod's gate (history and checkpoint of ${figures.stagingRead.resources} resources)`,
                    value: `${seconds(figures.stagingRead.seconds)} of prod's ${seconds(figures.stagingRead.promoteSeconds)} promote (preview and update)`,
                },
                {
                    label: `drift check of prod (refresh preview, ${figures.betweenReleases.driftResources} resources read)`,
                    value: spread(summarize(figures.betweenReleases.driftSeconds)),
                },
                {
                    label: "quiet release (staging's commit under a new version): resources changed in preview / update",
                    value: `${describeChanges(figures.betweenReleases.quiet.preview)} / ${describeChanges(figures.betweenReleases.quiet.update)} (promote ${seconds(figures.betweenReleases.quiet.seconds)})`,
                },
                {
                    label: `the gate's whole cost to the person waiting: prod's promote of one change (${describeChanges(figures.gateCost.changed)}) ÷ the same change's update alone (the Automation API's up: pulumi up --skip-preview; section 6 also compares the CLI's pulumi up --yes, which previews first)`,
                    value: `${ratio(figures.gateCost.promoteSeconds / figures.gateCost.plainUpSeconds)} (${seconds(figures.gateCost.promoteSeconds)} ÷ ${seconds(figures.gateCost.plainUpSeconds)})`,
                },
            ],
            checks: [
                {
                    name: "Atlas pack ÷ empty pack (prod preview)",
                    value: ratio(overhead),
                    target: `≤ ${POLICY_TARGET.toFixed(2)}`,
                    met: overhead <= POLICY_TARGET,
                },
                { name: "resources changed by a quiet release (preview + update)", value: String(quietChanges), target: "0", met: quietChanges === 0 },
            ],
            notes: [setupNote, ...figures.notes, `policy config passed (as promote builds it) has blocks for: ${figures.policyConfigPolicies.join(", ")}`],
            data: {
                summaries: { atlas, empty, emptyTs, none },
                packLoad,
                ratio: overhead,
                gate: figures.gate,
                setupSeconds: figures.setupSeconds,
                stagingRead: figures.stagingRead,
                gateCost: figures.gateCost,
            },
            seconds: engineSeconds,
        });
    }
    if (selected.has("program-overhead")) {
        log("program-overhead: module load in fresh processes");
        const load = await measureProgramLoad(runs);
        log("program-overhead: the stand-in provider's start-up");
        const pluginStart = await measurePluginStart(runs);
        const [prod, one, dev, devInline] = [s.prod!, s["one-resource"]!, s.dev!, s["dev-inline"]!];
        const overhead = prod.median / one.median;
        const hostOverInline = dev.median / devInline.median;
        results.push({
            id: "program-overhead",
            title: "2. Program overhead: Atlas prod preview vs a one-resource program (both through the CLI's language host)",
            rows: [
                { label: `Atlas prod preview (${figures.prodResources} resources, no pack)`, value: spread(prod) },
                { label: "one-resource program preview (provider + SNS topic)", value: spread(one) },
                { label: "ratio of medians", value: `${ratio(overhead)} (per round ${perRound("prod", "one-resource")})` },
                { label: "pulumi preview -s dev through the language host", value: spread(dev) },
                { label: "the same preview inline (Automation API, program loaded once in this process)", value: spread(devInline) },
                { label: "language host ÷ inline", value: ratio(hostOverInline) },
                ...LOAD_STEPS.map(({ step, label }) => ({ label: `module load: ${label}`, value: spread(load[step]) })),
                { label: "stand-in AWS provider: spawn until serving (once per engine run)", value: spread(pluginStart) },
            ],
            checks: [
                { name: "program overhead ratio", value: ratio(overhead), target: `≤ ${PROGRAM_TARGET.toFixed(2)}`, met: overhead <= PROGRAM_TARGET },
                { name: "language host ÷ inline", value: ratio(hostOverInline), target: `≤ ${HOST_TARGET.toFixed(2)}`, met: hostOverInline <= HOST_TARGET },
            ],
            notes: [
                setupNote,
                "the language host starts a Node process per run that loads and transpiles the program (ts-node, transpile-only, swc); the module-load rows are that cost, measured in fresh processes",
            ],
            data: { summaries: { prod, oneResource: one, dev, devInline }, ratio: overhead, hostOverInline, moduleLoad: load, pluginStart },
            seconds: engineSeconds,
        });
    }
    return results;
}

/** "0" for no change, else e.g. "update 3, create 1". */
function describeChanges(changes: Record<string, number>): string {
    const entries = Object.entries(changes);
    return entries.length === 0 ? "0" : entries.map(([kind, count]) => `${kind} ${count}`).join(", ");
}

/** Ratio of the i-th samples of two variants, measured in the same round. */
function pairedRatios(a: number[], b: number[]): number[] {
    return a.map((value, i) => value / b[i]);
}

function describeMachine(): Machine {
    const cpus = os.cpus();
    return {
        cores: cpus.length,
        cpu: cpus[0]?.model.trim() ?? "unknown",
        memoryGiB: os.totalmem() / 1024 ** 3,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.versions.node,
        pulumi: ensurePulumiCli().version,
        loadAverage: os.loadavg(),
    };
}

export type { Summary };
runMain("bench", main);

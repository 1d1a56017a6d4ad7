/** The promote-cost section's table: medians over the interleaved rounds of bench/sections/promote-cost.ts. */
import * as os from "os";
import { SectionResult } from "../lib/report";
import { ProcessKind } from "../lib/process-cpu";
import { ratio, seconds, spread, summarize } from "../lib/stats";
import { OneRun, PromoteCostFigures } from "./promote-cost";

/** prod's promote ÷ a plain `pulumi up -s prod` of the same change (wall). */
export const PROMOTE_COST_TARGET = 1.5;

const median = (values: number[]) => summarize(values.length > 0 ? values : [0]).median;
const cpu = (value: number) => `${value.toFixed(2)} CPU-s`;

/** What promote is compared with: the issue's comparator first (the target is judged against it). */
function baselinesOf(figures: PromoteCostFigures): { name: string; runs: OneRun[] }[] {
    return [
        { name: "plain pulumi up -s prod --yes (the CLI's preview, then update)", runs: figures.plainUp },
        { name: "pulumi up --yes --skip-preview (the Automation API's up: no preview)", runs: figures.updateOnly },
    ].filter((b) => b.runs.length > 0);
}

export function promoteCostSection(figures: PromoteCostFigures): Omit<SectionResult, "seconds"> {
    const { promote } = figures;
    const baselines = baselinesOf(figures);
    const wallOf = (runs: OneRun[]) => summarize(runs.map((r) => r.wallSeconds));
    const cpuOf = (runs: OneRun[]) => summarize(runs.map((r) => r.account.totalSeconds));
    const promoteWall = wallOf(promote);
    const promoteCpu = cpuOf(promote);
    const wallRatio = promoteWall.median / wallOf(figures.plainUp).median;
    const phases = [...new Set(promote.flatMap((r) => Object.keys(r.phases)))];
    const everyRun = [promote, ...baselines.map((b) => b.runs)];
    const kinds = [...new Set(everyRun.flat().flatMap((r) => Object.keys(r.account.byKind)))] as ProcessKind[];
    const kindCell = (runs: OneRun[], kind: ProcessKind) =>
        `${cpu(median(runs.map((r) => r.account.byKind[kind] ?? 0)))} (${median(runs.map((r) => r.account.counts[kind] ?? (kind.startsWith("this") ? 1 : 0)))} processes)`;
    const commands = [...new Set(everyRun.flat().flatMap((r) => Object.keys(r.account.cli)))].sort();
    const cliCell = (runs: OneRun[], command: string) => {
        const count = median(runs.map((r) => r.account.cli[command]?.count ?? 0));
        return count === 0 ? "—" : `${count} × = ${cpu(median(runs.map((r) => r.account.cli[command]?.seconds ?? 0)))}`;
    };
    const cliCount = (runs: OneRun[]) => median(runs.map((r) => Object.values(r.account.cli).reduce((sum, c) => sum + c.count, 0)));
    const sides = `promote / ${baselines.map((_, i) => `baseline ${i + 1}`).join(" / ")}`;
    const across = (cell: (runs: OneRun[]) => string) => everyRun.map(cell).join(" / ");
    return {
        id: "promote-cost",
        title: "6. Promote cost: prod's promote of one change vs a plain pulumi up -s prod of it (interleaved)",
        rows: [
            { label: "prod's promote, wall", value: spread(promoteWall) },
            ...baselines.flatMap((b, i) => {
                const perRound = promote.map((r, round) => r.wallSeconds / b.runs[round].wallSeconds);
                return [
                    { label: `baseline ${i + 1}: ${b.name}, wall`, value: spread(wallOf(b.runs)) },
                    {
                        label: `promote ÷ baseline ${i + 1}, wall`,
                        value: `${ratio(promoteWall.median / wallOf(b.runs).median)} (per round ${ratio(Math.min(...perRound))} .. ${ratio(Math.max(...perRound))})`,
                    },
                ];
            }),
            ...phases.map((phase) => ({ label: `promote phase: ${phase}, wall`, value: seconds(median(promote.map((r) => r.phases[phase] ?? 0))) })),
            { label: "prod's promote, CPU (this process and every process it started)", value: spread(promoteCpu, cpu) },
            ...baselines.flatMap((b, i) => [
                { label: `baseline ${i + 1}, CPU`, value: spread(cpuOf(b.runs), cpu) },
                { label: `promote ÷ baseline ${i + 1}, CPU`, value: ratio(promoteCpu.median / cpuOf(b.runs).median) },
            ]),
            ...kinds.map((kind) => ({ label: `CPU by process kind: ${kind} (${sides})`, value: across((runs) => kindCell(runs, kind)) })),
            { label: `CLI invocations (${sides})`, value: across((runs) => String(cliCount(runs))) },
            ...commands.map((command) => ({ label: `CLI: pulumi ${command} (${sides})`, value: across((runs) => cliCell(runs, command)) })),
            {
                label: `CPU not attributed to a kind (processes that ended between two readings; ${sides})`,
                value: across((runs) => cpu(median(runs.map((r) => r.account.unattributedSeconds)))),
            },
        ],
        checks: [
            {
                name: "prod's promote ÷ plain pulumi up -s prod --yes (wall)",
                value: ratio(wallRatio),
                target: `≤ ${PROMOTE_COST_TARGET.toFixed(2)}`,
                met: wallRatio <= PROMOTE_COST_TARGET,
            },
        ],
        notes: [
            `set-up (workspace, dev, staging and prod deployed): ${seconds(figures.setupSeconds)}; the change each round: ${JSON.stringify(figures.changed)}; load average at the end ${os
                .loadavg()
                .map((l) => l.toFixed(2))
                .join(" ")}`,
            "baseline 1 is the command the issue names, typed at the CLI: it previews, then updates, in one engine process (the program runs twice); baseline 2 is the update alone",
            "CPU-seconds are the kernel's accounting (user + system); the total is exact, the split by kind sampled every 10 ms from /proc; on a shared machine trust the CPU figures over the wall ones",
        ],
        data: { promote, baselines, promoteWall, promoteCpu, wallRatio },
    };
}

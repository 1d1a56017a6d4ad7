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

export function promoteCostSection(figures: PromoteCostFigures): Omit<SectionResult, "seconds"> {
    const { promote, plainUp } = figures;
    const wall = { promote: summarize(promote.map((r) => r.wallSeconds)), plain: summarize(plainUp.map((r) => r.wallSeconds)) };
    const total = { promote: summarize(promote.map((r) => r.account.totalSeconds)), plain: summarize(plainUp.map((r) => r.account.totalSeconds)) };
    const wallRatio = wall.promote.median / wall.plain.median;
    const perRound = promote.map((r, i) => r.wallSeconds / plainUp[i].wallSeconds);
    const phases = [...new Set(promote.flatMap((r) => Object.keys(r.phases)))];
    const kinds = [...new Set([...promote, ...plainUp].flatMap((r) => Object.keys(r.account.byKind)))] as ProcessKind[];
    const kindCell = (runs: OneRun[], kind: ProcessKind) =>
        `${cpu(median(runs.map((r) => r.account.byKind[kind] ?? 0)))} (${median(runs.map((r) => r.account.counts[kind] ?? (kind.startsWith("this") ? 1 : 0)))} processes)`;
    const commands = [...new Set([...promote, ...plainUp].flatMap((r) => Object.keys(r.account.cli)))].sort();
    const cliCell = (runs: OneRun[], command: string) => {
        const count = median(runs.map((r) => r.account.cli[command]?.count ?? 0));
        return count === 0 ? "—" : `${count} × = ${cpu(median(runs.map((r) => r.account.cli[command]?.seconds ?? 0)))}`;
    };
    const cliCount = (runs: OneRun[]) => median(runs.map((r) => Object.values(r.account.cli).reduce((sum, c) => sum + c.count, 0)));
    return {
        id: "promote-cost",
        title: "6. Promote cost: prod's promote of one change vs a plain pulumi up -s prod of it (interleaved)",
        rows: [
            { label: "prod's promote, wall", value: spread(wall.promote) },
            { label: "plain pulumi up -s prod, wall", value: spread(wall.plain) },
            { label: "promote ÷ plain up, wall", value: `${ratio(wallRatio)} (per round ${ratio(Math.min(...perRound))} .. ${ratio(Math.max(...perRound))})` },
            ...phases.map((phase) => ({ label: `promote phase: ${phase}, wall`, value: seconds(median(promote.map((r) => r.phases[phase] ?? 0))) })),
            { label: "prod's promote, CPU (this process and every process it started)", value: spread(total.promote, cpu) },
            { label: "plain pulumi up -s prod, CPU", value: spread(total.plain, cpu) },
            { label: "promote ÷ plain up, CPU", value: ratio(total.promote.median / total.plain.median) },
            ...kinds.map((kind) => ({
                label: `CPU by process kind: ${kind} (promote / plain up)`,
                value: `${kindCell(promote, kind)} / ${kindCell(plainUp, kind)}`,
            })),
            { label: "CLI invocations (promote / plain up)", value: `${cliCount(promote)} / ${cliCount(plainUp)}` },
            ...commands.map((command) => ({
                label: `CLI: pulumi ${command} (promote / plain up)`,
                value: `${cliCell(promote, command)} / ${cliCell(plainUp, command)}`,
            })),
            {
                label: "CPU not attributed to a kind (processes that ended between two readings)",
                value: `${cpu(median(promote.map((r) => r.account.unattributedSeconds)))} / ${cpu(median(plainUp.map((r) => r.account.unattributedSeconds)))}`,
            },
        ],
        checks: [
            {
                name: "prod's promote ÷ plain pulumi up (wall)",
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
            "CPU-seconds are the kernel's accounting (user + system); the total is exact, the split by kind sampled every 10 ms from /proc; on a shared machine trust the CPU figures over the wall ones",
        ],
        data: { promote, plainUp, wall, total, wallRatio },
    };
}

/** How long a fresh process takes to start the Atlas pack and to read the catalogue prod's documents need (children/pack-load.js). */
import * as path from "path";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { runChild, tail } from "../lib/child";
import { summarize, Summary } from "../lib/stats";

export type PackLoadStep = "policy" | "policies" | "start" | "catalogue";
export const PACK_LOAD_STEPS: { step: PackLoadStep; label: string }[] = [
    { step: "policy", label: "require @pulumi/policy (loads @pulumi/pulumi)" },
    { step: "policies", label: "require the pack's policies (policy-pack/bin, JavaScript as the engine starts it)" },
    { step: "start", label: "the pack's start, total (before any policy runs)" },
    { step: "catalogue", label: "AWS's catalogue of actions for the services prod's documents name (read lazily, on first use)" },
];

export async function measurePackLoad(runs: number): Promise<Record<PackLoadStep, Summary>> {
    const samples: Record<PackLoadStep, number[]> = { policy: [], policies: [], start: [], catalogue: [] };
    for (let i = 0; i < runs; i++) {
        const child = await runChild(process.execPath, [path.join(__dirname, "..", "children", "pack-load.js")], { cwd: REPO_ROOT });
        if (child.status !== 0) {
            throw new Error(`pack-load child failed (exit ${child.status}): ${tail(child.stderr)}`);
        }
        const figures = JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<PackLoadStep, number>;
        for (const { step } of PACK_LOAD_STEPS) {
            samples[step].push(figures[step]);
        }
    }
    return Object.fromEntries(Object.entries(samples).map(([step, values]) => [step, summarize(values)])) as Record<PackLoadStep, Summary>;
}

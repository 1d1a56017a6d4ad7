/** How long a fresh process takes to start the Atlas pack and to read the catalogue prod's documents need (children/pack-load.js). */
import { measureFreshProcesses } from "../lib/child";
import { Summary } from "../lib/stats";

export type PackLoadStep = "policy" | "policies" | "start" | "catalogue";
export const PACK_LOAD_STEPS: { step: PackLoadStep; label: string }[] = [
    { step: "policy", label: "require @pulumi/policy (loads @pulumi/pulumi)" },
    { step: "policies", label: "require the pack's policies (policy-pack/bin, JavaScript as the engine starts it)" },
    { step: "start", label: "the pack's start, total (before any policy runs)" },
    { step: "catalogue", label: "AWS's catalogue of actions for the services prod's documents name (read lazily, on first use)" },
];

export function measurePackLoad(runs: number): Promise<Record<PackLoadStep, Summary>> {
    return measureFreshProcesses(
        "pack-load",
        PACK_LOAD_STEPS.map(({ step }) => step),
        runs,
    );
}

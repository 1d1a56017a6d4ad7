/** How long a fresh process takes to load the program's modules (children/module-load.js), over several processes. */
import * as path from "path";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { runChild, tail } from "../lib/child";
import { summarize, Summary } from "../lib/stats";

export type LoadStep = "tsNode" | "pulumi" | "aws" | "program" | "total";
export const LOAD_STEPS: { step: LoadStep; label: string }[] = [
    { step: "tsNode", label: "ts-node register (loads the TypeScript compiler)" },
    { step: "pulumi", label: "require @pulumi/pulumi" },
    { step: "aws", label: "require @pulumi/aws (index; services load lazily)" },
    { step: "program", label: "require src/program (transpiles the repo's modules, loads the AWS services they use)" },
    { step: "total", label: "module load, total" },
];

export async function measureProgramLoad(runs: number): Promise<Record<LoadStep, Summary>> {
    const samples: Record<LoadStep, number[]> = { tsNode: [], pulumi: [], aws: [], program: [], total: [] };
    for (let i = 0; i < runs; i++) {
        const child = await runChild(process.execPath, [path.join(__dirname, "..", "children", "module-load.js")], { cwd: REPO_ROOT });
        if (child.status !== 0) {
            throw new Error(`module-load child failed (exit ${child.status}): ${tail(child.stderr)}`);
        }
        const figures = JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<LoadStep, number>;
        for (const { step } of LOAD_STEPS) {
            samples[step].push(figures[step]);
        }
    }
    return Object.fromEntries(Object.entries(samples).map(([step, values]) => [step, summarize(values)])) as Record<LoadStep, Summary>;
}

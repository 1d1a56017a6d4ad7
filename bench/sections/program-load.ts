/** How long a fresh process takes to load the program's modules (children/module-load.js), over several processes. */
import { measureFreshProcesses } from "../lib/child";
import { Summary } from "../lib/stats";

export type LoadStep = "tsNode" | "pulumi" | "aws" | "program" | "total";
export const LOAD_STEPS: { step: LoadStep; label: string }[] = [
    { step: "tsNode", label: "ts-node register (loads the TypeScript compiler)" },
    { step: "pulumi", label: "require @pulumi/pulumi" },
    { step: "aws", label: "require @pulumi/aws (index; services load lazily)" },
    { step: "program", label: "require src/program (transpiles the repo's modules, loads the AWS services they use)" },
    { step: "total", label: "module load, total" },
];

export function measureProgramLoad(runs: number): Promise<Record<LoadStep, Summary>> {
    return measureFreshProcesses(
        "module-load",
        LOAD_STEPS.map(({ step }) => step),
        runs,
    );
}

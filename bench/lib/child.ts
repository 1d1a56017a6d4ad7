/** Runs a child process to completion, timing it and keeping its output (never throws on exit status). */
import { spawn } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { secondsSince, summarize, Summary } from "./stats";

export interface ChildResult {
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    seconds: number;
}

export function runChild(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr, seconds: secondsSince(started) }));
    });
}

/** The last non-empty lines of a child's output, for error messages. */
export function tail(text: string, lines = 5): string {
    return text
        .split("\n")
        .map((l) => l.trimEnd())
        .filter(Boolean)
        .slice(-lines)
        .join("\n");
}

/**
 * Runs a bench child script (bench/children/NAME.js: plain JavaScript, one JSON line of seconds per step) in `runs`
 * fresh processes, one after another; each step's figures summarised.
 */
export async function measureFreshProcesses<Step extends string>(name: string, steps: readonly Step[], runs: number): Promise<Record<Step, Summary>> {
    const samples = new Map<Step, number[]>(steps.map((step) => [step, []]));
    for (let i = 0; i < runs; i++) {
        const child = await runChild(process.execPath, [path.join(__dirname, "..", "children", `${name}.js`)], { cwd: REPO_ROOT });
        if (child.status !== 0) {
            throw new Error(`${name} child failed (exit ${child.status}): ${tail(child.stderr)}`);
        }
        const figures = JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<Step, number>;
        for (const step of steps) {
            samples.get(step)!.push(figures[step]);
        }
    }
    return Object.fromEntries(steps.map((step) => [step, summarize(samples.get(step)!)])) as Record<Step, Summary>;
}

/** Runs a child process to completion, timing it and keeping its output (never throws on exit status). */
import { spawn } from "child_process";
import { secondsSince } from "./stats";

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

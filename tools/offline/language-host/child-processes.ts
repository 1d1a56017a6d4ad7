// Every process the host starts (programs, policy packs, plugins) is tracked here, so the host never exits and
// leaves one behind: a cancelled run, a dead engine and a signal to the host all end in `stopAll`.
import { ChildProcess, spawn, SpawnOptions } from "child_process";

/** How long a child gets to exit after SIGINT before it is killed (the Go host's WaitDelay). */
export const GRACE_MS = 5000;

const running = new Set<ChildProcess>();

export function startTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    running.add(child);
    child.once("exit", () => running.delete(child));
    child.once("error", () => running.delete(child));
    return child;
}

/** SIGINT first, so the program can finish writing; SIGKILL if it is still there after the grace period. */
export function interrupt(child: ChildProcess, graceMs: number = GRACE_MS): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
            clearTimeout(kill);
            resolve();
        });
        child.kill("SIGINT");
    });
}

export async function stopAll(graceMs: number = GRACE_MS): Promise<void> {
    await Promise.all([...running].map((child) => interrupt(child, graceMs)));
}

/** The promise of a child's end: its exit code, or the signal that ended it. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        // "close" (not "exit") so that all of the child's output has been read first.
        child.once("close", (code, signal) => resolve({ code, signal }));
    });
}

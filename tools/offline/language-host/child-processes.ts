// Every process the host starts (programs, policy packs, plugins) is tracked here, so the host never exits and
// leaves one behind: a cancelled run, a dead engine and a signal to the host all end in `stopAll`.
import { ChildProcess, spawn, SpawnOptions } from "child_process";

/** How long a child gets to exit after SIGINT before it is killed (the Go host's WaitDelay). */
export const GRACE_MS = 5000;

export interface Ending {
    /** Null when a signal ended the process. */
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
}

export interface StartedProcess {
    readonly child: ChildProcess;
    /** Settles once the process has ended and all of its output has been read; rejects if it could not start. */
    readonly ended: Promise<Ending>;
}

const running = new Set<ChildProcess>();

export function startTracked(command: string, args: readonly string[], options: SpawnOptions): StartedProcess {
    const child = spawn(command, args, options);
    running.add(child);
    child.once("exit", () => running.delete(child));
    // Listened for from the start: a failed spawn is reported before the caller could subscribe.
    const ended = new Promise<Ending>((resolve, reject) => {
        child.once("error", (error) => {
            running.delete(child);
            reject(error);
        });
        child.once("close", (code, signal) => resolve({ code, signal }));
    });
    ended.catch(() => undefined); // the caller awaits it; no unhandled rejection before then
    return { child, ended };
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

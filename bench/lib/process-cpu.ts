/**
 * CPU-seconds of the processes a piece of work starts, by kind (Linux /proc): every few milliseconds each descendant
 * of this process is read (its command line and its own user + system time); a process's last reading is its figure.
 * A process that ends between two readings loses what it spent since the last one, and one that starts and ends
 * between two is missed; the exact total (this process's own time plus what its reaped children spent, which the
 * kernel adds up for every finished descendant) is measured as well, and the difference is reported as unattributed.
 */
import * as fs from "fs";

const TICKS_PER_SECOND = 100;
const INTERVAL_MS = 10;

/** A kind of process an engine run starts, told from its command line. */
export type ProcessKind =
    "this process (promote's own code, the Automation API)" | "CLI" | "language host" | "program" | "policy pack" | "stand-in provider" | "other";

export interface CpuAccount {
    /** CPU-seconds per kind, the processes sampled. */
    byKind: Partial<Record<ProcessKind, number>>;
    /** CLI invocations by subcommand (`version`, `stack history`, `preview`, …): how many, and their CPU-seconds. */
    cli: Record<string, { count: number; seconds: number }>;
    /** How many processes of each kind were seen. */
    counts: Partial<Record<ProcessKind, number>>;
    /** The exact total: this process and every descendant that finished. */
    totalSeconds: number;
    /** The total less what the sampling attributed (processes that ended between readings). */
    unattributedSeconds: number;
}

interface Seen {
    argv: string[];
    ticks: number;
}

function readStat(pid: number): { ppid: number; ticks: number; childTicks: number } | undefined {
    try {
        const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        // fields[0] is state (field 3); utime is field 14, stime 15, cutime 16, cstime 17.
        return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
    } catch {
        return undefined;
    }
}

function readArgv(pid: number): string[] {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
        return [];
    }
}

/** The kind of a process from its command line. */
export function kindOf(argv: string[]): ProcessKind {
    const line = argv.join(" ");
    const exe = argv[0] ?? "";
    if (/(^|\/)pulumi$/.test(exe)) {
        return "CLI";
    }
    if (/pulumi-language-nodejs|language-host/.test(line) && !/run-policy-pack|\/cmd\/run\b/.test(line)) {
        return "language host";
    }
    if (/run-policy-pack|pulumi-analyzer-policy/.test(line)) {
        return "policy pack";
    }
    if (/pulumi-resource-aws|stand-in-aws/.test(line)) {
        return "stand-in provider";
    }
    if (/@pulumi\/pulumi\/cmd\/run|program-run|\/cmd\/run\b/.test(line)) {
        return "program";
    }
    return "other";
}

/** The CLI subcommand of a `pulumi` command line: its words before the first flag, at most two. */
export function cliCommandOf(argv: string[]): string {
    const words: string[] = [];
    for (const arg of argv.slice(1)) {
        if (arg.startsWith("-") || words.length === 2) {
            break;
        }
        words.push(arg);
    }
    const [first, second] = words;
    return first === "stack" || first === "config" || first === "plugin" ? [first, second].filter(Boolean).join(" ") : (first ?? "(none)");
}

/** Runs `work` while sampling the CPU time of every process it starts; returns its result and the account. */
export async function withCpuAccount<T>(work: () => Promise<T>): Promise<{ result: T; account: CpuAccount }> {
    const self = process.pid;
    const seen = new Map<number, Seen>();
    const before = readStat(self)!;
    const ownBefore = process.cpuUsage();
    const sample = () => {
        const parents = new Map<number, number>();
        for (const entry of fs.readdirSync("/proc")) {
            const pid = Number(entry);
            if (!Number.isInteger(pid) || pid === self) {
                continue;
            }
            const stat = readStat(pid);
            if (stat) {
                parents.set(pid, stat.ppid);
                const known = seen.get(pid);
                if (known) {
                    known.ticks = Math.max(known.ticks, stat.ticks);
                } else if (isDescendant(pid, parents, self)) {
                    seen.set(pid, { argv: readArgv(pid), ticks: stat.ticks });
                }
            }
        }
    };
    const timer = setInterval(sample, INTERVAL_MS);
    let result: T;
    try {
        result = await work();
    } finally {
        clearInterval(timer);
    }
    sample();
    const own = process.cpuUsage(ownBefore);
    const after = readStat(self)!;
    const ownSeconds = (own.user + own.system) / 1e6;
    const childSeconds = (after.childTicks - before.childTicks) / TICKS_PER_SECOND;
    const account: CpuAccount = {
        byKind: { "this process (promote's own code, the Automation API)": ownSeconds },
        cli: {},
        counts: {},
        totalSeconds: ownSeconds + childSeconds,
        unattributedSeconds: 0,
    };
    let attributed = 0;
    for (const { argv, ticks } of seen.values()) {
        const kind = kindOf(argv);
        const seconds = ticks / TICKS_PER_SECOND;
        attributed += seconds;
        account.byKind[kind] = (account.byKind[kind] ?? 0) + seconds;
        account.counts[kind] = (account.counts[kind] ?? 0) + 1;
        if (kind === "CLI") {
            const entry = (account.cli[cliCommandOf(argv)] ??= { count: 0, seconds: 0 });
            entry.count += 1;
            entry.seconds += seconds;
        }
    }
    account.unattributedSeconds = Math.max(0, childSeconds - attributed);
    return { result: result!, account };
}

/** True when `pid`'s chain of parents (as far as `parents` and /proc know it) reaches `root`. */
function isDescendant(pid: number, parents: Map<number, number>, root: number): boolean {
    let current = pid;
    for (let depth = 0; depth < 32 && current > 1; depth++) {
        const parent = parents.get(current) ?? readStat(current)?.ppid;
        if (parent === undefined) {
            return false;
        }
        if (parent === root) {
            return true;
        }
        current = parent;
    }
    return false;
}

/**
 * Progress of long work (a rehearsal step, a deploy, a bench section): on a terminal, one line that updates in place
 * with the elapsed time and is replaced by the outcome; elsewhere (CI logs, a pipe), a plain line only when the work
 * is still running after `plainEverySeconds`, then the outcome. Nothing is printed for work that ends quickly
 * but the outcome itself.
 */

/** Where progress goes: a stream (process.stderr) or a test's fake. */
export interface ProgressStream {
    write(text: string): unknown;
    isTTY?: boolean;
}

/** The timer the progress ticks on, injectable so tests tick by hand. */
export interface Ticker {
    start(tick: () => void, everyMs: number): () => void;
}

export interface ProgressOptions {
    stream?: ProgressStream;
    /** Seconds between the plain lines written when the stream is not a terminal (default 30). */
    plainEverySeconds?: number;
    /** Milliseconds since some fixed point (default Date.now). */
    now?: () => number;
    ticker?: Ticker;
}

const INTERVAL: Ticker = {
    start(tick, everyMs) {
        const handle = setInterval(tick, everyMs);
        handle.unref();
        return () => clearInterval(handle);
    },
};

/** `12s`, `3m05s`. */
export function formatElapsed(seconds: number): string {
    const whole = Math.floor(seconds);
    return whole < 60 ? `${whole}s` : `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

export class Progress {
    private readonly stream: ProgressStream;
    private readonly tty: boolean;
    private readonly now: () => number;
    private readonly started: number;
    private readonly stop: () => void;
    private readonly plainEvery: number;
    private nextPlain: number;
    private shown = false;
    private ended = false;

    constructor(
        private label: string,
        options: ProgressOptions = {},
    ) {
        this.stream = options.stream ?? process.stderr;
        this.tty = this.stream.isTTY === true;
        this.now = options.now ?? Date.now;
        this.started = this.now();
        this.plainEvery = options.plainEverySeconds ?? 30;
        this.nextPlain = this.plainEvery;
        this.stop = (options.ticker ?? INTERVAL).start(() => this.tick(), this.tty ? 1000 : 5000);
        if (this.tty) {
            this.tick();
        }
    }

    /** Seconds since the work started. */
    get seconds(): number {
        return (this.now() - this.started) / 1000;
    }

    /** Says what the work is doing now (shown on the next tick). */
    set(label: string): void {
        this.label = label;
    }

    /** Writes the current progress: in place on a terminal, a plain line elsewhere once `plainEverySeconds` have passed. */
    tick(): void {
        if (this.ended) {
            return;
        }
        const elapsed = this.seconds;
        if (this.tty) {
            this.stream.write(`\r\x1b[K${this.label} … ${formatElapsed(elapsed)}`);
            this.shown = true;
        } else if (elapsed >= this.nextPlain) {
            this.stream.write(`${this.label} … still running after ${formatElapsed(elapsed)}\n`);
            this.nextPlain += this.plainEvery;
        }
    }

    /** Writes a line above the progress line (the line is redrawn on the next tick). */
    print(line: string): void {
        this.clear();
        this.stream.write(`${line}\n`);
    }

    /** Ends the progress; `line` (the outcome) replaces the progress line. */
    done(line?: string): void {
        if (this.ended) {
            return;
        }
        this.ended = true;
        this.stop();
        this.clear();
        if (line !== undefined) {
            this.stream.write(`${line}\n`);
        }
    }

    private clear(): void {
        if (this.tty && this.shown) {
            this.stream.write("\r\x1b[K");
            this.shown = false;
        }
    }
}

/** Runs `work` with a progress line labelled `label`; the line is cleared when the work ends, however it ends. */
export async function withProgress<T>(label: string, work: (progress: Progress) => Promise<T>, options: ProgressOptions = {}): Promise<T> {
    const progress = new Progress(label, options);
    try {
        return await work(progress);
    } finally {
        progress.done();
    }
}

/**
 * For work whose own output streams in between (a deploy: the engine prints each resource's step), a plain line as
 * each phase starts, with the time since the work began: `promote [42s]: previewing prod with the policy pack`.
 */
export function announcePhases(prefix: string, options: Pick<ProgressOptions, "stream" | "now"> = {}): (phase: string) => void {
    const stream = options.stream ?? process.stderr;
    const now = options.now ?? Date.now;
    const started = now();
    return (phase) => {
        stream.write(`${prefix} [${formatElapsed((now() - started) / 1000)}]: ${phase}\n`);
    };
}

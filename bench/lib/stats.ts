/** Summaries of repeated measurements: the median is the figure, min and max show the spread. */
export interface Summary {
    median: number;
    min: number;
    max: number;
    runs: number;
    samples: number[];
}

export function summarize(samples: number[]): Summary {
    if (samples.length === 0) {
        throw new Error("no samples to summarize");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: samples.length, samples };
}

/** Seconds since `started` (from process.hrtime.bigint()). */
export function secondsSince(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function timed<T>(action: () => Promise<T>): Promise<{ seconds: number; value: T }> {
    const started = process.hrtime.bigint();
    const value = await action();
    return { seconds: secondsSince(started), value };
}

export function seconds(value: number): string {
    if (value < 0.01) {
        return `${(value * 1000).toFixed(2)} ms`;
    }
    if (value < 1) {
        return `${(value * 1000).toFixed(0)} ms`;
    }
    return `${value.toFixed(2)} s`;
}

/** "1.23 s (min 1.10 s, max 1.40 s, n=5)". */
export function spread(summary: Summary, format: (value: number) => string = seconds): string {
    if (summary.runs === 1) {
        return `${format(summary.median)} (n=1)`;
    }
    return `${format(summary.median)} (min ${format(summary.min)}, max ${format(summary.max)}, n=${summary.runs})`;
}

export function megabytes(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}

export function ratio(value: number): string {
    return `${value.toFixed(2)}×`;
}

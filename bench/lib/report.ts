/**
 * What each benchmark section reports: measurements (free text plus raw numbers for --json) and
 * checks against the targets. A missed target is reported, never turned into a failure.
 */
export interface Check {
    name: string;
    /** The measured value, formatted. */
    value: string;
    /** The target, formatted ("≤ 1.10"). */
    target: string;
    met: boolean;
}

export interface Row {
    label: string;
    value: string;
}

export interface SectionResult {
    id: string;
    title: string;
    rows: Row[];
    checks: Check[];
    notes: string[];
    /** Raw numbers for --json. */
    data: Record<string, unknown>;
    /** Set when the section could not run (a tool failed); timing is never a reason. */
    error?: string;
    seconds: number;
}

/** A section that could not run, with the whole reason (a tool's message may list what it found, one line each). */
export function failedSection(id: string, title: string, reason: string, seconds: number): SectionResult {
    return { id, title, rows: [], checks: [], notes: [], data: {}, error: reason, seconds };
}

export function renderTable(headers: string[], rows: string[][]): string {
    const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function renderSection(section: SectionResult): string {
    const out = [`\n## ${section.title}  (${section.seconds.toFixed(0)} s)`];
    if (section.error) {
        out.push(`could not run: ${section.error}`);
    }
    if (section.rows.length > 0) {
        out.push(
            renderTable(
                ["measurement", "value"],
                section.rows.map((row) => [row.label, row.value]),
            ),
        );
    }
    if (section.checks.length > 0) {
        out.push("");
        out.push(
            renderTable(
                ["target", "measured", "wanted", "result"],
                section.checks.map((c) => [c.name, c.value, c.target, c.met ? "met" : "MISSED"]),
            ),
        );
    }
    for (const note of section.notes) {
        out.push(`note: ${note}`);
    }
    return out.join("\n");
}

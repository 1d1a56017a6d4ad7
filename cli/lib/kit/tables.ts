/** Tables the commands print: plain text for a terminal, Markdown for a job summary or a pull-request comment. */

/** Columns padded to their widest cell (at most 60 characters), two spaces between them, indented by two. */
export function textTable(rows: readonly (readonly string[])[]): string {
    const widths = rows[0].map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i].length))));
    return rows
        .map(
            (row) =>
                "  " +
                row
                    .map((value, i) => value.padEnd(widths[i]))
                    .join("  ")
                    .trimEnd(),
        )
        .join("\n");
}

/** A Markdown table: the header, its rule, then one line per row, `|` in cells escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
    const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
    return [line(header), `| ${header.map(() => "---").join(" | ")} |`, ...rows.map(line)];
}

export function markdownCell(value: string): string {
    return value.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

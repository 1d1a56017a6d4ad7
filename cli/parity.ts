/**
 * `npm run parity`: compares two stacks (staging and prod by default) from their stack files
 * and, with --deployed, their deployed `release` outputs. Prints a table, Markdown for a PR
 * comment, or JSON. Exit 0 at parity, 1 when they differ. Secret values are never printed.
 */
import { compareParityConfig, compareReleases, ParityDifference } from "../policy-pack/src/parity";
import { parseReleaseFacts, ReleaseFacts } from "../policy-pack/src/contract/release-facts";
import { ENVIRONMENT_SPECIFIC_KEYS } from "../policy-pack/src/contract/environment-keys";
import { REPO_ROOT } from "../tools/offline/pulumi-cli";
import { OfflineWorkspace } from "../tools/offline/workspace";
import { EXIT, parseFlags, requireOneOf, runMain, UsageError } from "./lib/args";
import { readStackFacts } from "./lib/stack-facts";
import { ENCRYPTED, parityConfigFromStackFile, StackFileError } from "./lib/stack-file-config";
import { LoggedInBackend, OfflineBackend, StackSource } from "./lib/stacks";

const USAGE = `usage: npm run parity -- [options]

Compares two stacks' parity-relevant config (every key except the environment-specific ones:
${ENVIRONMENT_SPECIFIC_KEYS.join(", ")}) from their stack files, and with --deployed also their
deployed release outputs (versions, config digests, resource sets).

options:
  --from STACK        the reference stack (default: staging)
  --to STACK          the stack compared with it (default: prod)
  --deployed          also compare the stacks' deployed \`release\` outputs
  --workspace DIR     read deployed outputs from this offline workspace (rehearse --workspace)
                      instead of the backend you are logged into
  --format FORMAT     table (default), markdown or json
  -h, --help          show this help

exit codes: 0 at parity, 1 not at parity, 2 bad flags or stack files, 3 tool failure`;

const FORMATS = ["table", "markdown", "json"] as const;

interface Section {
    title: string;
    differences: ParityDifference[];
    notes: string[];
}

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        {
            from: { type: "string" },
            to: { type: "string" },
            deployed: { type: "boolean" },
            workspace: { type: "string" },
            format: { type: "string" },
        },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    const format = (requireOneOf("format", flags.format, FORMATS) ?? "table") as (typeof FORMATS)[number];
    const [from, to] = [flags.from ?? "staging", flags.to ?? "prod"];
    if (from === to) {
        throw new UsageError(`--from and --to name the same stack ("${from}"); compare two different stacks`);
    }
    if (flags.workspace && !flags.deployed) {
        throw new UsageError("--workspace only matters with --deployed");
    }

    const sections = [compareStackFiles(from, to)];
    if (flags.deployed) {
        const source = flags.workspace ? new OfflineBackend(await OfflineWorkspace.create({ dir: flags.workspace })) : new LoggedInBackend();
        sections.push(await compareDeployed(source, from, to));
    }
    const atParity = sections.every((s) => s.differences.length === 0);
    console.log(render(format, from, to, sections, atParity));
    return atParity ? EXIT.ok : EXIT.refused;
}

function compareStackFiles(from: string, to: string): Section {
    let fromConfig, toConfig;
    try {
        [fromConfig, toConfig] = [parityConfigFromStackFile(REPO_ROOT, from), parityConfigFromStackFile(REPO_ROOT, to)];
    } catch (error) {
        throw error instanceof StackFileError ? new UsageError(error.message) : error;
    }
    const encrypted = Object.keys(fromConfig).filter((key) => fromConfig[key] === ENCRYPTED && toConfig[key] === ENCRYPTED);
    for (const key of encrypted) {
        delete fromConfig[key];
        delete toConfig[key];
    }
    return {
        title: "stack files",
        differences: compareParityConfig(fromConfig, toConfig),
        notes: encrypted.map((key) => `${key} is encrypted in both stack files; --deployed compares it`),
    };
}

async function compareDeployed(source: StackSource, from: string, to: string): Promise<Section> {
    const facts: ReleaseFacts[] = [];
    const notes: string[] = [];
    for (const name of [from, to]) {
        if (!(await source.exists(name))) {
            throw new UsageError(`stack "${name}" does not exist in ${source.description}`);
        }
        const read = await readStackFacts(await source.stack(name), await source.qualified(name));
        const parsed = read.releaseIsSecret
            ? ({ ok: false, problems: [`${name}'s \`release\` output is marked secret`] } as const)
            : parseReleaseFacts(read.release, `${name}'s deployed \`release\` output`);
        if (parsed.ok) {
            facts.push(parsed.value);
        } else {
            notes.push(...parsed.problems);
        }
        if (read.lastUpdate && read.lastUpdate.result !== "succeeded") {
            notes.push(`${name}'s last update ${read.lastUpdate.result}${read.lastUpdate.version ? ` (release ${read.lastUpdate.version})` : ""}`);
        }
    }
    if (facts.length < 2) {
        return { title: "deployed releases", differences: [{ kind: "version", key: "release", staging: facts.length ? "readable" : "unreadable", prod: "unreadable" }], notes };
    }
    return { title: "deployed releases", differences: compareReleases(facts[0], facts[1]), notes };
}

function render(format: (typeof FORMATS)[number], from: string, to: string, sections: Section[], atParity: boolean): string {
    if (format === "json") {
        return JSON.stringify({ from, to, atParity, sections }, null, 2);
    }
    const verdict = atParity ? "at parity" : "NOT at parity";
    if (format === "markdown") {
        const lines = [`### Parity: ${from} ↔ ${to}: ${verdict}`];
        for (const section of sections) {
            lines.push("", `**${section.title}**: ${section.differences.length === 0 ? "no differences" : `${section.differences.length} difference(s)`}`);
            if (section.differences.length > 0) {
                lines.push("", `| kind | key | ${from} | ${to} |`, "| --- | --- | --- | --- |");
                lines.push(...section.differences.map((d) => `| ${d.kind} | \`${d.key}\` | ${cell(d.staging)} | ${cell(d.prod)} |`));
            }
            lines.push(...section.notes.map((note) => `- ${note}`));
        }
        return lines.join("\n");
    }
    const lines = [`parity ${from} ↔ ${to}: ${verdict}`];
    for (const section of sections) {
        lines.push("", `${section.title}: ${section.differences.length === 0 ? "no differences" : `${section.differences.length} difference(s)`}`);
        if (section.differences.length > 0) {
            lines.push(table([["KIND", "KEY", from.toUpperCase(), to.toUpperCase()], ...section.differences.map((d) => [d.kind, d.key, d.staging, d.prod])]));
        }
        lines.push(...section.notes.map((note) => `  note: ${note}`));
    }
    return lines.join("\n");
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i].length))));
    return rows.map((row) => "  " + row.map((value, i) => value.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function cell(value: string): string {
    return value.replace(/\|/g, "\\|");
}

runMain("parity", main);

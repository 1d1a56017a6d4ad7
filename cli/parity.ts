/**
 * `npm run parity`: compares two stacks (staging and prod by default): their stack files'
 * parity-relevant config and, with --deployed, what each deployed — both checkpoints, resource by
 * resource and property by property, as the parity policy compares them, with the release each
 * runs according to its history. Prints a table, Markdown for a PR comment, or JSON. Exit 0 at
 * parity, 1 when they differ. Secret values are never printed.
 */
import { describeIdentity, ENVIRONMENT_SPECIFIC_KEYS } from "../policy-pack/src/contract";
import { REPO_ROOT } from "../tools/offline/pulumi-cli";
import { EXIT, parseFlags, requireOneOf, runMain, UsageError, markdownTable, textTable } from "./lib/kit";
import { releaseRunBy, compareStackFiles, StackFileError, requireStack, StackSource, stackSourceFor } from "./lib/stacks";
import { compareDeployedStacks } from "./lib/operations";

const USAGE = `usage: npm run parity -- [options]

Compares two stacks' parity-relevant config (every key except the environment-specific ones:
${ENVIRONMENT_SPECIFIC_KEYS.join(", ")}) from their stack files, and with --deployed also what
they deployed: both stacks' states, resource by resource and property by property, as the
parity policy compares them, and the release each runs according to its history.

options:
  --from STACK        the reference stack (default: staging)
  --to STACK          the stack compared with it (default: prod)
  --deployed          also compare the stacks' deployed states
  --workspace DIR     read deployed states from this offline workspace (rehearse --workspace)
                      instead of the backend you are logged into
  --format FORMAT     table (default), markdown or json
  -h, --help          show this help

exit codes: 0 at parity, 1 not at parity, 2 bad flags or stack files, 3 tool failure`;

const FORMATS = ["table", "markdown", "json"] as const;

/** One difference: where (a resource, or `config`), what (a property path or key), and both sides' values. */
interface Row {
    resource: string;
    path: string;
    from: string;
    to: string;
}

interface Section {
    title: string;
    differences: Row[];
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

    const sections = [compareStackFileSection(from, to)];
    if (flags.deployed) {
        const source = await stackSourceFor(flags.workspace);
        sections.push(await compareDeployed(source, from, to));
    }
    const atParity = sections.every((s) => s.differences.length === 0);
    console.log(render(format, from, to, sections, atParity));
    return atParity ? EXIT.ok : EXIT.refused;
}

function compareStackFileSection(from: string, to: string): Section {
    let comparison;
    try {
        comparison = compareStackFiles(REPO_ROOT, from, to);
    } catch (error) {
        throw error instanceof StackFileError ? new UsageError(error.message) : error;
    }
    return {
        title: "stack files",
        differences: comparison.differences.map((d) => ({ resource: "config", path: d.key, from: d.from, to: d.to })),
        notes: comparison.encrypted.map((key) => `${key} is encrypted in both stack files; --deployed compares the resources it reaches`),
    };
}

async function compareDeployed(source: StackSource, from: string, to: string): Promise<Section> {
    const notes: string[] = [];
    for (const name of [from, to]) {
        await requireStack(source, name);
        const running = await releaseRunBy(source, name);
        notes.push(running.runs ? `${name} runs release ${describeIdentity(running.identity)}` : running.problem);
    }
    const comparison = await compareDeployedStacks(source, from, to);
    notes.push(`${comparison.resourcesCompared} resources compared property by property (environment-specific values and generated ids set aside)`);
    return { title: "deployed states", differences: comparison.differences, notes };
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
                lines.push(
                    "",
                    ...markdownTable(
                        ["resource", "property", from, to],
                        section.differences.map((d) => [d.resource, `\`${d.path}\``, d.from, d.to]),
                    ),
                );
            }
            lines.push(...section.notes.map((note) => `- ${note}`));
        }
        return lines.join("\n");
    }
    const lines = [`parity ${from} ↔ ${to}: ${verdict}`];
    for (const section of sections) {
        lines.push("", `${section.title}: ${section.differences.length === 0 ? "no differences" : `${section.differences.length} difference(s)`}`);
        if (section.differences.length > 0) {
            lines.push(
                textTable([
                    ["RESOURCE", "PROPERTY", from.toUpperCase(), to.toUpperCase()],
                    ...section.differences.map((d) => [d.resource, d.path, d.from, d.to]),
                ]),
            );
        }
        lines.push(...section.notes.map((note) => `  note: ${note}`));
    }
    return lines.join("\n");
}

runMain("parity", main);

/**
 * `npm run drift -- --stack S`: is the cloud still what the stack deployed? A refresh preview (nothing is written
 * to the state or its history) lists every resource changed or deleted behind Pulumi's back, property by property.
 * A table for a terminal, Markdown for a job summary or an issue, JSON for tools. Exit 0 no drift, 1 drift, 3 when the
 * check failed (also when the engine counts changes the report cannot explain). A finished check records its verdict
 * as the stack tag atlas:drift, which `npm run status` shows.
 */
import * as fs from "fs";
import { EXIT, parseFlags, requireOneOf, runMain, UsageError } from "./lib/kit";
import { detectDrift, driftMarkdown, driftTable, recordDrift } from "./lib/operations";
import { requireStack, stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run drift -- --stack NAME [options]

Checks whether the cloud still is what the stack's state says it deployed: a refresh preview
(pulumi refresh --preview-only) reads every resource from the cloud and compares; nothing is
written to the state or its history. Lists each resource changed or deleted outside Pulumi,
property by property (a secret by its path only: the engine blinds secrets in a refresh preview).
Every resource the engine would change is listed, named or not; when the engine counts more
changed resources than the report can explain, the check fails (exit 3), never "no drift".
A finished check records its verdict as the stack tag atlas:drift (time, drifted, checked),
which npm run status shows; a failed check records nothing.

options:
  --stack NAME        the stack to check
  --format FORMAT     table (default), markdown or json
  --markdown FILE     also append the Markdown report to FILE (a job summary)
  --workspace DIR     check a stack of this offline workspace (rehearse --workspace) instead of
                      the backend you are logged into
  -h, --help          show this help

exit codes: 0 no drift, 1 drift found, 2 bad flags or no such stack, 3 the check failed
            (the engine could not read the cloud, or found changes the report cannot explain)`;

const FORMATS = ["table", "markdown", "json"] as const;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        { stack: { type: "string" }, format: { type: "string" }, markdown: { type: "string" }, workspace: { type: "string" } },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!flags.stack) {
        throw new UsageError(`--stack is required\n\n${USAGE}`);
    }
    const format = (requireOneOf("format", flags.format, FORMATS) ?? "table") as (typeof FORMATS)[number];
    const source = await stackSourceFor(flags.workspace);
    await requireStack(source, flags.stack);
    const report = await detectDrift(source, flags.stack);
    const unrecorded = await recordDrift(source, report);
    if (unrecorded) {
        console.error(`drift: ${unrecorded}`);
    }
    console.log(format === "json" ? JSON.stringify(report, null, 2) : format === "markdown" ? driftMarkdown(report) : driftTable(report));
    if (flags.markdown) {
        fs.appendFileSync(flags.markdown, `${driftMarkdown(report)}\n`);
    }
    return report.drifted.length === 0 ? EXIT.ok : EXIT.refused;
}

runMain("drift", main);

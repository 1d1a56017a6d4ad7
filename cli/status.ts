/**
 * `npm run status`: what runs where. One row per environment: its stack, the release it runs (from its own history),
 * its last operation and result, parity with its upstream (the deployed comparison of `parity --deployed`), and drift
 * where a check is recorded. A table for a terminal, Markdown (with a Mermaid flowchart) for a job summary or a
 * pull-request comment, JSON for tools. A missing stack or an unreadable state is a row saying so, not a failure.
 */
import { EXIT, parseFlags, requireOneOf, runMain } from "./lib/kit";
import { readStatus, statusMarkdown, statusTable } from "./lib/operations";
import { stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run status -- [options]

For every environment, one row: its stack, the release it runs and that release's commit (from
the stack's own history), when and by which operation it last changed and that operation's result,
whether it is at parity with its upstream (the deployed comparison of parity --deployed, and how
many differences), and the newest drift check since the release (npm run drift records its
verdict as the stack tag atlas:drift; a refresh in the history counts too); "not checked"
otherwise: status itself never refreshes. A missing stack, a failed last update or an unreadable
state is a row that says what is wrong.

options:
  --format FORMAT     table (default), markdown (with a Mermaid flowchart) or json
  --workspace DIR     read the stacks of this offline workspace (rehearse --workspace) instead of
                      the backend you are logged into
  -h, --help          show this help

exit codes: 0 status printed (whatever the rows say), 2 bad flags, 3 failure (the backend could not
            be reached for any stack: not logged in)`;

const FORMATS = ["table", "markdown", "json"] as const;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(process.argv.slice(2), { format: { type: "string" }, workspace: { type: "string" } }, USAGE);
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    const format = (requireOneOf("format", flags.format, FORMATS) ?? "table") as (typeof FORMATS)[number];
    const report = await readStatus(await stackSourceFor(flags.workspace));
    console.log(format === "json" ? JSON.stringify(report, null, 2) : format === "markdown" ? statusMarkdown(report) : statusTable(report));
    // Every row saying the backend could not be reached is a failure of the whole command, printed all the same.
    return report.backendReachable ? EXIT.ok : EXIT.failure;
}

runMain("status", main);

/**
 * `npm run access -- --stack staging`: what each role and resource policy of a deployed stack allows, per service and
 * AWS access level, on which resources, read from the stack's state (or, with --preview, from the plan of the
 * checkout's program) and judged against the access model (policy-pack/src/contract/access-model.ts, docs/access.md)
 * — for a reviewer of an access change; the pull-request workflow folds its Markdown into the comment.
 */
import { EXIT, markdownTable, parseFlags, requireOneOf, runMain, textTable, UsageError } from "./lib/kit";
import { AccessReport, readAccessReport } from "./lib/operations";
import { requireStack, stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run access -- --stack NAME [options]

Prints what each IAM role and resource policy of the stack allows, from its state (or its plan): per service and
access level (List, Read, Write, Permissions management, Tagging), the actions and the resources,
and whether the access model allows it ("-": the account's own root, where IAM decides).

options:
  --stack NAME        the stack
  --preview           read the plan of the checkout's program (pulumi preview, no policy pack) instead of the state
  --format FORMAT     table (default), markdown, or json
  --workspace DIR     read a stack of this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 printed and everything within the model, 1 a grant outside the model or a document that cannot be read, 2 bad flags or no such stack, 3 failure`;

const FORMATS = ["table", "markdown", "json"] as const;
const HEADER = ["ROLE OR POLICY", "WHO", "SERVICE", "LEVEL", "ACTIONS", "RESOURCES", "ACCESS MODEL"];

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        { stack: { type: "string" }, format: { type: "string" }, workspace: { type: "string" }, preview: { type: "boolean" } },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!flags.stack) {
        throw new UsageError(`--stack is required\n\n${USAGE}`);
    }
    const format = requireOneOf("format", flags.format, FORMATS) ?? "table";
    const source = await stackSourceFor(flags.workspace);
    await requireStack(source, flags.stack);
    const report = await readAccessReport(source, flags.stack, flags.preview === true);
    console.log(format === "json" ? JSON.stringify(report, null, 2) : format === "markdown" ? markdown(report) : table(report));
    return outside(report).length > 0 || report.problems.length > 0 ? EXIT.refused : EXIT.ok;
}

function outside(report: AccessReport): AccessReport["rows"] {
    return report.rows.filter((row) => row.model.startsWith("outside"));
}

/** One line a reviewer reads first: how many roles and policies, and whether all of it is within the model. */
function summary(report: AccessReport): string {
    const subjects = new Set(report.rows.map((r) => r.subject)).size;
    const out = outside(report);
    const verdict =
        out.length > 0
            ? `${out.length} row(s) outside the access model: ${[...new Set(out.map((r) => r.subject))].join(", ")}`
            : report.problems.length > 0
              ? `${report.problems.length} document(s) could not be read`
              : "everything within the access model";
    return `${subjects} role(s) and resource policies, from the ${report.from === "plan" ? "plan of this commit" : "stack's state"}: ${verdict}`;
}

function cells(report: AccessReport): string[][] {
    return report.rows.map((r) => [r.subject, r.who, r.service, r.level, r.actions.join(", "), r.resources.join(", "), r.model]);
}

function table(report: AccessReport): string {
    const problems = report.problems.map((p) => `  ! ${p}`);
    return [`access of stack ${report.stack}: ${summary(report)}`, textTable([HEADER, ...cells(report)]), ...problems].join("\n");
}

function markdown(report: AccessReport): string {
    return [`### Access: ${report.stack}`, "", summary(report), "", ...markdownTable(HEADER, cells(report)), ...report.problems.map((p) => `\n- ${p}`)].join(
        "\n",
    );
}

runMain("access", main);

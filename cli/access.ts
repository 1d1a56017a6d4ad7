/**
 * `npm run access -- --stack staging`: what each role and resource policy of a deployed stack allows, per service and
 * AWS access level, on which resources, read from the stack's state and judged against the access model
 * (policy-pack/src/contract/access-model.ts, docs/access.md) — for a reviewer of an access change.
 */
import { EXIT, markdownTable, parseFlags, requireOneOf, runMain, textTable, UsageError } from "./lib/kit";
import { AccessReport, readAccessReport } from "./lib/operations";
import { requireStack, stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run access -- --stack NAME [options]

Prints what each IAM role and resource policy of the stack allows, from its state: per service and
access level (List, Read, Write, Permissions management, Tagging), the actions and the resources,
and whether the access model allows it (roles; resource policies show "-").

options:
  --stack NAME        the stack
  --format FORMAT     table (default), markdown, or json
  --workspace DIR     read a stack of this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 printed and every role within the model, 1 a role holds a grant outside the model, 2 bad flags or no such stack, 3 failure`;

const FORMATS = ["table", "markdown", "json"] as const;
const HEADER = ["ROLE OR POLICY", "WHO", "SERVICE", "LEVEL", "ACTIONS", "RESOURCES", "ACCESS MODEL"];

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        { stack: { type: "string" }, format: { type: "string" }, workspace: { type: "string" } },
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
    const report = await readAccessReport(source, flags.stack);
    console.log(format === "json" ? JSON.stringify(report, null, 2) : format === "markdown" ? markdown(report) : table(report));
    return report.rows.some((row) => row.model.startsWith("outside")) || report.problems.length > 0 ? EXIT.refused : EXIT.ok;
}

function cells(report: AccessReport): string[][] {
    return report.rows.map((r) => [r.subject, r.who, r.service, r.level, r.actions.join(", "), r.resources.join(", "), r.model]);
}

function table(report: AccessReport): string {
    const problems = report.problems.map((p) => `  ! ${p}`);
    return [`access of stack ${report.stack}: ${report.rows.length} row(s)`, textTable([HEADER, ...cells(report)]), ...problems].join("\n");
}

function markdown(report: AccessReport): string {
    return [`### Access: ${report.stack}`, "", ...markdownTable(HEADER, cells(report)), ...report.problems.map((p) => `\n- ${p}`)].join("\n");
}

runMain("access", main);

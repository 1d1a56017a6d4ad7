/**
 * `npm run promote`: deploys a release to one stack through the policy gate. Reads the
 * upstream stack's facts itself, previews with the policy pack, and updates only when the
 * preview passed.
 */
import * as fs from "fs";
import { isAssignableVersion } from "../src/release";
import { OfflineWorkspace, STACK_NAMES } from "../tools/offline/workspace";
import { EXIT, parseFlags, runMain, UsageError } from "./lib/args";
import { promote, PromoteReport } from "./lib/promote";
import { formatPromoteMarkdown, formatPromoteReport, refusedByPolicy } from "./lib/report";
import { LoggedInBackend, OfflineBackend, StackSource } from "./lib/stacks";

const USAGE = `usage: npm run promote -- --stack NAME --version V [options]

Deploys release V to stack NAME: reads the upstream stack's release facts (prod's upstream
is staging), previews with the policy pack, then updates only when the preview passed.

options:
  --stack NAME           the target stack (${STACK_NAMES.join(", ")} or a fully qualified org/project/stack)
  --version V            the release version to deploy, a semantic version (CI sets it, e.g. 2026.11.26+run.7)
  --preview-only         stop after the preview
  --pull-request-check   preview only, with the version gate advisory (a pull request's build is
                         not in staging yet); parity and guardrails stay mandatory
  --markdown FILE        also append a Markdown summary to FILE (PR comments, job summaries)
  --policy-pack DIR      the policy pack (default: ./policy-pack)
  --workspace DIR        use the offline workspace in DIR (as made by rehearse --workspace)
                         instead of the backend you are logged into
  -h, --help             show this help

exit codes: 0 deployed (or preview passed), 1 refused by a policy, 2 bad flags or stack files,
            3 failed otherwise (credentials, engine, provider or program error; see the message)`;

/** On pull requests the build under review cannot be in staging yet: report, do not block. */
const PULL_REQUEST_OVERRIDES = { "prod-version-matches-staging": "advisory" };


async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            version: { type: "string" },
            "preview-only": { type: "boolean" },
            "pull-request-check": { type: "boolean" },
            markdown: { type: "string" },
            "policy-pack": { type: "string" },
            workspace: { type: "string" },
        },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!flags.stack) {
        throw new UsageError(`--stack is required\n\n${USAGE}`);
    }
    if (!flags.version) {
        throw new UsageError(`--version is required (the release to deploy)\n\n${USAGE}`);
    }
    if (!isAssignableVersion(flags.version)) {
        throw new UsageError(`--version "${flags.version}" is not a semantic version such as 1.4.0, 1.4.0-rc.1 or 2026.11.26+run.7`);
    }
    const source: StackSource = flags.workspace
        ? new OfflineBackend(await OfflineWorkspace.create({ dir: flags.workspace }))
        : new LoggedInBackend();
    if (!(await source.exists(flags.stack))) {
        throw new UsageError(`stack "${flags.stack}" does not exist in ${source.description}; create it with \`pulumi stack init ${flags.stack}\``);
    }
    const pullRequestCheck = flags["pull-request-check"] === true;
    const report = await promote(source, {
        target: flags.stack,
        version: flags.version,
        previewOnly: flags["preview-only"] || pullRequestCheck,
        policyPack: flags["policy-pack"],
        policyOverrides: pullRequestCheck ? PULL_REQUEST_OVERRIDES : undefined,
        onOutput: (chunk) => process.stderr.write(chunk),
    });
    console.log(`${flags.stack} @ ${flags.version}: ${verdict(report)}`);
    console.log(formatPromoteReport(report));
    if (flags.markdown) {
        fs.appendFileSync(flags.markdown, formatPromoteMarkdown(report, verdict(report)));
    }
    if (report.succeeded) {
        return EXIT.ok;
    }
    // Refused by a policy: 1. Failed otherwise (credentials, engine, provider, program): 3.
    const refused = [report.preview, report.update].some((outcome) => outcome && refusedByPolicy(outcome));
    return refused ? EXIT.refused : EXIT.failure;
}

function verdict(report: PromoteReport): string {
    if (!report.succeeded) {
        return "not deployed";
    }
    return report.update ? "deployed" : "preview passed";
}

runMain("promote", main);

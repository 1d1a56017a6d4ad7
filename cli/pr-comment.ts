/**
 * `npm run pr-comment`: the pull-request comment, assembled from the per-environment check reports that
 * `promote --pull-request-check --json` writes (one row per environment of the model, what would make a gated
 * environment differ from its upstream once, what needs a person, and the rest folded).
 */
import * as fs from "fs";
import * as path from "path";
import { EXIT, parseFlags, runMain, UsageError } from "./lib/kit";
import { prComment, readCommentInput } from "./lib/gate";

const USAGE = `usage: npm run pr-comment -- --reports DIR [options]

Assembles the pull-request comment from the reports in DIR: each *.json file the check report of
one environment (npm run promote -- --stack S --version V --pull-request-check --json DIR/S.json),
each *.md file folded at the end under its first heading (npm run parity -- --deployed --format
markdown, npm run status -- --format markdown). One table row per environment of the model, in
promotion order; an environment without a report is a row saying so.

options:
  --reports DIR     the directory holding the reports
  --output FILE     write the comment to FILE (default: standard output)
  -h, --help        show this help

exit codes: 0 written, 2 bad flags, a missing directory or a file that is not a check report
            (nothing written), 3 failure`;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(process.argv.slice(2), { reports: { type: "string" }, output: { type: "string" } }, USAGE);
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!flags.reports) {
        throw new UsageError(`--reports is required: the directory of the check reports\n\n${USAGE}`);
    }
    if (flags.output !== undefined && !fs.existsSync(path.dirname(path.resolve(flags.output)))) {
        throw new UsageError(`--output ${flags.output}: its directory does not exist; create it first`);
    }
    const comment = prComment(readCommentInput(flags.reports));
    if (flags.output) {
        fs.writeFileSync(flags.output, comment);
    } else {
        process.stdout.write(comment);
    }
    return EXIT.ok;
}

runMain("pr-comment", main);

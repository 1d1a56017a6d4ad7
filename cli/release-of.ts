/**
 * `npm run release-of -- --stack staging`: the release a stack runs, read from the stack itself (its history back to
 * the newest release update), never from a workflow run. The prod workflow deploys what staging runs when its job
 * starts: `--format github` writes `version=` and `commit=` lines for $GITHUB_OUTPUT.
 */
import { EXIT, parseFlags, requireOneOf, runMain, UsageError } from "./lib/kit";
import { releaseRunBy, requireStack, stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run release-of -- --stack NAME [options]

Prints the release the stack runs, from its own history: its version, commit and digest. A stack
whose newest change is not a successful release update (a failed update, a refresh that found
drift, a destroy) runs no known release.

options:
  --stack NAME        the stack
  --format FORMAT     text (default), json, or github (version= and commit= lines for $GITHUB_OUTPUT)
  --workspace DIR     read a stack of this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 it runs a release, 1 it runs no known release, 2 bad flags or no such stack, 3 failure`;

const FORMATS = ["text", "json", "github"] as const;

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
    const format = requireOneOf("format", flags.format, FORMATS) ?? "text";
    const source = await stackSourceFor(flags.workspace);
    await requireStack(source, flags.stack);
    const running = await releaseRunBy(source, flags.stack);
    if (!running.runs) {
        console.error(`release-of: ${running.problem}; to fix: ${running.fix}`);
        return EXIT.refused;
    }
    const { version, commit, digest } = running.identity;
    console.log(
        format === "json"
            ? JSON.stringify({ stack: flags.stack, version, commit, digest })
            : format === "github"
              ? `version=${version}\ncommit=${commit}`
              : `${flags.stack} runs ${version} (commit ${commit}, digest ${digest})`,
    );
    return EXIT.ok;
}

runMain("release-of", main);

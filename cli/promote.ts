/**
 * `npm run promote`: deploys a release to one stack through the policy gate. Measures the release
 * from git, reads the upstream stack's history and state itself, previews with the policy pack
 * (for prod: a pack the candidate cannot change), and updates only when the preview passed.
 */
import * as fs from "fs";
import * as path from "path";
import { isAssignableVersion } from "../policy-pack/src/contract";
import { STACK_NAMES } from "../tools/offline/workspace";
import { EXIT, parseFlags, runMain, UsageError, announcePhases } from "./lib/kit";
import {
    judgingTooling,
    runJudgingPromote,
    isGatedTarget,
    promote,
    promoteVerdict,
    checkReportOf,
    PULL_REQUEST_OVERRIDES,
    formatPromoteMarkdown,
    formatPromoteReport,
    refusedByPolicy,
    measureRelease,
    uncommittedFiles,
    PACK_CHANGE_ENV,
    PINNED_GATE_ENV,
} from "./lib/gate";
import { requireStack, StackSource, stackSourceFor } from "./lib/stacks";
import { REPO_ROOT } from "../tools/offline/pulumi-cli";

const USAGE = `usage: npm run promote -- --stack NAME --version V [options]

Deploys the checkout's commit, as release V, to stack NAME. The checkout must be clean: the
release is the commit (and a digest of its deployment inputs), measured from git. For prod,
reads which release staging runs (its history) and what it runs (its state), and judges prod
with a policy pack the candidate cannot change: the pack of the release prod runs now, or the
one at the commit in ${PINNED_GATE_ENV} (a protected setting of the prod environment). A release
that changes policy-pack/ is refused for prod unless ${PACK_CHANGE_ENV} (also a protected
setting) names its pack's git tree. Previews with the pack, then updates only when it passed.

options:
  --stack NAME           the target stack (${STACK_NAMES.join(", ")} or a fully qualified org/project/stack)
  --version V            the release version to deploy, a semantic version (CI sets it, e.g. 2026.11.26+run.7)
  --preview-only         stop after the preview
  --pull-request-check   preview only, with the release gate advisory (a pull request's commit is
                         not in staging yet: it reports how prod would differ from staging); the
                         guardrails stay mandatory
  --markdown FILE        also append a Markdown summary to FILE (PR comments, job summaries)
  --json FILE            with --pull-request-check: also write the check's JSON report to FILE,
                         which npm run pr-comment assembles into the pull-request comment
  --policy-pack DIR      the policy pack for dev or staging (default: ./policy-pack); refused for prod
  --workspace DIR        use the offline workspace in DIR (as made by rehearse --workspace)
                         instead of the backend you are logged into; for prod without --checkout,
                         runs the judging commit's promote with --checkout this checkout (as CI does)
  --checkout DIR         deploy the clean git checkout in DIR (the candidate) with this checkout's
                         tooling: the trusted path for prod, where this checkout must be the judging
                         commit (the release prod runs, or ${PINNED_GATE_ENV}); nothing of DIR but its
                         program (run by the engine, in its own process), stack files and git runs
  -h, --help             show this help

exit codes: 0 deployed (or preview passed), 1 refused: by a policy at the preview, or by the
            gate before any run (an unapproved change to policy-pack/, staging drifted),
            before the update (staging moved, options no policy sees), or after an update
            whose state shows what no policy could see (not recorded as the release; see
            the message), 2 bad flags, stack files or a
            dirty checkout (nothing ran), 3 failed otherwise (credentials, engine, provider or
            program error; see the message)`;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            version: { type: "string" },
            "preview-only": { type: "boolean" },
            "pull-request-check": { type: "boolean" },
            markdown: { type: "string" },
            json: { type: "string" },
            "policy-pack": { type: "string" },
            workspace: { type: "string" },
            checkout: { type: "string" },
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
    if (flags.json !== undefined && !flags["pull-request-check"]) {
        throw new UsageError("--json writes a pull-request check's report: add --pull-request-check (or use --markdown for a summary of any run)");
    }
    for (const file of [flags.json, flags.markdown]) {
        if (file !== undefined && !fs.existsSync(path.dirname(path.resolve(file)))) {
            throw new UsageError(`${file}: its directory ${path.dirname(path.resolve(file))} does not exist; create it first (nothing ran)`);
        }
    }
    const candidate = flags.checkout === undefined ? undefined : candidateCheckout(flags.checkout);
    const source: StackSource = await stackSourceFor(flags.workspace, candidate);
    await requireStack(source, flags.stack, `; create it with \`pulumi stack init ${flags.stack}\``);
    if (flags.workspace !== undefined && candidate === undefined && isGatedTarget(flags.stack)) {
        // Offline, prod takes the trusted path as in CI: the judging commit's tooling promotes this checkout.
        const tooling = await judgingTooling(source, flags.stack, measureRelease(REPO_ROOT, flags.version).commit, flags.workspace);
        if (tooling) {
            return runJudgingPromote(tooling, withAbsolutePaths(process.argv.slice(2)), REPO_ROOT);
        }
    }
    const pullRequestCheck = flags["pull-request-check"] === true;
    const report = await promote(source, {
        target: flags.stack,
        version: flags.version,
        previewOnly: flags["preview-only"] || pullRequestCheck,
        policyPack: flags["policy-pack"],
        policyOverrides: pullRequestCheck ? PULL_REQUEST_OVERRIDES : undefined,
        onOutput: (chunk) => process.stderr.write(chunk),
        onPhase: announcePhases("promote"),
        toolingCommit: candidate === undefined ? undefined : toolingCommit(),
    });
    console.log(`${flags.stack} @ ${flags.version}: ${promoteVerdict(report)}`);
    console.log(formatPromoteReport(report));
    if (flags.markdown) {
        fs.appendFileSync(flags.markdown, formatPromoteMarkdown(report, promoteVerdict(report)));
    }
    if (flags.json) {
        fs.writeFileSync(flags.json, JSON.stringify(checkReportOf(report, source.checkout), null, 2) + "\n");
    }
    if (report.succeeded) {
        return EXIT.ok;
    }
    // Refused by a policy, or by promote's own check of what no policy sees: 1. Failed otherwise (credentials, engine, provider, program): 3.
    const refused =
        report.refusedBeforeUpdate !== undefined ||
        report.failedAfterUpdate !== undefined ||
        [report.preview, report.update].some((outcome) => outcome && refusedByPolicy(outcome));
    return refused ? EXIT.refused : EXIT.failure;
}

/** Flags naming files, made absolute: the judging commit's promote runs in a directory of its own. */
const PATH_FLAGS = ["--markdown", "--json", "--workspace"];

function withAbsolutePaths(args: readonly string[]): string[] {
    return args.map((arg, i) => {
        const [flag, value] = arg.split(/=(.*)/s);
        if (value !== undefined && PATH_FLAGS.includes(flag)) {
            return `${flag}=${path.resolve(value)}`;
        }
        return i > 0 && PATH_FLAGS.includes(args[i - 1]) ? path.resolve(arg) : arg;
    });
}

/** The candidate's checkout, absolute; a directory that is not one is a usage error (nothing ran). */
function candidateCheckout(dir: string): string {
    const absolute = path.resolve(dir);
    if (!fs.existsSync(path.join(absolute, "Pulumi.yaml"))) {
        throw new UsageError(`--checkout ${dir}: no Pulumi.yaml there; pass the candidate's checkout (a clean git checkout of the release to deploy)`);
    }
    return absolute;
}

/** This tooling's own commit; its checkout must be clean, or the tooling would not be the commit it names. */
function toolingCommit(): string {
    const changed = uncommittedFiles(REPO_ROOT);
    if (changed.length > 0) {
        throw new UsageError(
            `the release tooling's checkout ${REPO_ROOT} has uncommitted changes (${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", …" : ""}); run promote from a clean checkout of the judging commit`,
        );
    }
    return measureRelease(REPO_ROOT, "0.0.0").commit;
}

runMain("promote", main);

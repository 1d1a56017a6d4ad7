/**
 * `npm run doctor`: the preflight a person runs before the first real deploy (and CI before a release). One line per
 * check: `ok`, the problem and its fix, or what could not be checked and why. Reads only.
 */
import { describeStackNames, ENVIRONMENT_MODEL, environmentOfStack } from "../policy-pack/src/contract";
import { EXIT, parseFlags, runMain, UsageError } from "./lib/kit";
import { findingLine, hasProblems, runDoctor, summaryLine } from "./lib/preflight";
import { stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run doctor -- [options]

Checks that this checkout, your credentials and the backend are ready to deploy: logged in to a
backend; each stack file committed; the stacks of staging and prod (every environment the model
gates, and its upstream) encrypting secrets with an AWS KMS key, never a passphrase; the
credentials' AWS account (STS, through the aws CLI) is the stack's atlas:awsAccountId; the gate's
settings ATLAS_GATE_COMMIT and ATLAS_PACK_CHANGE_APPROVED make sense for this checkout; and in CI
(GITHUB_ACTIONS=true) every variable the workflows read is set. One line per check: "ok", "✘" with
the problem and its fix, or "??" with what could not be checked and why. Changes nothing.

options:
  --stack NAME      check this stack only (default: every environment of the model)
  --workspace DIR   check this offline workspace (its file backend, its stand-in's credentials)
                    instead of the backend you are logged into
  -h, --help        show this help

exit codes: 0 no problem (some checks may say "not checked"), 1 a problem, 2 bad flags, 3 doctor
could not run`;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(process.argv.slice(2), { stack: { type: "string" }, workspace: { type: "string" } }, USAGE);
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (flags.stack !== undefined && environmentOfStack(flags.stack, ENVIRONMENT_MODEL) === undefined) {
        throw new UsageError(`--stack "${flags.stack}" is no stack of the environment model; stacks are: ${describeStackNames(ENVIRONMENT_MODEL)}`);
    }
    const findings = await runDoctor(await stackSourceFor(flags.workspace), { stack: flags.stack });
    findings.map(findingLine).forEach((line) => console.log(line));
    console.log(summaryLine(findings));
    return hasProblems(findings) ? EXIT.refused : EXIT.ok;
}

runMain("doctor", main);

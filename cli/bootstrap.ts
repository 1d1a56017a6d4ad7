/**
 * `npm run bootstrap -- variables`: the GitHub variables the workflows read, printed from the bootstrap stacks'
 * outputs (bootstrap/, docs/bootstrap.md), for a person to paste into the repository's and environments' settings.
 */
import { githubVariables, readBootstrapOutputs, variablesScript, variablesText, workflowVariables } from "./lib/bootstrap";
import { EXIT, parseFlags, requireOneOf, runMain, UsageError } from "./lib/kit";
import { bootstrapStacksFor } from "./lib/stacks";

const USAGE = `usage: npm run bootstrap -- variables [options]

Prints the GitHub variables the workflows read, from the outputs of the bootstrap stacks: the repository
variables (PULUMI_BACKEND_URL, AWS_REGION, AWS_PREVIEW_ROLE_ARN_<env>), each GitHub environment's
AWS_DEPLOY_ROLE_ARN, and each environment's secrets provider (awskms://…) for its stacks.

options:
  --format FORMAT     text (default), github (gh variable set commands), or json
  --workspace DIR     read the bootstrap stacks of this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 printed, 2 bad flags or a bootstrap stack missing or not deployed (nothing printed), 3 failure`;

const SUBCOMMANDS = ["variables"] as const;
const FORMATS = ["text", "github", "json"] as const;

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    const subcommand = argv[0]?.startsWith("-") ? undefined : argv[0];
    const { values: flags } = parseFlags(subcommand === undefined ? argv : argv.slice(1), { workspace: { type: "string" }, format: { type: "string" } }, USAGE);
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(subcommand)) {
        throw new UsageError(`say what to do first: one of ${SUBCOMMANDS.join(", ")} (got ${subcommand ?? "nothing"})\n\n${USAGE}`);
    }
    const format = requireOneOf("format", flags.format, FORMATS) ?? "text";
    const stacks = await bootstrapStacksFor(flags.workspace);
    const variables = githubVariables(await readBootstrapOutputs(stacks), workflowVariables(stacks.checkout));
    console.log(format === "json" ? JSON.stringify(variables, null, 2) : format === "github" ? variablesScript(variables) : variablesText(variables));
    return EXIT.ok;
}

runMain("bootstrap", main);

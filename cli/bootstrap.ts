/**
 * `npm run bootstrap -- preview|up --stack S`: a bootstrap stack (bootstrap/, docs/bootstrap.md) previewed, or
 * deployed, with the bootstrap's policy pack, as the release tooling deploys a release with its pack.
 * `npm run bootstrap -- variables`: the GitHub variables the workflows read, printed from the bootstrap stacks'
 * outputs, for a person to paste into the repository's and environments' settings.
 */
import {
    deployBootstrapStack,
    formatDeployment,
    githubVariables,
    readBootstrapOutputs,
    refusedByPolicy,
    variablesScript,
    variablesText,
    workflowVariables,
} from "./lib/bootstrap";
import { announcePhases, EXIT, parseFlags, requireOneOf, runMain, UsageError } from "./lib/kit";
import { bootstrapStacksFor } from "./lib/stacks";

const USAGE = `usage: npm run bootstrap -- preview|up --stack NAME [options]
       npm run bootstrap -- variables [options]

preview     previews a bootstrap stack with the bootstrap's policy pack (bootstrap/policy-pack)
up          the same preview, then, if no policy refused, the update held to its plan; deploy the account
            stacks (named after each account's first environment) before tooling
variables   prints the GitHub variables the workflows read, from the bootstrap stacks' outputs: the repository
            variables (PULUMI_BACKEND_URL, AWS_REGION, AWS_PREVIEW_ROLE_ARN_<env>), each GitHub environment's
            AWS_DEPLOY_ROLE_ARN, and each environment's secrets provider (awskms://…) for its stacks

options:
  --stack NAME        preview, up: the bootstrap stack
  --format FORMAT     variables: text (default), github (gh variable set commands), or json
  --workspace DIR     use the bootstrap stacks of this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 printed, previewed or deployed; 1 refused by the bootstrap policy pack (nothing deployed); 2 bad flags,
an unknown bootstrap stack, or (variables) a bootstrap stack missing or not deployed; 3 failure`;

const SUBCOMMANDS = ["preview", "up", "variables"] as const;
const FORMATS = ["text", "github", "json"] as const;

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    const subcommand = argv[0]?.startsWith("-") ? undefined : argv[0];
    const { values: flags } = parseFlags(
        subcommand === undefined ? argv : argv.slice(1),
        { stack: { type: "string" }, workspace: { type: "string" }, format: { type: "string" } },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(subcommand)) {
        throw new UsageError(`say what to do first: one of ${SUBCOMMANDS.join(", ")} (got ${subcommand ?? "nothing"})\n\n${USAGE}`);
    }
    if (subcommand === "variables") {
        if (flags.stack !== undefined) {
            throw new UsageError(`variables reads every bootstrap stack and takes no --stack\n\n${USAGE}`);
        }
        const format = requireOneOf("format", flags.format, FORMATS) ?? "text";
        const stacks = await bootstrapStacksFor(flags.workspace);
        const variables = githubVariables(await readBootstrapOutputs(stacks), workflowVariables(stacks.checkout));
        console.log(format === "json" ? JSON.stringify(variables, null, 2) : format === "github" ? variablesScript(variables) : variablesText(variables));
        return EXIT.ok;
    }
    if (flags.format !== undefined) {
        throw new UsageError(`--format is for variables; ${subcommand} prints the engine's output and the pack's verdict\n\n${USAGE}`);
    }
    if (flags.stack === undefined) {
        throw new UsageError(`--stack is required: the bootstrap stack to ${subcommand === "up" ? "deploy" : "preview"}\n\n${USAGE}`);
    }
    const deployment = await deployBootstrapStack(await bootstrapStacksFor(flags.workspace), flags.stack, {
        previewOnly: subcommand === "preview",
        onOutput: (chunk) => process.stderr.write(chunk),
        onPhase: announcePhases("bootstrap"),
    });
    console.log(formatDeployment(deployment));
    return deployment.succeeded ? EXIT.ok : refusedByPolicy(deployment.preview) ? EXIT.refused : EXIT.failure;
}

runMain("bootstrap", main);

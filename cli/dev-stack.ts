/**
 * `npm run dev-stack -- --name alice`: a dev environment of your own (the stack `dev-alice`), made
 * from dev's stack file with its own name prefix, in dev's account; `--pull-request 42` makes a
 * pull request's review stack `pr-42` (the review-stack workflow). `--destroy` tears it down:
 * destroys its resources, removes the stack and its stack file.
 */
import { EXIT, parseFlags, runMain } from "./lib/kit";
import { SANDBOX_ENVIRONMENT, createSandboxStack, destroySandboxStack, sandboxStackName, stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run dev-stack -- (--name NAME | --pull-request N) [options]

Creates a ${SANDBOX_ENVIRONMENT} environment stack of your own: dev-NAME, or pr-N for a pull request's
review stack. Its stack file Pulumi.<stack>.yaml is made from Pulumi.${SANDBOX_ENVIRONMENT}.yaml with a
name prefix no other stack can produce (an existing file is kept), and the stack is created (or
selected when it exists). Deploy it with pulumi up --stack <stack> (or npm run promote -- --stack <stack>).
The pack judges it as ${SANDBOX_ENVIRONMENT}: ${SANDBOX_ENVIRONMENT}'s account and guardrails.

options:
  --name NAME         your stack dev-NAME (1-15 lower-case letters and digits, starting with a letter)
  --pull-request N    the review stack pr-N of pull request N
  --destroy           destroy the stack's resources, remove the stack and delete its stack file
  --workspace DIR     use this offline workspace instead of the backend you are logged into
  -h, --help          show this help

exit codes: 0 done, 2 bad flags or no such stack (for --destroy), 3 failure`;

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        { name: { type: "string" }, "pull-request": { type: "string" }, destroy: { type: "boolean" }, workspace: { type: "string" } },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    const stackName = sandboxStackName({ name: flags.name, pullRequest: flags["pull-request"] });
    const source = await stackSourceFor(flags.workspace);
    const again = flags.name ? `--name ${flags.name}` : `--pull-request ${flags["pull-request"]}`;
    if (flags.destroy) {
        console.log(`dev-stack: destroying ${stackName} in ${source.description}`);
        console.log(`dev-stack: ${await destroySandboxStack(source, stackName, ` (nothing to destroy; create it with npm run dev-stack -- ${again})`)}`);
        return EXIT.ok;
    }
    console.log(`dev-stack: ${await createSandboxStack(source, stackName)}`);
    console.log(`dev-stack: deploy it with pulumi up --stack ${stackName}; tear it down with npm run dev-stack -- ${again} --destroy`);
    return EXIT.ok;
}

runMain("dev-stack", main);

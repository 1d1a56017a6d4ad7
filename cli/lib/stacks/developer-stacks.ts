/**
 * Stacks of the dev environment besides `dev` itself: a developer's (`dev-alice`) and a pull
 * request's review stack (`pr-42`). Each is made from dev's stack file with a name prefix of its
 * own, in dev's account, judged by the pack as dev (policy-pack/src/contract/environments.ts).
 */
import * as fs from "fs";
import { ENVIRONMENT_MODEL, environmentOf } from "../../../policy-pack/src/contract";
import { UsageError } from "../kit";
import { stackFilePath } from "./stack-file-config";
import { StackSource, requireStack } from "./stack-source";

/** The environment whose stack file developer and review stacks are made from. */
const SANDBOX = ENVIRONMENT_MODEL.find((e) => e.extraStacks.length > 0)!;

/** Which stack a `--name` or `--pull-request` flag names; refuses a name the model does not place in the sandbox. */
export function sandboxStackName(flags: { name?: string; pullRequest?: string }): string {
    if ((flags.name === undefined) === (flags.pullRequest === undefined)) {
        throw new UsageError("give exactly one of --name NAME (your own stack) or --pull-request N (a review stack)");
    }
    const [extra, suffix] =
        flags.name !== undefined ? [SANDBOX.extraStacks[0]!, flags.name] : [SANDBOX.extraStacks.find((e) => e.prefix === "pr-")!, flags.pullRequest!];
    const stack = `${extra.prefix}${suffix}`;
    if (environmentOf(stack) !== SANDBOX.name) {
        throw new UsageError(
            `"${suffix}" cannot name ${extra.what}: expected ${extra.suffixHint}, and not an environment's name (the stack would be ${stack})`,
        );
    }
    return stack;
}

/**
 * The stack's name prefix: the sandbox's, a double dash, then the stack's own word (`atlas-dev--alice`,
 * `atlas-dev--pr42`). The sandbox's own names never hold a double dash and the word holds no dash,
 * so no two of these stacks, and none of them and dev, can produce the same physical name.
 */
export function sandboxNamePrefix(sandboxPrefix: string, stack: string): string {
    const own = `${SANDBOX.name}-`;
    return `${sandboxPrefix}--${stack.startsWith(own) ? stack.slice(own.length) : stack.replace(/-/g, "")}`;
}

const NAME_PREFIX_LINE = /^(\s*atlas:namePrefix:\s*)(\S+)\s*$/m;

/** The stack file of `stack`: the sandbox's, with its own name prefix and a first line saying where it came from. */
export function sandboxStackFile(sandboxFile: string, stack: string): string {
    const match = NAME_PREFIX_LINE.exec(sandboxFile);
    if (!match) {
        throw new UsageError(
            `Pulumi.${SANDBOX.name}.yaml has no atlas:namePrefix line to derive ${stack}'s from; set it: pulumi config set --stack ${SANDBOX.name} atlas:namePrefix atlas-${SANDBOX.name}`,
        );
    }
    const prefix = sandboxNamePrefix(match[2].replace(/^["']|["']$/g, ""), stack);
    const body = sandboxFile.replace(NAME_PREFIX_LINE, `$1${prefix}`);
    return `# ${stack}: made by npm run dev-stack from Pulumi.${SANDBOX.name}.yaml (its own name prefix; the ${SANDBOX.name} account and guardrails).\n${body}`;
}

/** Writes the stack file unless one exists (a developer's own edits are kept); says which. */
export function writeSandboxStackFile(projectDir: string, stack: string): "written" | "kept" {
    const target = stackFilePath(projectDir, stack);
    if (fs.existsSync(target)) {
        return "kept";
    }
    const source = stackFilePath(projectDir, SANDBOX.name);
    if (!fs.existsSync(source)) {
        throw new UsageError(`${source} does not exist: ${stack} is made from ${SANDBOX.name}'s stack file`);
    }
    fs.writeFileSync(target, sandboxStackFile(fs.readFileSync(source, "utf8"), stack));
    return "written";
}

export const SANDBOX_ENVIRONMENT = SANDBOX.name;

/** Creates (or selects) the stack with its stack file; one line saying what happened. */
export async function createSandboxStack(source: StackSource, stack: string): Promise<string> {
    const written = writeSandboxStackFile(source.projectDir, stack);
    const existed = await source.exists(stack);
    await source.stack(stack, { create: true });
    return `${stack} ${existed ? "exists" : "created"} in ${source.description}; stack file ${stackFilePath(source.projectDir, stack)} ${written === "written" ? "written" : "kept as it is"}`;
}

/** Destroys the stack's resources, removes the stack and deletes its stack file; one line saying what happened. */
export async function destroySandboxStack(source: StackSource, stack: string, hint = ""): Promise<string> {
    await requireStack(source, stack, hint);
    const result = await (await source.stack(stack)).destroy({ color: "never" });
    const changes = Object.entries(result.summary.resourceChanges ?? {})
        .map(([op, count]) => `${count} ${op}`)
        .join(", ");
    await (await source.stack(stack)).workspace.removeStack(stack);
    const file = stackFilePath(source.projectDir, stack);
    fs.rmSync(file, { force: true });
    return `${stack} destroyed (${changes || "nothing to delete"}), removed, and ${file} deleted`;
}

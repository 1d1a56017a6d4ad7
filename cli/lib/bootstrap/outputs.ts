/**
 * The bootstrap stacks' outputs, read and checked against the model: every stack deployed, holding the outputs this
 * bootstrap writes (bootstrap/src/outputs.ts) for every environment. A stack that is missing, never deployed or
 * deployed before an environment was added is named with the command that fixes it.
 */
import { accountStacks, environmentAccounts, TOOLING_STACK } from "../../../bootstrap/src/accounts";
import { AccountOutputs, ToolingOutputs } from "../../../bootstrap/src/outputs";
import { UsageError } from "../kit";
import { BootstrapStacks } from "../stacks";

export interface BootstrapOutputs {
    /** Each account stack's outputs, by stack name, in deployment order. */
    accounts: Record<string, AccountOutputs>;
    tooling: ToolingOutputs;
}

/** What fixes a bootstrap stack: deploying it (again) with this checkout's bootstrap. */
export function deployHint(stacks: BootstrapStacks, name: string): string {
    return `npm run bootstrap -- up --stack ${name}${stacks.flags} (the account stacks ${stacks.names.filter((n) => n !== TOOLING_STACK).join(", ")} before ${TOOLING_STACK})`;
}

export async function readBootstrapOutputs(stacks: BootstrapStacks): Promise<BootstrapOutputs> {
    const existing = await stacks.existing();
    const missing = stacks.names.filter((name) => !existing.has(name));
    if (missing.length > 0) {
        throw new UsageError(`bootstrap stack(s) ${missing.join(", ")} do not exist in ${stacks.description}; deploy each: ${deployHint(stacks, missing[0])}`);
    }
    const read = async (name: string) => {
        const outputs = await (await stacks.stack(name)).outputs();
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
    };
    const accounts: Record<string, AccountOutputs> = {};
    for (const name of stacks.names.filter((n) => n !== TOOLING_STACK)) {
        accounts[name] = checked(stacks, name, await read(name), ACCOUNT_OUTPUTS) as unknown as AccountOutputs;
    }
    const tooling = checked(stacks, TOOLING_STACK, await read(TOOLING_STACK), TOOLING_OUTPUTS) as unknown as ToolingOutputs;
    requireEveryEnvironment(stacks, accounts, tooling);
    return { accounts, tooling };
}

type Shape = "string" | "map";
const ACCOUNT_OUTPUTS: Record<keyof AccountOutputs, Shape> = {
    accountId: "string",
    githubRepository: "string",
    deployRoleArns: "map",
    previewRoleArns: "map",
    regions: "map",
};
const TOOLING_OUTPUTS: Record<keyof ToolingOutputs, Shape> = { backendUrl: "string", secretsProviders: "map" };

function checked(stacks: BootstrapStacks, name: string, outputs: Record<string, unknown>, shape: Record<string, Shape>): Record<string, unknown> {
    const wrong = Object.entries(shape)
        .filter(([key, kind]) => !(kind === "string" ? typeof outputs[key] === "string" : isStringMap(outputs[key])))
        .map(([key]) => key);
    if (wrong.length > 0) {
        const never = Object.keys(outputs).length === 0;
        throw new UsageError(
            `bootstrap stack ${name} ${never ? "has no outputs: it was created but never deployed" : `lacks the output(s) ${wrong.join(", ")}: it was deployed by an older bootstrap`}; deploy it: ${deployHint(stacks, name)}`,
        );
    }
    return outputs;
}

function isStringMap(value: unknown): value is Record<string, string> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

/** Every environment of the model has its roles in its account's stack, and its key in the tooling stack. */
function requireEveryEnvironment(stacks: BootstrapStacks, accounts: Record<string, AccountOutputs>, tooling: ToolingOutputs): void {
    const problems: string[] = [];
    for (const { stack, accountId, environments } of accountStacks(environmentAccounts(stacks.checkout))) {
        const outputs = accounts[stack];
        if (outputs.accountId !== accountId) {
            problems.push(
                `bootstrap stack ${stack} is deployed in account ${outputs.accountId}, but the stack files now put ${stack} in ${accountId}; ${deployHint(stacks, stack)}`,
            );
            continue;
        }
        for (const { environment } of environments.filter((e) => !(e.environment in outputs.deployRoleArns && e.environment in outputs.previewRoleArns))) {
            problems.push(`environment ${environment} has no CI roles in bootstrap stack ${stack}; ${deployHint(stacks, stack)}`);
        }
        for (const { environment } of environments.filter((e) => !(e.environment in tooling.secretsProviders))) {
            problems.push(`environment ${environment} has no secrets key in bootstrap stack ${TOOLING_STACK}; ${deployHint(stacks, TOOLING_STACK)}`);
        }
    }
    if (problems.length > 0) {
        throw new UsageError(`the bootstrap stacks are behind the environment model:\n  ${problems.join("\n  ")}`);
    }
}

/**
 * The bootstrap program: the tooling stack, or the stack of one environment account, chosen by the stack's name
 * (`tooling`, or the name of the account's first environment: accounts.ts). What each holds comes from the
 * environments' stack files and this project's config; nothing here names an environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { accountStack } from "./account-stack";
import { accountStacks, environmentAccounts, mainProjectName, TOOLING_STACK } from "./accounts";
import { loadBootstrapConfig } from "./config";
import { StateLocation } from "./state-access";
import { toolingStack } from "./tooling-stack";

export async function bootstrapProgram(): Promise<Record<string, unknown>> {
    const stackName = pulumi.getStack();
    const config = loadBootstrapConfig();
    const all = environmentAccounts();
    const location: StateLocation = {
        project: mainProjectName(),
        bucket: config.stateBucket,
        toolingAccountId: config.toolingAccountId,
        toolingRegion: config.toolingRegion,
    };
    if (stackName === TOOLING_STACK) {
        return { ...toolingStack(all, config, location) };
    }
    const stacks = accountStacks(all);
    const stack = stacks.find((s) => s.stack === stackName);
    if (!stack) {
        const hosted = stacks.find((s) => s.environments.some((e) => e.environment === stackName));
        throw new Error(
            hosted
                ? `environment ${stackName} shares account ${hosted.accountId} with ${hosted.stack}: bootstrap it with the stack ${hosted.stack}`
                : `no bootstrap stack ${stackName}: the stacks are ${[TOOLING_STACK, ...stacks.map((s) => s.stack)].join(", ")}`,
        );
    }
    return { ...(await accountStack(stack, all, config, location)) };
}

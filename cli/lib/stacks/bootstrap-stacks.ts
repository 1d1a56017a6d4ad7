/**
 * Where the bootstrap's stacks (bootstrap/) live: the backend you are logged into, run from the checkout's
 * bootstrap/ project; or an offline workspace, beside its release stacks (tools/offline/bootstrap-project.ts).
 * Which stacks there are comes from the environments' stack files (bootstrap/src/accounts.ts).
 */
import * as path from "path";
import { LocalWorkspace, LocalWorkspaceOptions, Stack } from "@pulumi/pulumi/automation";
import { accountStacks, environmentAccounts, TOOLING_STACK } from "../../../bootstrap/src/accounts";
import { BOOTSTRAP_DIR, bootstrapProjectDir } from "../../../tools/offline/bootstrap-project";
import { pulumiCommand, REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { OfflineWorkspace } from "../../../tools/offline/workspace";
import { UsageError } from "../kit";

export interface BootstrapStacks {
    /** One line for messages: which backend the stacks live in. */
    readonly description: string;
    /** The flags that name this backend on a command line (` --workspace DIR`, or nothing). */
    readonly flags: string;
    /** The checkout whose bootstrap program and stack files are used. */
    readonly checkout: string;
    /** Every bootstrap stack, in the order they are deployed: the account stacks (model order), then tooling. */
    readonly names: readonly string[];
    /** The names of the stacks the backend has. */
    existing(): Promise<Set<string>>;
    /** Selects a stack; `create` also creates a missing one. */
    stack(name: string, options?: { create?: boolean }): Promise<Stack>;
}

/** The bootstrap stacks of the model, in deployment order (the tooling stack's policies name the account stacks' roles). */
export function bootstrapStackNames(checkout: string = REPO_ROOT): string[] {
    return [...accountStacks(environmentAccounts(checkout)).map((s) => s.stack), TOOLING_STACK];
}

class BootstrapProject implements BootstrapStacks {
    readonly names: readonly string[];

    constructor(
        readonly description: string,
        readonly flags: string,
        readonly checkout: string,
        private readonly options: () => Promise<LocalWorkspaceOptions & { workDir: string }>,
    ) {
        this.names = bootstrapStackNames(checkout);
    }

    async existing(): Promise<Set<string>> {
        const workspace = await LocalWorkspace.create(await this.options());
        return new Set((await workspace.listStacks()).map((s) => s.name.slice(s.name.lastIndexOf("/") + 1)));
    }

    async stack(name: string, options: { create?: boolean } = {}): Promise<Stack> {
        const opts = await this.options();
        const args = { stackName: name, workDir: opts.workDir };
        return options.create ? LocalWorkspace.createOrSelectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
    }
}

/** The bootstrap stacks of `--workspace DIR` (an existing offline workspace), or of the backend you are logged into. */
export async function bootstrapStacksFor(workspaceDir: string | undefined, checkout: string = REPO_ROOT): Promise<BootstrapStacks> {
    if (workspaceDir === undefined) {
        const workDir = path.join(checkout, BOOTSTRAP_DIR);
        return new BootstrapProject("the Pulumi backend you are logged into", "", checkout, async () => ({ workDir }));
    }
    if (!OfflineWorkspace.existsAt(workspaceDir)) {
        throw new UsageError(
            `--workspace ${workspaceDir} is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace ${workspaceDir}`,
        );
    }
    const workspace = await OfflineWorkspace.create({ dir: workspaceDir, projectSource: checkout });
    return new BootstrapProject(`offline workspace ${workspace.dir}`, ` --workspace ${workspaceDir}`, checkout, async () => ({
        workDir: bootstrapProjectDir(workspace, checkout),
        envVars: workspace.env(),
        pulumiCommand: await pulumiCommand(workspace.cli),
    }));
}

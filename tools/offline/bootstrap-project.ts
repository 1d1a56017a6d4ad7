/**
 * The bootstrap program (bootstrap/) in an offline workspace: a project directory of its own beside the main one
 * (`<workspace>/bootstrap-project`, its Pulumi.yaml naming the checkout's bootstrap/ as the program), in the same
 * file backend, so the bootstrap stacks sit beside the release's stacks as they would in a real organisation's.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { pulumiCommand } from "./pulumi-cli";
import { OfflineWorkspace } from "./workspace";

export const BOOTSTRAP_DIR = "bootstrap";

/** The bootstrap project's directory in the workspace, its Pulumi.yaml made the checkout's (with `main` there). */
export function bootstrapProjectDir(workspace: OfflineWorkspace, checkout: string): string {
    const dir = path.join(workspace.dir, "bootstrap-project");
    fs.mkdirSync(dir, { recursive: true });
    const project = yaml.load(fs.readFileSync(path.join(checkout, BOOTSTRAP_DIR, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    const main = path.resolve(checkout, BOOTSTRAP_DIR, typeof project.main === "string" ? project.main : ".");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump({ ...project, main }, { lineWidth: -1 }));
    return dir;
}

/** Selects (creating on first use) a bootstrap stack of the workspace; the CLI runs the checkout's bootstrap program. */
export async function bootstrapStack(workspace: OfflineWorkspace, checkout: string, stackName: string, env: Record<string, string> = {}): Promise<Stack> {
    const workDir = bootstrapProjectDir(workspace, checkout);
    return LocalWorkspace.createOrSelectStack(
        { stackName, workDir },
        { workDir, envVars: { ...workspace.env(), ...env }, pulumiCommand: await pulumiCommand(workspace.cli) },
    );
}

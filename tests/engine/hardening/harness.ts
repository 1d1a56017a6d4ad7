/**
 * Shared by the hardening engine tests: the state's resource URNs, the workspace's CLI
 * environment, child processes of the project's commands, and a transcript of everything
 * the commands and the engine printed (for the secret grep).
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { atlasProgram } from "../../../src/program";
import { OfflineBackend } from "../../../cli/lib/stacks";
import { currentReleaseVersion } from "../../../src/release";
import { OfflineWorkspace } from "../../../tools/offline/workspace";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";

export const TS_NODE = path.join(REPO_ROOT, "node_modules", ".bin", "ts-node");

export interface StateSummary {
    urns: string[];
    pendingOperations: { type: string; urn: string }[];
    /** URNs of resources recorded with an initialisation error (partial creates or updates). */
    initErrors: string[];
}

// Exported deployments are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Deployment = { resources?: any[]; pending_operations?: any[] };

export async function stateOf(stack: Stack): Promise<StateSummary> {
    const deployment = (await stack.exportStack()).deployment as Deployment;
    const resources = deployment.resources ?? [];
    return {
        urns: resources.map((r) => String(r.urn)).sort(),
        pendingOperations: (deployment.pending_operations ?? []).map((op) => ({ type: String(op.type), urn: String(op.resource?.urn) })),
        initErrors: resources.filter((r) => (r.initErrors ?? []).length > 0).map((r) => String(r.urn)),
    };
}

/** `type::name` of every resource in state that the release facts track. */
export function rolesOf(urns: string[]): string[] {
    return urns
        .map((urn) => {
            const parts = urn.split("::");
            const type = parts[2].split("$").pop() as string;
            return `${type}::${parts[3]}`;
        })
        .filter((role) => !/^pulumi:(pulumi:Stack|pulumi:StackReference|providers:)/.test(role))
        .sort();
}

/** True when this working tree's build may reach prod (a clean tree); a shared checkout rarely is. */
export function promotableBuild(): boolean {
    return currentReleaseVersion(REPO_ROOT, { ATLAS_RELEASE_VERSION: "1.0.0" }).promotable;
}

/**
 * The policy overrides the prod fault tests deploy with. A dirty working tree's build is not
 * promotable, so prod-version-matches-staging would refuse every prod update; for tests about
 * resuming a failed update (not about the gate) it reports instead. A clean tree needs none.
 */
export function prodDeployOverrides(): Record<string, unknown> | undefined {
    return promotableBuild() ? undefined : { "prod-version-matches-staging": "advisory" };
}

/** An offline backend whose stacks run `programs[name]` (the real program wrapped), else atlasProgram. */
export class ProgramBackend extends OfflineBackend {
    constructor(workspace: OfflineWorkspace, private readonly programs: Record<string, () => Promise<Record<string, unknown>>>) {
        super(workspace);
    }

    async stack(name: string, options: { create?: boolean } = {}): Promise<Stack> {
        if (!options.create && !(await this.exists(name))) {
            throw new Error(`stack "${name}" does not exist in ${this.description}`);
        }
        return this.workspace.stack(name, this.programs[name] ?? atlasProgram);
    }
}

export interface CommandResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs one of the project's commands (cli/<name>.ts) as a child process, as `npm run <name>` does. */
export function runCommand(name: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    const child = spawn(TS_NODE, ["-T", path.join(REPO_ROOT, "cli", `${name}.ts`), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    return collect(child);
}

export function collect(child: ChildProcess, onStdout?: (text: string) => void): Promise<CommandResult> {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (data: Buffer) => {
        stdout += data.toString();
        onStdout?.(stdout);
    });
    child.stderr?.on("data", (data: Buffer) => (stderr += data.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** The Pulumi CLI itself, with the workspace's isolated environment, in its project directory. */
export function pulumi(workspace: OfflineWorkspace, args: string[]): string {
    return execFileSync(workspace.cli.binary, args, {
        cwd: workspace.projectDir,
        env: { ...process.env, ...workspace.env() },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
}

/** promote and the inline program set ATLAS_RELEASE_VERSION in this process; the returned function puts it back. */
export function releaseVersionRestorer(): () => void {
    const saved = process.env.ATLAS_RELEASE_VERSION;
    return () => {
        if (saved === undefined) {
            delete process.env.ATLAS_RELEASE_VERSION;
        } else {
            process.env.ATLAS_RELEASE_VERSION = saved;
        }
    };
}

/**
 * The file backend stores each stack as `<stack>.json` plus a `<stack>.json.attrs` sidecar (and
 * `.bak` copies). A kill while a sidecar is written can leave it empty, and the CLI then refuses
 * the stack with `failed to load checkpoint: EOF`. Deleting empty sidecars and stray `*.tmp`
 * files restores it (the checkpoint itself is renamed into place whole). Returns what it removed.
 */
export function removeEmptyCheckpointSidecars(workspace: OfflineWorkspace): string[] {
    const dir = path.join(workspace.stateDir, ".pulumi", "stacks", "atlas");
    const removed = fs
        .readdirSync(dir)
        .filter((file) => (file.endsWith(".attrs") && fs.statSync(path.join(dir, file)).size === 0) || file.endsWith(".tmp"));
    removed.forEach((file) => fs.rmSync(path.join(dir, file)));
    return removed;
}

/**
 * Shared by the hardening engine tests: the state's resource URNs, the workspace's CLI
 * environment, child processes of the project's commands, and a transcript of everything
 * the commands and the engine printed (for the secret grep).
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { OfflineBackend } from "../../../cli/lib/stacks/stack-source";
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

/** `type::name` of every resource in state but the engine's bookkeeping (stack, references, providers). */
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

/**
 * An offline backend deploying `checkout` whose stacks run `programs[name]` inline (the real program wrapped),
 * else the checkout's own program, inline too (the CLI's path is covered by language-host.spec.ts).
 */
export class ProgramBackend extends OfflineBackend {
    constructor(
        workspace: OfflineWorkspace,
        checkout: string,
        private readonly programs: Record<string, PulumiFn>,
    ) {
        super(workspace, checkout);
    }

    protected inlineProgramFor(stack: string): PulumiFn {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return this.programs[stack] ?? (require(this.checkout) as PulumiFn);
    }
}

export interface CommandResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * Runs one of the project's commands (cli/<name>.ts) of the checkout at `root` as a child process,
 * as `npm run <name>` there does (promote deploys the checkout it runs from, which must be clean).
 */
export function runCommand(name: string, args: string[], options: { root?: string; env?: Record<string, string> } = {}): Promise<CommandResult> {
    const root = options.root ?? REPO_ROOT;
    const child = spawn(TS_NODE, ["-T", path.join(root, "cli", `${name}.ts`), ...args], {
        cwd: root,
        env: { ...process.env, ...options.env },
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

/** promote and the inline program set ATLAS_RELEASE_* in this process; the returned function puts them back. */
export { releaseEnvRestorer as releaseVersionRestorer } from "../support/offline-release";

/**
 * The file backend stores each stack as `<stack>.json` plus a `<stack>.json.attrs` sidecar (and
 * `.bak` copies). A kill while a sidecar is written can leave it empty, and the CLI then refuses
 * the stack with `failed to load checkpoint: EOF`. Deleting empty sidecars and stray `*.tmp`
 * files restores it (the checkpoint itself is renamed into place whole). Returns what it removed.
 */
export function removeEmptyCheckpointSidecars(workspace: OfflineWorkspace): string[] {
    const dir = path.join(workspace.stateDir, ".pulumi", "stacks", "atlas");
    const removed = fs.readdirSync(dir).filter((file) => (file.endsWith(".attrs") && fs.statSync(path.join(dir, file)).size === 0) || file.endsWith(".tmp"));
    removed.forEach((file) => fs.rmSync(path.join(dir, file)));
    return removed;
}

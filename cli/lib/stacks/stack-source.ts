/**
 * Where the release commands find stacks, and which checkout they deploy. The same commands run
 * against the backend the user is logged into (the program runs through the Pulumi CLI's Node.js
 * language host) or against an offline workspace (the same CLI path through the project's language host, see docs/offline-engine.md).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { ReleaseIdentity, releaseEnv } from "../../../policy-pack/src/contract";
import { UsageError } from "../kit";
import { OfflineWorkspace } from "../../../tools/offline/workspace";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";

export interface StackSource {
    /** One line for reports: which backend the stacks live in. */
    readonly description: string;
    /** The git checkout whose program, stack files and policy pack are deployed. */
    readonly checkout: string;
    /** Git repositories that may hold commits the stacks ran (the checkout first). */
    readonly repositories: readonly string[];
    /** The directory holding the Pulumi.yaml and stack files the CLI uses. */
    readonly projectDir: string;
    /** Selects an existing stack; `create` also creates a missing one; `env` reaches the CLI runs of that stack. */
    stack(name: string, options?: StackOptions): Promise<Stack>;
    exists(name: string): Promise<boolean>;
    /** The fully qualified name other stacks use to reference this one. */
    qualified(name: string): Promise<string>;
    /** The release the next program run deploys. */
    setRelease(identity: ReleaseIdentity): void;
    /** Runs the Pulumi CLI against this backend and project; resolves to its standard output. */
    pulumi(args: string[]): Promise<string>;
    /** A new private directory for one run's plan and policy config; the caller removes it. */
    scratchDir(): string;
}

export interface StackOptions {
    create?: boolean;
    /** Variables for the CLI (and the plugins it starts) on top of the source's, e.g. AWS_PROFILE for another account. */
    env?: Record<string, string>;
}

const run = promisify(execFile);
const MAX_OUTPUT = 512 * 1024 * 1024;

/** Stacks in the backend the user is logged into, running the checkout's program. */
export class LoggedInBackend implements StackSource {
    readonly description = "the Pulumi backend you are logged into";
    private release: Record<string, string> = {};

    constructor(readonly checkout: string = REPO_ROOT) {}

    get projectDir(): string {
        return this.checkout;
    }

    get repositories(): readonly string[] {
        return [this.checkout];
    }

    async stack(name: string, options: StackOptions = {}): Promise<Stack> {
        const args = { stackName: name, workDir: this.checkout };
        const opts = { envVars: { ...this.release, ...options.env } };
        return options.create ? LocalWorkspace.createOrSelectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
    }

    async exists(name: string): Promise<boolean> {
        const workspace = await LocalWorkspace.create({ workDir: this.checkout });
        return (await workspace.listStacks()).some((s) => s.name === name || s.name.endsWith(`/${name}`));
    }

    async qualified(name: string): Promise<string> {
        if (name.split("/").length === 3) {
            return name;
        }
        // The backend's own answer: `organization/atlas/staging` on a self-managed backend, the
        // stack's organization on Pulumi Cloud; the same name the program's StackReference uses.
        return (await this.pulumi(["stack", "--show-name", "--fully-qualify-stack-names", "--stack", name])).trim();
    }

    setRelease(identity: ReleaseIdentity): void {
        this.release = releaseEnv(identity);
    }

    async pulumi(args: string[]): Promise<string> {
        return (await run("pulumi", args, { cwd: this.checkout, maxBuffer: MAX_OUTPUT })).stdout;
    }

    scratchDir(): string {
        return fs.mkdtempSync(path.join(os.tmpdir(), "atlas-promote-"));
    }
}

/**
 * Stacks in an offline workspace. The CLI runs the checkout's program through the offline language
 * host, as on a user's machine; the workspace's project files are the checkout's (synced before
 * every use), plus what only the workspace holds: each stack's encryption salt and the secrets set
 * in the workspace.
 */
export class OfflineBackend implements StackSource {
    private release: Record<string, string> = {};

    constructor(
        readonly workspace: OfflineWorkspace,
        readonly checkout: string = REPO_ROOT,
    ) {}

    get projectDir(): string {
        return this.workspace.projectDir;
    }

    /** The checkout, then the workspace's release repository (the commits a rehearsal deployed). */
    get repositories(): readonly string[] {
        return [this.checkout, ...this.workspace.releaseRepositories()];
    }

    get description(): string {
        return `offline workspace ${this.workspace.dir} (local file backend, stand-in AWS provider)`;
    }

    async stack(name: string, options: StackOptions = {}): Promise<Stack> {
        if (!options.create && !(await this.exists(name))) {
            throw new Error(`stack "${name}" does not exist in ${this.description}`);
        }
        this.workspace.syncProjectFiles(this.checkout);
        const inline = this.inlineProgramFor(shortName(name));
        if (inline) {
            Object.assign(process.env, this.release); // an inline program reads its release from this process
        }
        return this.workspace.stack(shortName(name), inline, { ...this.release, ...options.env });
    }

    /** A program to run inline in this process instead of the checkout's through the CLI (tests that need in-process control). */
    protected inlineProgramFor(_stack: string): PulumiFn | undefined {
        return undefined;
    }

    async exists(name: string): Promise<boolean> {
        return this.workspace.stackExists(shortName(name));
    }

    async qualified(name: string): Promise<string> {
        return name.includes("/") ? name : this.workspace.qualified(name);
    }

    setRelease(identity: ReleaseIdentity): void {
        this.release = releaseEnv(identity);
    }

    async pulumi(args: string[]): Promise<string> {
        const env = { ...process.env, ...this.workspace.env() };
        return (await run(this.workspace.cli.binary, args, { cwd: this.projectDir, env, maxBuffer: MAX_OUTPUT })).stdout;
    }

    scratchDir(): string {
        // Inside the workspace: an offline run writes nothing outside it and the tool cache.
        const scratch = path.join(this.workspace.dir, "scratch");
        fs.mkdirSync(scratch, { recursive: true });
        return fs.mkdtempSync(path.join(scratch, "promote-"));
    }
}

/**
 * The stacks a command's `--workspace DIR` names: an existing offline workspace (made by `rehearse --workspace`),
 * never a new, empty one; without the flag, the backend the user is logged into. Either deploys `checkout`
 * (default: this one; `promote --checkout`).
 */
export async function stackSourceFor(workspaceDir: string | undefined, checkout: string = REPO_ROOT): Promise<StackSource> {
    if (workspaceDir === undefined) {
        return new LoggedInBackend(checkout);
    }
    if (!OfflineWorkspace.existsAt(workspaceDir)) {
        throw new UsageError(
            `--workspace ${workspaceDir} is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace ${workspaceDir}`,
        );
    }
    return new OfflineBackend(await OfflineWorkspace.create({ dir: workspaceDir }), checkout);
}

/** Refuses (a usage error: nothing ran) a stack the source does not have; `hint` says how to make one. */
export async function requireStack(source: StackSource, name: string, hint = ""): Promise<void> {
    if (!(await source.exists(name))) {
        throw new UsageError(`stack "${name}" does not exist in ${source.description}${hint}`);
    }
}

/** `organization/atlas/staging` → `staging`: the stack's own name, without organization and project. */
export function shortName(name: string): string {
    return name.slice(name.lastIndexOf("/") + 1);
}

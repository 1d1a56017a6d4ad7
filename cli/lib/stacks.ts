/**
 * Where the release commands find stacks. The same commands run against the backend the
 * user is logged into (the program runs through the Pulumi CLI's Node.js language host) or
 * against an offline workspace (the program runs inline, see docs/DESIGN.md).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { atlasProgram } from "../../src/program";
import { RELEASE_VERSION_ENV } from "../../src/release";


export interface StackSource {
    /** One line for reports: which backend the stacks live in. */
    readonly description: string;
    /** The directory holding Pulumi.yaml and the stack files. */
    readonly projectDir: string;
    /** Selects an existing stack; `create` also creates a missing one. */
    stack(name: string, options?: { create?: boolean }): Promise<Stack>;
    exists(name: string): Promise<boolean>;
    /** The fully qualified name other stacks use to reference this one. */
    qualified(name: string): Promise<string>;
    /** The release version the next program run deploys. */
    setReleaseVersion(version: string): void;
    /** A new private directory for one run's plan and policy config; the caller removes it. */
    scratchDir(): string;
}

/** Stacks in the backend the user is logged into, running this repo's program. */
export class LoggedInBackend implements StackSource {
    readonly description = "the Pulumi backend you are logged into";
    readonly projectDir = REPO_ROOT;
    private releaseVersion: string | undefined;

    async stack(name: string, options: { create?: boolean } = {}): Promise<Stack> {
        const args = { stackName: name, workDir: REPO_ROOT };
        const envVars: Record<string, string> = this.releaseVersion ? { [RELEASE_VERSION_ENV]: this.releaseVersion } : {};
        const opts = { envVars };
        return options.create ? LocalWorkspace.createOrSelectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
    }

    async exists(name: string): Promise<boolean> {
        const workspace = await LocalWorkspace.create({ workDir: REPO_ROOT });
        return (await workspace.listStacks()).some((s) => s.name === name || s.name.endsWith(`/${name}`));
    }

    async qualified(name: string): Promise<string> {
        if (name.split("/").length === 3) {
            return name;
        }
        // The backend's own answer: `organization/atlas/staging` on a self-managed backend, the
        // stack's organization on Pulumi Cloud; the same name the program's StackReference uses.
        const args = ["stack", "--show-name", "--fully-qualify-stack-names", "--stack", name];
        return (await promisify(execFile)("pulumi", args, { cwd: REPO_ROOT })).stdout.trim();
    }

    setReleaseVersion(version: string): void {
        this.releaseVersion = version;
    }

    scratchDir(): string {
        return fs.mkdtempSync(path.join(os.tmpdir(), "atlas-promote-"));
    }
}

/** Stacks in an offline workspace; the program runs inline in this process. */
export class OfflineBackend implements StackSource {
    constructor(readonly workspace: OfflineWorkspace) {}

    get projectDir(): string {
        return this.workspace.projectDir;
    }

    get description(): string {
        return `offline workspace ${this.workspace.dir} (local file backend, stand-in AWS provider)`;
    }

    async stack(name: string, options: { create?: boolean } = {}): Promise<Stack> {
        if (!options.create && !(await this.exists(name))) {
            throw new Error(`stack "${name}" does not exist in ${this.description}`);
        }
        return this.workspace.stack(shortName(name), atlasProgram);
    }

    async exists(name: string): Promise<boolean> {
        return this.workspace.stackExists(shortName(name));
    }

    async qualified(name: string): Promise<string> {
        return name.includes("/") ? name : this.workspace.qualified(name);
    }

    setReleaseVersion(version: string): void {
        // The inline program runs in this process and reads its release from the environment.
        process.env[RELEASE_VERSION_ENV] = version;
    }

    scratchDir(): string {
        // Inside the workspace: an offline run writes nothing outside it and the tool cache.
        const scratch = path.join(this.workspace.dir, "scratch");
        fs.mkdirSync(scratch, { recursive: true });
        return fs.mkdtempSync(path.join(scratch, "promote-"));
    }
}

/** `organization/atlas/staging` → `staging`: the offline backend holds one project. */
function shortName(name: string): string {
    return name.slice(name.lastIndexOf("/") + 1);
}

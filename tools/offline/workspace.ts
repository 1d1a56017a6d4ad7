/**
 * An isolated, offline Pulumi workspace: a local file state backend, a PULUMI_HOME of its
 * own holding the stand-in AWS provider and the policy-pack launcher, a passphrase secrets
 * provider, and copies of the repo's Pulumi.yaml and stack files (the CLI writes each stack's
 * encryption salt into its stack file, so the repo's own files are never touched).
 *
 * Programs run inline through the Automation API (see docs/DESIGN.md for why).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { installStandInAws, StandInOptions, standInEnv } from "../stand-in-aws/install";
import { installPolicyAnalyzerShim } from "./analyzer-shim";
import { ensurePulumiCli, pulumiCommand, PulumiCli, REPO_ROOT } from "./pulumi-cli";

export const PROJECT_NAME = "atlas";
export const STACK_NAMES = ["dev", "staging", "prod"] as const;
const DEFAULT_PASSPHRASE = "atlas-offline-rehearsal";

export interface OfflineWorkspaceOptions {
    /** Use this directory (created when missing) instead of a fresh temporary one. */
    dir?: string;
    /** Where the project files come from; the repo root by default. */
    projectSource?: string;
    passphrase?: string;
}

export class OfflineWorkspace {
    private standIn: StandInOptions = {};

    private constructor(
        readonly cli: PulumiCli,
        readonly dir: string,
        readonly passphrase: string,
    ) {}

    static async create(options: OfflineWorkspaceOptions = {}): Promise<OfflineWorkspace> {
        const cli = ensurePulumiCli();
        const dir = options.dir ? path.resolve(options.dir) : fs.mkdtempSync(path.join(os.tmpdir(), "atlas-offline-"));
        const workspace = new OfflineWorkspace(cli, dir, options.passphrase ?? DEFAULT_PASSPHRASE);
        for (const sub of [workspace.stateDir, workspace.pulumiHome, workspace.projectDir, workspace.pluginBuildDir]) {
            fs.mkdirSync(sub, { recursive: true });
        }
        workspace.copyProjectFiles(options.projectSource ?? REPO_ROOT);
        if (!workspace.hasPlugin("analyzer-policy-nodejs")) {
            installPolicyAnalyzerShim(cli, workspace.pulumiHome, workspace.pluginBuildDir);
        }
        if (!workspace.hasPlugin("resource-aws")) {
            await installStandInAws({
                pulumiBinary: cli.binary,
                pulumiHome: workspace.pulumiHome,
                workDir: path.join(workspace.pluginBuildDir, "stand-in-aws"),
            });
        }
        return workspace;
    }

    get stateDir(): string {
        return path.join(this.dir, "state");
    }

    get pulumiHome(): string {
        return path.join(this.dir, "pulumi-home");
    }

    get projectDir(): string {
        return path.join(this.dir, "project");
    }

    private get pluginBuildDir(): string {
        return path.join(this.dir, "plugins");
    }

    /** Fault injection and caller identity for the stand-in provider on later runs. */
    setStandIn(options: StandInOptions): void {
        this.standIn = options;
    }

    /** Environment of every CLI call: never the user's own ~/.pulumi, login or plugins. */
    env(): Record<string, string> {
        return {
            PULUMI_HOME: this.pulumiHome,
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_ACCESS_TOKEN: "",
            ...standInEnv(this.standIn),
        };
    }

    /** Selects (creating on first use) a stack whose program runs inline in this process. */
    async stack(stackName: string, program: PulumiFn): Promise<Stack> {
        return LocalWorkspace.createOrSelectStack(
            { stackName, projectName: PROJECT_NAME, program },
            { workDir: this.projectDir, envVars: this.env(), pulumiCommand: await pulumiCommand(this.cli) },
        );
    }

    /** True when the backend has the stack (its state file exists). */
    stackExists(stackName: string): boolean {
        const stacks = path.join(this.stateDir, ".pulumi", "stacks", PROJECT_NAME);
        return fs.existsSync(path.join(stacks, `${stackName}.json`)) || fs.existsSync(path.join(stacks, `${stackName}.json.gz`));
    }

    /** Fully qualified name of a stack in this workspace's backend. */
    qualified(stackName: string): string {
        return `organization/${PROJECT_NAME}/${stackName}`;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private hasPlugin(prefix: string): boolean {
        const plugins = path.join(this.pulumiHome, "plugins");
        return fs.existsSync(plugins) && fs.readdirSync(plugins).some((entry) => entry.startsWith(prefix) && !entry.endsWith(".lock"));
    }

    private copyProjectFiles(source: string): void {
        for (const file of fs.readdirSync(source)) {
            const target = path.join(this.projectDir, file);
            if (/^Pulumi(\.[a-z0-9-]+)?\.yaml$/.test(file) && !fs.existsSync(target)) {
                fs.copyFileSync(path.join(source, file), target);
            }
        }
    }
}

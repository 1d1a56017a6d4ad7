/**
 * An isolated, offline Pulumi workspace: a local file state backend, a PULUMI_HOME of its
 * own holding the stand-in AWS provider and the offline Node.js language host, a passphrase
 * secrets provider (or, made with `kmsSecrets`, Pulumi's `awskms://` provider against a stand-in KMS for the
 * stacks the environment model says need one, as a real organisation's), and copies of a checkout's Pulumi.yaml and stack files, synced from the
 * checkout before each use (the CLI writes each stack's encryption salt into its stack file, so
 * the checkout's own files are never touched). The copy of Pulumi.yaml names the checkout as the
 * program (`main`), so the CLI runs the checkout's program through the language host, as on a
 * user's machine; tests that need a program in their own process run it inline instead.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { ENVIRONMENT_MODEL, ENVIRONMENTS, environmentsNeedingKmsSecrets, secretsKeyAlias } from "../../policy-pack/src/contract";
import { CLOUD_ENV } from "../stand-in-aws/cloud";
import { installStandInAws, StandInOptions, standInEnv, standInOptionsFrom } from "../stand-in-aws/install";
import { isolateInlineProgramChannels } from "./inline-grpc";
import { installNodeLanguageHost } from "./language-host/install";
import { nodeBinary, nodeCompileCacheDir } from "./node-runtime";
import { KMS_ENDPOINT_ENV, KmsKeyring, StandInKms, startStandInKms } from "./stand-in-kms";
import { ensurePulumiCli, pulumiCommand, PulumiCli, REPO_ROOT } from "./pulumi-cli";

export const PROJECT_NAME = "atlas";
/** The workspace holds one stack per environment, named after it. */
export const STACK_NAMES = ENVIRONMENTS;
const DEFAULT_PASSPHRASE = "atlas-offline-rehearsal";
const PROJECT_FILE = /^Pulumi(\.[a-z0-9-]+)?\.yaml$/;
/**
 * The Go runtime of the CLI: no garbage collection until its heap reaches 1 GiB. Most offline CLI runs are short reads
 * (history, export, config) that spent a third of their CPU collecting; an engine run that grows past the limit is
 * collected as usual. Memory only, never behaviour; a workspace's CLI alone (a logged-in backend's runs keep Go's default).
 */
const GO_RUNTIME_ENV = { GOGC: "off", GOMEMLIMIT: "1GiB" };
/** What `pulumi stack init` writes into a stack file for this workspace's secrets provider. */
const SECRETS_PROVIDER_FIELDS = ["secretsprovider", "encryptedkey", "encryptionsalt"];

export interface OfflineWorkspaceOptions {
    /** Use this directory (created when missing) instead of a fresh temporary one. */
    dir?: string;
    /** Where the project files come from; the repo root by default. */
    projectSource?: string;
    passphrase?: string;
    /**
     * New stacks of the environments that need KMS secrets use `awskms://` against the workspace's stand-in KMS.
     * Kept by the workspace (its `kms/` directory): a later `create` of the same directory serves the keys again.
     */
    kmsSecrets?: boolean;
}

export class OfflineWorkspace {
    /** Fault injection and caller identity: the caller's environment's (ATLAS_STANDIN_FAIL) unless set. */
    private standIn: StandInOptions = standInOptionsFrom(process.env);
    /** The stand-in KMS this process serves, for a workspace made with `kmsSecrets`. */
    private kms: StandInKms | undefined;

    private constructor(
        readonly cli: PulumiCli,
        readonly dir: string,
        readonly passphrase: string,
    ) {}

    static async create(options: OfflineWorkspaceOptions = {}): Promise<OfflineWorkspace> {
        const cli = ensurePulumiCli();
        const dir = options.dir ? path.resolve(options.dir) : fs.mkdtempSync(path.join(os.tmpdir(), "atlas-offline-"));
        const workspace = new OfflineWorkspace(cli, dir, options.passphrase ?? DEFAULT_PASSPHRASE);
        if (!fs.existsSync(workspace.stateDir)) {
            // A new workspace keeps a cloud; one made before there was one goes on refreshing from its state.
            fs.mkdirSync(workspace.cloudDir, { recursive: true });
        }
        for (const sub of [workspace.stateDir, workspace.pulumiHome, workspace.projectDir, workspace.pluginBuildDir]) {
            fs.mkdirSync(sub, { recursive: true });
        }
        if (options.kmsSecrets) {
            fs.mkdirSync(workspace.kmsDir, { recursive: true });
        }
        if (fs.existsSync(workspace.kmsDir)) {
            workspace.kms = await startStandInKms(new KmsKeyring(workspace.kmsDir));
        }
        workspace.syncProjectFiles(options.projectSource ?? REPO_ROOT);
        if (!workspace.hasPlugin("language-nodejs")) {
            installNodeLanguageHost({ pulumiHome: workspace.pulumiHome, version: cli.version, workDir: path.join(workspace.pluginBuildDir, "language-host") });
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

    /** True when `dir` holds a workspace (its file backend's directory). */
    static existsAt(dir: string): boolean {
        return fs.existsSync(path.join(path.resolve(dir), "state"));
    }

    get stateDir(): string {
        return path.join(this.dir, "state");
    }

    /** What exists "in AWS" for the stand-in provider, apart from Pulumi's state (tools/stand-in-aws/cloud.ts). */
    get cloudDir(): string {
        return path.join(this.dir, "cloud");
    }

    /** The stand-in KMS's keys (tools/offline/stand-in-kms.ts); present only in a workspace made with `kmsSecrets`. */
    get kmsDir(): string {
        return path.join(this.dir, "kms");
    }

    get pulumiHome(): string {
        return path.join(this.dir, "pulumi-home");
    }

    get projectDir(): string {
        return path.join(this.dir, "project");
    }

    /** Where the rehearsal keeps the commits it deploys (tools/offline/release-repository.ts). */
    get releasesDir(): string {
        return path.join(this.dir, "releases");
    }

    /** The release repository of this workspace, when a rehearsal made one. */
    releaseRepositories(): string[] {
        return fs.existsSync(path.join(this.releasesDir, ".git")) ? [this.releasesDir] : [];
    }

    private get pluginBuildDir(): string {
        return path.join(this.dir, "plugins");
    }

    /** Directories that go first on PATH: the CLI's and the project's Node 22. */
    get binDirs(): string[] {
        return [path.dirname(this.cli.binary), path.dirname(nodeBinary())];
    }

    /** Fault injection and caller identity for the stand-in provider on later runs. */
    setStandIn(options: StandInOptions): void {
        this.standIn = options;
    }

    /**
     * Environment of every CLI call: never the user's own ~/.pulumi, login or plugins. PATH starts
     * with the CLI and the project's Node 22 (the language host runs programs and packs on the
     * `node` it finds there), whatever Node started this process. Node processes share an on-disk compile cache
     * (`nodeCompileCacheDir`).
     */
    env(): Record<string, string> {
        return {
            PATH: [...this.binDirs, process.env.PATH ?? ""].join(path.delimiter),
            PULUMI_HOME: this.pulumiHome,
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_ACCESS_TOKEN: "",
            ...standInEnv(this.standIn),
            [CLOUD_ENV]: this.cloudDir,
            ...(this.kms ? this.kmsEnv(this.kms) : {}),
            NODE_COMPILE_CACHE: nodeCompileCacheDir(),
            ...GO_RUNTIME_ENV,
        };
    }

    /**
     * What the CLI's AWS SDK needs to reach the stand-in KMS: its endpoint, and credentials of its own (the SDK signs
     * every request; a user's real keys or profile never leave for a local endpoint).
     */
    private kmsEnv(kms: StandInKms): Record<string, string> {
        return { [KMS_ENDPOINT_ENV]: kms.endpoint, AWS_ACCESS_KEY_ID: "offline-workspace", AWS_SECRET_ACCESS_KEY: "offline-workspace", AWS_PROFILE: "" };
    }

    /**
     * The secrets provider a new stack is created with: `awskms://` with the stack's own key for the environments
     * that need one in a `kmsSecrets` workspace (the key is created here), else the passphrase (undefined).
     */
    secretsProviderFor(stackName: string): string | undefined {
        if (!this.kms || !environmentsNeedingKmsSecrets(ENVIRONMENT_MODEL).includes(stackName)) {
            return undefined;
        }
        const keyId = secretsKeyAlias(stackName);
        new KmsKeyring(this.kmsDir).createKey(keyId);
        const region = this.stackFileRegion(stackName);
        return `awskms://${keyId}${region ? `?region=${region}` : ""}`;
    }

    private stackFileRegion(stackName: string): string | undefined {
        const file = path.join(this.projectDir, `Pulumi.${stackName}.yaml`);
        const config = fs.existsSync(file) ? (yaml.load(fs.readFileSync(file, "utf8")) as StackFile | null)?.config : undefined;
        const region = config?.["atlas:awsRegion"];
        return typeof region === "string" ? region : undefined;
    }

    /**
     * Selects (creating on first use) a stack. Without `program`, the CLI runs the project's program
     * (Pulumi.yaml's `main`) through the language host; with it, the program runs inline in this
     * process. `env` reaches the CLI, the language host and the program.
     */
    async stack(stackName: string, program?: PulumiFn, env: Record<string, string> = {}): Promise<Stack> {
        const exists = this.stackExists(stackName);
        const secretsProvider = exists ? undefined : this.secretsProviderFor(stackName);
        const options = { workDir: this.projectDir, envVars: { ...this.env(), ...env }, pulumiCommand: await pulumiCommand(this.cli), secretsProvider };
        if (program) {
            isolateInlineProgramChannels();
        }
        // The project directory always holds the project's Pulumi.yaml, which an inline program runs under too.
        const workspace = await LocalWorkspace.create(program ? { ...options, program } : options);
        return exists ? existingStack(stackName, workspace) : Stack.create(stackName, workspace);
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

    /**
     * Makes the project's files the checkout's: Pulumi.yaml with the checkout as its program, each
     * stack file as committed plus what only this workspace holds (its secrets provider's salt or
     * key, and secret values set in the workspace for keys the checkout does not set).
     */
    syncProjectFiles(checkout: string): void {
        for (const file of fs.readdirSync(checkout).filter((name) => PROJECT_FILE.test(name))) {
            const committed = fs.readFileSync(path.join(checkout, file), "utf8");
            const target = path.join(this.projectDir, file);
            const local = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
            const synced =
                file === "Pulumi.yaml" ? withProgramAt(committed, checkout) : local === undefined ? committed : withWorkspaceSecrets(committed, local);
            if (synced !== local) {
                fs.writeFileSync(target, synced);
            }
        }
    }
}

/**
 * An existing stack, without `pulumi stack select`: every command the Automation API runs names its stack
 * (`--stack`), so selecting would only move the workspace's current stack, at the cost of a CLI start. The
 * caller has checked that the stack exists (stackExists).
 */
function existingStack(stackName: string, workspace: LocalWorkspace): Promise<Stack> {
    const selectWithoutCli: LocalWorkspace["selectStack"] = async () => undefined;
    return Stack.select(stackName, Object.assign(workspace, { selectStack: selectWithoutCli }));
}

/** Pulumi.yaml with `main` pointing at the program in the checkout (absolute, as the copy lives elsewhere). */
export function withProgramAt(projectText: string, checkout: string): string {
    const declared = (yaml.load(projectText) as { main?: unknown } | null)?.main;
    const main = `main: ${JSON.stringify(path.resolve(checkout, typeof declared === "string" ? declared : "."))}`;
    return /^main:.*$/m.test(projectText) ? projectText.replace(/^main:.*$/m, main) : `${projectText.trimEnd()}\n${main}\n`;
}

type StackFile = { config?: Record<string, unknown> } & Record<string, unknown>;

function withWorkspaceSecrets(committedText: string, localText: string): string {
    const committed = (yaml.load(committedText) ?? {}) as StackFile;
    const local = (yaml.load(localText) ?? {}) as StackFile;
    const added: Record<string, unknown> = {};
    for (const field of SECRETS_PROVIDER_FIELDS.filter((f) => local[f] !== undefined && committed[f] === undefined)) {
        added[field] = local[field];
    }
    const secrets = Object.entries(local.config ?? {}).filter(([key, value]) => isSecure(value) && committed.config?.[key] === undefined);
    if (Object.keys(added).length === 0 && secrets.length === 0) {
        return committedText;
    }
    return yaml.dump({ ...committed, ...added, config: { ...(committed.config ?? {}), ...Object.fromEntries(secrets) } }, { lineWidth: -1 });
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && "secure" in value;
}

/**
 * The release system under test, on the real engine: a release repository holding a snapshot of
 * this working tree as one commit (tools/offline/release-repository.ts; commits made from it are
 * the changes a careless or hostile engineer would make), an offline workspace (file backend,
 * isolated PULUMI_HOME, stand-in AWS provider) with dev, staging and prod, and the snapshot's own
 * release tooling (`promote`, `runWithPolicies`, the rehearsal), loaded from the snapshot so the
 * tooling, the program and the pack are one build.
 *
 * `withOfflineWorkspace()` registers the mocha hooks in the calling `describe`: one system per
 * `describe`, removed afterwards (set ATLAS_KEEP_ENGINE_WORKSPACE=1 to keep it for debugging).
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type * as EngineRunLib from "../../../cli/lib/kit/engine-run";
import type * as PromoteLib from "../../../cli/lib/gate/promote";
import type * as RehearsalLib from "../../../cli/lib/rehearsal/rehearsal";
import type * as ReportLib from "../../../cli/lib/gate/promote-report";
import type * as ConsoleEditLib from "../../../cli/lib/operations/console-edit";
import type * as StacksLib from "../../../cli/lib/stacks/stack-source";
import type * as BootstrapStacksLib from "../../../cli/lib/stacks/bootstrap-stacks";
import type * as WorkspaceLib from "../../../tools/offline/workspace";
import type { FileEdits } from "../../../tools/offline/release-repository";
import { ReleaseRepository } from "../../../tools/offline/release-repository";
import { RELEASE_ENV, ReleaseIdentity, releaseMessage } from "../../../policy-pack/src/contract/release-identity";
import { SIG } from "../../../policy-pack/src/contract/value-signatures";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { announcedRelease, copyDeployedRelease, DEPLOYED_STACKS, DEPLOYED_VERSION, DeployedRelease } from "./deployed-release";

export type RunOutcome = EngineRunLib.RunOutcome;
export type PromoteReport = PromoteLib.PromoteReport;
export type PolicyConfig = Record<string, unknown>;
export type Operation = EngineRunLib.Operation;

const ONCALL_KEY = "atlas:oncallEndpoint";

/** A promotion; `policyConfig` is the exact policy config promote handed to the engine. */
export type Promotion = PromoteReport;

/**
 * How a run executes the commit's program: in this process (inline, the default: the same program, without the
 * ≈3 s the language host and a fresh Node with ts-node cost per run), or through the CLI and the offline language
 * host as `pulumi up` on a user's machine does (where the path is what a test is about: a program that reads the
 * CLI's environment, or spawns the CLI). tests/engine/language-host.spec.ts and offline-shell.spec.ts cover that path.
 */
export type ProgramPath = "inline" | "cli";

export interface PromoteCall {
    /** The commit to promote (default: the snapshot). */
    commit?: string;
    previewOnly?: boolean;
    policyPack?: string;
    policyOverrides?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
    /** Default: inline. */
    programPath?: ProgramPath;
    /** Runs between a passed preview and the update (to move staging in between). */
    onPreviewPassed?: () => Promise<void>;
    /** Which engine events the upstream's drift check reads (a test dropping some to prove the gate fails closed). */
    upstreamDriftEvents?: PromoteLib.PromoteOptions["upstreamDriftEvents"];
}

export interface ReleaseSystem {
    readonly repository: ReleaseRepository;
    readonly workspace: WorkspaceLib.OfflineWorkspace;
    /** prod's on-call endpoint (a secret config value no message may contain). */
    readonly oncallSecret: string;
    /** Every run made through this system, in order. */
    readonly outcomes: RunOutcome[];
    readonly rehearsal: typeof RehearsalLib;
    /** The snapshot commit. */
    readonly snapshot: string;
    /** Commits `edits` on top of `base` (default: the snapshot). */
    commit(edits: FileEdits, message: string, base?: string): string;
    /** The stack source that deploys `commit` (default: the snapshot), its program run inline unless `programPath` is "cli". */
    source(commit?: string, programPath?: ProgramPath): StacksLib.StackSource;
    stack(name: string): Promise<Stack>;
    /** `promote` as the CLI runs it. */
    promote(target: string, version: string, call?: PromoteCall): Promise<Promotion>;
    /** One preview or update of a stack with a pack, bypassing promote (and its preview), recorded as release `identity`. */
    run(
        target: string,
        operation: Operation,
        identity: ReleaseIdentity,
        policyConfig: PolicyConfig | undefined,
        options?: { commit?: string; policyPack?: string },
    ): Promise<RunOutcome>;
    /** A rehearsal step, run by the rehearsal's own `runStep`. */
    runStep(step: RehearsalLib.RehearsalStep): Promise<RehearsalLib.StepResult>;
    /** The Pulumi CLI against the workspace (e.g. `refresh`, `state delete`); resolves to stdout. */
    pulumi(args: string[]): Promise<string>;
    /** What the backend holds for a stack: every resource's URN, inputs and outputs, and the stack outputs. */
    state(name: string): Promise<StackState>;
}

export interface StackState {
    /** URN → JSON of the resource's inputs, outputs and protect flag, sorted by URN. */
    resources: Record<string, string>;
    outputs: Record<string, unknown>;
}

export interface OfflineWorkspaceOptions {
    /**
     * Start from a copy of the suite's deployed release (support/deployed-release.ts: staging and prod running
     * DEPLOYED_VERSION of the snapshot, deployed once per `npm test`) instead of empty stacks.
     */
    deployed?: boolean;
    /**
     * Start from a commit of these edits on the snapshot, as an engineer who commits them and runs the release tooling
     * from that checkout: the system's tooling, stack files and stacks are that commit's, and `snapshot` names it.
     */
    startAt?: { edits: FileEdits; message: string };
}

export function withOfflineWorkspace(options: OfflineWorkspaceOptions = {}): { readonly system: ReleaseSystem } {
    let system: ReleaseSystem | undefined;
    let repository: ReleaseRepository | undefined;
    let workspace: WorkspaceLib.OfflineWorkspace | undefined;
    let copy: DeployedRelease | undefined;
    const restoreReleaseEnv = releaseEnvRestorer();

    before(async function () {
        this.timeout(600_000);
        copy = options.deployed ? copyDeployedRelease(await suiteDeployedRelease()) : undefined;
        repository = copy ? ReleaseRepository.open(copy.repository) : ReleaseRepository.snapshot(REPO_ROOT);
        const start = options.startAt ? repository.commitEdits(repository.head, options.startAt.edits, options.startAt.message) : repository.head;
        const checkout = repository.checkoutAt(start);
        const lib = await loadTooling(checkout);
        workspace = await lib.workspace.OfflineWorkspace.create({ dir: copy?.workspace, projectSource: checkout });
        system = await assemble(repository, workspace, lib, copy?.oncallSecret, start);
    });

    after(() => {
        restoreReleaseEnv();
        if (process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
            console.log(`      engine workspace kept at ${workspace?.dir}, release repository at ${repository?.dir}`);
            return;
        }
        workspace?.remove();
        repository?.remove();
        if (copy) {
            fs.rmSync(copy.root, { recursive: true, force: true });
        }
    });

    return {
        get system(): ReleaseSystem {
            if (!system) {
                throw new Error("the offline release system is not ready (did withOfflineWorkspace's before hook fail?)");
            }
            return system;
        },
    };
}

interface Tooling {
    workspace: typeof WorkspaceLib;
    stacks: typeof StacksLib;
    bootstrapStacks: typeof BootstrapStacksLib;
    promote: typeof PromoteLib;
    engineRun: typeof EngineRunLib;
    rehearsal: typeof RehearsalLib;
    report: typeof ReportLib;
    consoleEdit: typeof ConsoleEditLib;
}

async function loadTooling(dir: string): Promise<Tooling> {
    return {
        workspace: (await import(path.join(dir, "tools", "offline", "workspace"))) as typeof WorkspaceLib,
        stacks: (await import(path.join(dir, "cli", "lib", "stacks", "stack-source"))) as typeof StacksLib,
        bootstrapStacks: (await import(path.join(dir, "cli", "lib", "stacks", "bootstrap-stacks"))) as typeof BootstrapStacksLib,
        promote: (await import(path.join(dir, "cli", "lib", "gate", "promote"))) as typeof PromoteLib,
        engineRun: (await import(path.join(dir, "cli", "lib", "kit", "engine-run"))) as typeof EngineRunLib,
        rehearsal: (await import(path.join(dir, "cli", "lib", "rehearsal", "rehearsal"))) as typeof RehearsalLib,
        report: (await import(path.join(dir, "cli", "lib", "gate", "promote-report"))) as typeof ReportLib,
        consoleEdit: (await import(path.join(dir, "cli", "lib", "operations", "console-edit"))) as typeof ConsoleEditLib,
    };
}

/**
 * The release system over a repository and a workspace, deploying `snapshot` by default; its stacks are created, and
 * every stack that routes alerts to on-call (prod) gets `oncallSecret` as its endpoint unless it holds one already (a
 * copy of a deployed release; Pulumi.yaml's default of an optional key is "", never a secret).
 */
async function assemble(
    repository: ReleaseRepository,
    workspace: WorkspaceLib.OfflineWorkspace,
    lib: Tooling,
    existingOncallSecret?: string,
    snapshot: string = repository.head,
): Promise<ReleaseSystem> {
    const outcomes: RunOutcome[] = [];
    const oncallSecret = existingOncallSecret ?? `https://oncall.invalid/atlas/${randomBytes(12).toString("hex")}`;

    const InlineBackend = inlineBackendOf(lib.stacks.OfflineBackend);
    /** A source deploying `commit`. */
    const sourceFor = (commit: string = snapshot, programPath: ProgramPath = "inline"): StacksLib.StackSource =>
        programPath === "cli"
            ? new lib.stacks.OfflineBackend(workspace, repository.checkoutAt(commit))
            : new InlineBackend(workspace, repository.checkoutAt(commit));
    const keep = <T extends RunOutcome | null>(outcome: T): T => {
        if (outcome) {
            outcomes.push(outcome);
        }
        return outcome;
    };
    const checkouts = lib.rehearsal.checkoutsOf(repository);

    for (const name of lib.workspace.STACK_NAMES) {
        const stack = await sourceFor().stack(name, { create: true });
        const config = await stack.getAllConfig();
        if (config["atlas:routeAlertsToOncall"]?.value === "true" && config[ONCALL_KEY]?.secret !== true) {
            await stack.setConfig(ONCALL_KEY, { value: oncallSecret, secret: true });
        }
    }

    return {
        repository,
        workspace,
        oncallSecret,
        outcomes,
        snapshot,
        rehearsal: lib.rehearsal,
        commit: (edits, message, base = snapshot) => repository.commitEdits(base, edits, message),
        source: sourceFor,
        stack: (name) => sourceFor().stack(name),
        async promote(target, version, call = {}) {
            const report = await lib.promote.promote(sourceFor(call.commit, call.programPath), { target, version, ...call });
            keep(report.preview);
            keep(report.update);
            return report;
        },
        async run(target, operation, identity, policyConfig, options = {}) {
            const source = sourceFor(options.commit);
            source.setRelease(identity);
            const stack = await source.stack(target);
            const policyPack = options.policyPack ?? path.join(source.checkout, "policy-pack");
            return keep(await lib.engineRun.runWithPolicies(stack, operation, { policyPack, policyConfig, message: releaseMessage(identity) }));
        },
        async runStep(step) {
            const result = await lib.rehearsal.runStep(
                {
                    sourceFor: (revision) => sourceFor(commitOf(checkouts[revision])),
                    cloud: lib.consoleEdit.cloudOf(workspace.dir),
                    bootstrapStacks: () => lib.bootstrapStacks.bootstrapStacksFor(workspace.dir, checkouts.snapshot),
                },
                step,
            );
            keep(result.report?.preview ?? null);
            keep(result.report?.update ?? null);
            return result;
        },
        pulumi: (args) => sourceFor().pulumi(args),
        async state(name) {
            const stack = await sourceFor().stack(name);
            const deployment = (await stack.exportStack()).deployment as {
                resources?: { urn: string; inputs?: unknown; outputs?: unknown; protect?: boolean }[];
            };
            const resources: Record<string, string> = {};
            for (const resource of deployment.resources ?? []) {
                resources[resource.urn] = JSON.stringify(
                    { inputs: resource.inputs, outputs: resource.outputs, protect: resource.protect ?? false },
                    maskCiphertext,
                );
            }
            const outputs = Object.fromEntries(Object.entries(await stack.outputs()).map(([key, value]) => [key, value.value]));
            return { resources: Object.fromEntries(Object.entries(resources).sort(([a], [b]) => a.localeCompare(b))), outputs };
        },
    };
}

/** Inline programs read ATLAS_RELEASE_* from this process; the returned function puts the values of now back. */
export function releaseEnvRestorer(): () => void {
    const saved = Object.values(RELEASE_ENV).map((name) => [name, process.env[name]] as const);
    return () => {
        for (const [name, value] of saved) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
    };
}

let ownDeployment: Promise<DeployedRelease> | undefined;

/**
 * The deployed release the global fixture announced; a run without the fixture (one file run by hand with
 * mocha) deploys one for this process on first use, removed when the process exits.
 */
function suiteDeployedRelease(): Promise<DeployedRelease> {
    const announced = announcedRelease();
    if (announced) {
        return Promise.resolve(announced);
    }
    if (!ownDeployment) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-deployed-release-"));
        process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        ownDeployment = deployRelease(dir);
    }
    return ownDeployment;
}

/**
 * Deploys the suite's release into `dir`: a snapshot of this working tree, promoted to every stack of
 * DEPLOYED_STACKS at DEPLOYED_VERSION (programs inline), as support/deployed-release.ts describes.
 */
export async function deployRelease(dir: string): Promise<DeployedRelease> {
    // Inline programs read their release from this process's environment; what the deployment set there must not
    // reach the processes forked after it (the global fixture runs in the process that starts mocha's workers).
    const restore = releaseEnvRestorer();
    try {
        return await deployReleaseInto(dir);
    } finally {
        restore();
    }
}

async function deployReleaseInto(dir: string): Promise<DeployedRelease> {
    const repository = ReleaseRepository.snapshot(REPO_ROOT, path.join(dir, "repository"));
    const lib = await loadTooling(repository.dir);
    const workspace = await lib.workspace.OfflineWorkspace.create({ dir: path.join(dir, "workspace"), projectSource: repository.dir });
    const system = await assemble(repository, workspace, lib);
    for (const target of DEPLOYED_STACKS) {
        const promotion = await system.promote(target, DEPLOYED_VERSION);
        if (!promotion.succeeded) {
            throw new Error(
                `the suite's deployed release could not be made: ${target} @ ${DEPLOYED_VERSION} did not deploy:\n${lib.report.formatPromoteReport(promotion)}`,
            );
        }
    }
    return { root: dir, repository: repository.dir, workspace: workspace.dir, oncallSecret: system.oncallSecret };
}

/**
 * The snapshot's own OfflineBackend, running each checkout's program inline: the checkout's package entry point
 * (index.ts), loaded from the checkout's directory, so each commit's program is its own module.
 */
export function inlineBackendOf(base: typeof StacksLib.OfflineBackend): typeof StacksLib.OfflineBackend {
    return class InlineProgramBackend extends base {
        protected inlineProgramFor(): PulumiFn {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return require(this.checkout) as PulumiFn;
        }
    };
}

/** The commit a checkout directory of the repository is at. */
function commitOf(checkout: string): string {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: checkout, encoding: "utf8" }).trim();
}

/** Secret values are stored encrypted, and re-encrypting the same value gives another ciphertext. */
function maskCiphertext(_key: string, value: unknown): unknown {
    return value !== null && typeof value === "object" && SIG in value ? "[secret]" : value;
}

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
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import type * as EngineRunLib from "../../../cli/lib/engine-run";
import type * as PromoteLib from "../../../cli/lib/promote";
import type * as RehearsalLib from "../../../cli/lib/rehearsal";
import type * as StacksLib from "../../../cli/lib/stacks";
import type * as WorkspaceLib from "../../../tools/offline/workspace";
import type { FileEdits } from "../../../tools/offline/release-repository";
import { ReleaseRepository } from "../../../tools/offline/release-repository";
import { RELEASE_ENV, ReleaseIdentity, releaseMessage } from "../../../policy-pack/src/contract/release-identity";
import { SIG } from "../../../policy-pack/src/contract/value-signatures";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";

export type RunOutcome = EngineRunLib.RunOutcome;
export type PromoteReport = PromoteLib.PromoteReport;
export type PolicyConfig = Record<string, unknown>;
export type Operation = EngineRunLib.Operation;

const ONCALL_KEY = "atlas:oncallEndpoint";

/** A promotion; `policyConfig` is the exact policy config promote handed to the engine. */
export type Promotion = PromoteReport;

export interface PromoteCall {
    /** The commit to promote (default: the snapshot). */
    commit?: string;
    previewOnly?: boolean;
    policyPack?: string;
    policyOverrides?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
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
    /** The stack source that deploys `commit` (default: the snapshot). */
    source(commit?: string): StacksLib.StackSource;
    stack(name: string): Promise<Stack>;
    /** `promote` as the CLI runs it. */
    promote(target: string, version: string, call?: PromoteCall): Promise<Promotion>;
    /** One preview or update of a stack with a pack, bypassing promote (and its preview), recorded as release `identity`. */
    run(target: string, operation: Operation, identity: ReleaseIdentity, policyConfig: PolicyConfig | undefined, options?: { commit?: string; policyPack?: string }): Promise<RunOutcome>;
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

export function withOfflineWorkspace(): { readonly system: ReleaseSystem } {
    let system: ReleaseSystem | undefined;
    let repository: ReleaseRepository | undefined;
    let workspace: WorkspaceLib.OfflineWorkspace | undefined;
    const releaseBefore = Object.fromEntries(Object.values(RELEASE_ENV).map((name) => [name, process.env[name]]));

    before(async function () {
        this.timeout(600_000);
        repository = ReleaseRepository.snapshot(REPO_ROOT);
        const lib = await loadTooling(repository.dir);
        workspace = await lib.workspace.OfflineWorkspace.create({ projectSource: repository.dir });
        system = await assemble(repository, workspace, lib);
    });

    after(() => {
        for (const [name, value] of Object.entries(releaseBefore)) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
        if (process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
            console.log(`      engine workspace kept at ${workspace?.dir}, release repository at ${repository?.dir}`);
            return;
        }
        workspace?.remove();
        repository?.remove();
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
    promote: typeof PromoteLib;
    engineRun: typeof EngineRunLib;
    rehearsal: typeof RehearsalLib;
}

async function loadTooling(dir: string): Promise<Tooling> {
    return {
        workspace: (await import(path.join(dir, "tools", "offline", "workspace"))) as typeof WorkspaceLib,
        stacks: (await import(path.join(dir, "cli", "lib", "stacks"))) as typeof StacksLib,
        promote: (await import(path.join(dir, "cli", "lib", "promote"))) as typeof PromoteLib,
        engineRun: (await import(path.join(dir, "cli", "lib", "engine-run"))) as typeof EngineRunLib,
        rehearsal: (await import(path.join(dir, "cli", "lib", "rehearsal"))) as typeof RehearsalLib,
    };
}

async function assemble(repository: ReleaseRepository, workspace: WorkspaceLib.OfflineWorkspace, lib: Tooling): Promise<ReleaseSystem> {
    const snapshot = repository.head;
    const outcomes: RunOutcome[] = [];
    const oncallSecret = `https://oncall.invalid/atlas/${randomBytes(12).toString("hex")}`;

    /** A source deploying `commit`. */
    const sourceFor = (commit: string = snapshot): StacksLib.StackSource => new lib.stacks.OfflineBackend(workspace, repository.checkoutAt(commit));
    const keep = <T extends RunOutcome | null>(outcome: T): T => {
        if (outcome) {
            outcomes.push(outcome);
        }
        return outcome;
    };
    const checkouts = lib.rehearsal.checkoutsOf(repository);

    for (const name of lib.workspace.STACK_NAMES) {
        const stack = await sourceFor().stack(name, { create: true });
        if ((await stack.getAllConfig())["atlas:routeAlertsToOncall"]?.value === "true") {
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
            const report = await lib.promote.promote(sourceFor(call.commit), { target, version, ...call });
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
            const result = await lib.rehearsal.runStep((revision) => sourceFor(commitOf(checkouts[revision])), step);
            keep(result.report.preview);
            keep(result.report.update);
            return result;
        },
        pulumi: (args) => sourceFor().pulumi(args),
        async state(name) {
            const stack = await sourceFor().stack(name);
            const deployment = (await stack.exportStack()).deployment as { resources?: { urn: string; inputs?: unknown; outputs?: unknown; protect?: boolean }[] };
            const resources: Record<string, string> = {};
            for (const resource of deployment.resources ?? []) {
                resources[resource.urn] = JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs, protect: resource.protect ?? false }, maskCiphertext);
            }
            const outputs = Object.fromEntries(Object.entries(await stack.outputs()).map(([key, value]) => [key, value.value]));
            return { resources: Object.fromEntries(Object.entries(resources).sort(([a], [b]) => a.localeCompare(b))), outputs };
        },
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



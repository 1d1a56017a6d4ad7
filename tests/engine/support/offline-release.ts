/**
 * The release system under test, on the real engine: a clean build of this working tree (see
 * clean-build.ts), an offline workspace (file backend, isolated PULUMI_HOME, stand-in AWS
 * provider) holding dev, staging and prod created from the build's stack files, and the
 * build's own program, policy pack and release tooling (`promote`, `runWithPolicies`, the
 * rehearsal steps), loaded from the snapshot so all of them are one build.
 *
 * `withOfflineWorkspace()` registers the mocha hooks in the calling `describe`: one system per
 * `describe`, removed afterwards (set ATLAS_KEEP_ENGINE_WORKSPACE=1 to keep it for debugging).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import type * as EngineRunLib from "../../../cli/lib/engine-run";
import type * as PromoteLib from "../../../cli/lib/promote";
import type * as RehearsalLib from "../../../cli/lib/rehearsal";
import type * as StacksLib from "../../../cli/lib/stacks";
import type * as WorkspaceLib from "../../../tools/offline/workspace";
import type { ReleaseFacts } from "../../../policy-pack/src/contract/release-facts";
import { CleanBuild, snapshotWorkingTree } from "./clean-build";
import { RELEASE_VERSION_ENV } from "../../../src/release";

export type RunOutcome = EngineRunLib.RunOutcome;
export type PromoteReport = PromoteLib.PromoteReport;
export type PolicyConfig = Record<string, unknown>;
export type Operation = EngineRunLib.Operation;

const ONCALL_KEY = "atlas:oncallEndpoint";

/** A promotion, with the exact policy config promote handed to the engine for its preview. */
export interface Promotion extends PromoteReport {
    policyConfig: PolicyConfig;
}

export interface ReleaseSystem {
    readonly build: CleanBuild;
    readonly workspace: WorkspaceLib.OfflineWorkspace;
    readonly source: StacksLib.StackSource;
    readonly policyPack: string;
    /** prod's on-call endpoint (a secret config value no message may contain). */
    readonly oncallSecret: string;
    /** Every run made through this system, in order. */
    readonly outcomes: RunOutcome[];
    readonly rehearsal: typeof RehearsalLib;
    stack(name: string): Promise<Stack>;
    /** `promote` as the CLI runs it; the policy config it passed to the preview is recorded. */
    promote(target: string, version: string, options?: { previewOnly?: boolean }): Promise<Promotion>;
    /** One preview or update of a stack with the pack, bypassing promote (and its preview). */
    run(target: string, operation: Operation, version: string, policyConfig: PolicyConfig | undefined): Promise<RunOutcome>;
    /** A rehearsal step, run by the rehearsal's own `runStep`, with the policy config its preview got. */
    runStep(step: RehearsalLib.RehearsalStep): Promise<RehearsalLib.StepResult & { policyConfig: PolicyConfig }>;
    /** A stack's deployed `release` output (undefined before its first update). */
    release(name: string): Promise<ReleaseFacts | undefined>;
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
    let build: CleanBuild | undefined;
    let workspace: WorkspaceLib.OfflineWorkspace | undefined;
    const versionBefore = process.env[RELEASE_VERSION_ENV];

    before(async function () {
        this.timeout(600_000);
        build = snapshotWorkingTree();
        const lib = await loadTooling(build.dir);
        workspace = await lib.workspace.OfflineWorkspace.create({ projectSource: build.dir });
        system = await assemble(build, workspace, lib);
    });

    after(() => {
        if (versionBefore === undefined) {
            delete process.env[RELEASE_VERSION_ENV];
        } else {
            process.env[RELEASE_VERSION_ENV] = versionBefore;
        }
        if (process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
            console.log(`      engine workspace kept at ${workspace?.dir}, build at ${build?.dir}`);
            return;
        }
        workspace?.remove();
        build?.remove();
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

async function assemble(build: CleanBuild, workspace: WorkspaceLib.OfflineWorkspace, lib: Tooling): Promise<ReleaseSystem> {
    const backend = new lib.stacks.OfflineBackend(workspace);
    const policyPack = path.join(build.dir, "policy-pack");
    const outcomes: RunOutcome[] = [];
    const oncallSecret = `https://oncall.invalid/atlas/${randomBytes(12).toString("hex")}`;
    let recorded: PolicyConfig | undefined;
    // Each `stack()` call yields a fresh Stack object; this one notes the policy config of its previews.
    const source: StacksLib.StackSource = {
        get description() {
            return backend.description;
        },
        get projectDir() {
            return backend.projectDir;
        },
        exists: (name) => backend.exists(name),
        qualified: (name) => backend.qualified(name),
        setReleaseVersion: (version) => backend.setReleaseVersion(version),
        scratchDir: () => backend.scratchDir(),
        async stack(name, options) {
            const stack = await backend.stack(name, options);
            const preview = stack.preview.bind(stack);
            stack.preview = async (opts) => {
                const file = opts?.policyPackConfigs?.[0];
                recorded = file ? (JSON.parse(fs.readFileSync(file, "utf8")) as PolicyConfig) : undefined;
                return preview(opts);
            };
            return stack;
        },
    };
    const keep = <T extends RunOutcome | null>(outcome: T): T => {
        if (outcome) {
            outcomes.push(outcome);
        }
        return outcome;
    };

    for (const name of lib.workspace.STACK_NAMES) {
        const stack = await source.stack(name, { create: true });
        if ((await stack.getAllConfig())["atlas:routeAlertsToOncall"]?.value === "true") {
            await stack.setConfig(ONCALL_KEY, { value: oncallSecret, secret: true });
        }
    }

    return {
        build,
        workspace,
        source,
        policyPack,
        oncallSecret,
        outcomes,
        rehearsal: lib.rehearsal,
        stack: (name) => source.stack(name),
        async promote(target, version, options = {}) {
            recorded = undefined;
            const report = await lib.promote.promote(source, { target, version, previewOnly: options.previewOnly, policyPack });
            keep(report.preview);
            keep(report.update);
            if (!recorded) {
                throw new Error(`promote ${target} ran no preview with a policy config`);
            }
            return { ...report, policyConfig: recorded };
        },
        async run(target, operation, version, policyConfig) {
            source.setReleaseVersion(version);
            const stack = await source.stack(target);
            return keep(await lib.engineRun.runWithPolicies(stack, operation, { policyPack, policyConfig, message: `atlas release ${version}` }));
        },
        async runStep(step) {
            // runStep promotes with the default pack: the build's own, since it is loaded from the build.
            recorded = undefined;
            const result = await lib.rehearsal.runStep(source, step);
            keep(result.report.preview);
            keep(result.report.update);
            if (!recorded) {
                throw new Error(`rehearsal step ${step.name} ran no preview with a policy config`);
            }
            return { ...result, policyConfig: recorded };
        },
        async release(name) {
            return (await (await source.stack(name)).outputs())["release"]?.value as ReleaseFacts | undefined;
        },
        async state(name) {
            const stack = await source.stack(name);
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

/** Secret values are stored encrypted, and re-encrypting the same value gives another ciphertext. */
function maskCiphertext(_key: string, value: unknown): unknown {
    return value !== null && typeof value === "object" && SECRET_SIGNATURE in value ? "[secret]" : value;
}

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

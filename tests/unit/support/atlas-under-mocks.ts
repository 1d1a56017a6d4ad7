/**
 * Runs the real Atlas program under Pulumi mocks with a stack file's config, and records every
 * resource it registers. The only place tests touch Pulumi's (process-global) runtime settings:
 * each run resets config, mocks and the root stack, so runs do not leak into each other.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { load } from "js-yaml";
import * as path from "path";
import { atlasProgram } from "../../../src/program";

export const REPO_ROOT = path.join(__dirname, "..", "..", "..");
export const PROJECT = "atlas";
export const ORGANIZATION = "organization";
export type StackName = "dev" | "staging" | "prod";
export const STACKS: readonly StackName[] = ["dev", "staging", "prod"];

/** An on-call endpoint the tests pass as a secret (the real one is never in the repository). */
export const TEST_ONCALL_ENDPOINT = "https://oncall.example.com/hooks/atlas-test-token";

// Resource inputs arrive as whatever the SDK serialised.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inputs = Record<string, any>;

export interface RegisteredResource {
    type: string;
    name: string;
    /** Inputs with secrets unwrapped; `secretInputs` names the top-level inputs that were secret. */
    inputs: Inputs;
    secretInputs: string[];
    custom: boolean;
    /** Provider reference `urn::id` the engine would use; undefined for components. */
    provider?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
}

export interface ProgramRun {
    resources: RegisteredResource[];
    outputs?: Record<string, unknown>;
    error?: Error;
}

export interface RunOptions {
    /** Config values (qualified keys, raw strings as Pulumi passes them) replacing the file's. */
    set?: Record<string, string>;
    /** Keys removed from the file's config. */
    remove?: string[];
    /** Secret config values (qualified keys). */
    secrets?: Record<string, string>;
    /** Environment variables during the run (undefined removes one). */
    env?: Record<string, string | undefined>;
    /** Outputs the mock StackReference returns. */
    upstreamOutputs?: Record<string, unknown>;
    /** The ARN a resource gets, where a test needs AWS's shape rather than `arn:mock:…`. */
    arnOf?: (type: string, inputs: Inputs) => string | undefined;
}

/** The config a stack's program sees: Pulumi.yaml's defaults, overlaid by the stack file, as raw strings. */
export function stackConfig(stack: StackName): Record<string, string> {
    const project = readYaml("Pulumi.yaml") as { config: Record<string, { default?: unknown; value?: unknown }> };
    const config: Record<string, string> = {};
    for (const [key, declared] of Object.entries(project.config)) {
        const value = declared.value ?? declared.default;
        if (value !== undefined) {
            config[key.includes(":") ? key : `${PROJECT}:${key}`] = rawConfigValue(value);
        }
    }
    const stackFile = readYaml(`Pulumi.${stack}.yaml`) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(stackFile.config ?? {})) {
        config[key] = rawConfigValue(value);
    }
    return config;
}

/** The secrets a stack needs that are deliberately not in its file. */
export function requiredSecrets(stack: StackName): Record<string, string> {
    return stack === "prod" ? { "atlas:oncallEndpoint": TEST_ONCALL_ENDPOINT } : {};
}

/** The run in progress: runs take turns, as each resets the runtime's global config, mocks and root stack. */
let previousRun: Promise<unknown> = Promise.resolve();

/** Runs the program once under mocks; a run started while another is in flight waits for it. */
export function runAtlas(stack: StackName, options: RunOptions = {}): Promise<ProgramRun> {
    const run = previousRun.then(() => runAtlasAlone(stack, options));
    previousRun = run.catch(() => undefined);
    return run;
}

async function runAtlasAlone(stack: StackName, options: RunOptions): Promise<ProgramRun> {
    const config = { ...stackConfig(stack), ...options.set, ...options.secrets };
    for (const key of options.remove ?? []) {
        delete config[key];
    }
    pulumi.runtime.setAllConfig(config, Object.keys(options.secrets ?? {}));

    const resources: RegisteredResource[] = [];
    const resourceOptions = new Map<string, pulumi.ResourceOptions>();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const opts = resourceOptions.get(`${args.type}::${args.name}`) ?? {};
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs: unwrapSecrets(args.inputs) as Inputs,
                    secretInputs: Object.keys(args.inputs).filter((key) => isSecretValue(args.inputs[key])),
                    custom: args.custom ?? false,
                    provider: args.provider || undefined,
                    protect: opts.protect,
                    retainOnDelete: opts.retainOnDelete,
                });
                const state =
                    args.type === "pulumi:pulumi:StackReference"
                        ? { name: args.inputs.name, outputs: options.upstreamOutputs ?? {} }
                        : { ...args.inputs, arn: args.inputs.arn ?? options.arnOf?.(args.type, args.inputs) ?? `arn:mock:${args.type}:${args.name}` };
                return { id: mockId(args), state };
            },
            call(args) {
                throw new Error(`the program made an invoke (${args.token}); it must build everything from config`);
            },
        },
        PROJECT,
        stack,
        false,
        ORGANIZATION,
    );

    const restoreEnv = applyEnv(options.env ?? {});
    try {
        const outputs = await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                resourceOptions.set(`${args.type}::${args.name}`, args.opts);
                return undefined;
            });
            return atlasProgram();
        });
        await waitForRegistrations();
        return { resources, outputs: outputs as Record<string, unknown> };
    } catch (error) {
        await waitForRegistrations();
        return { resources, error: error as Error };
    } finally {
        restoreEnv();
    }
}

/** Runs a stack file as it is, with the secrets it needs. */
export function runStack(stack: StackName, options: RunOptions = {}): Promise<ProgramRun> {
    return runAtlas(stack, { ...options, secrets: { ...requiredSecrets(stack), ...options.secrets } });
}

/** The release version of `stackRun`'s runs. */
export const STACK_RUN_VERSION = "1.2.3";
const stackRuns = new Map<StackName, Promise<ProgramRun>>();

/**
 * A stack file's run, made once per test process and shared by the tests that only read it
 * (a run records plain data, so sharing it cannot leak state between tests).
 */
export function stackRun(stack: StackName): Promise<ProgramRun> {
    let run = stackRuns.get(stack);
    if (!run) {
        run = runStack(stack, { env: { ATLAS_RELEASE_VERSION: STACK_RUN_VERSION } });
        stackRuns.set(stack, run);
    }
    return run;
}

/** The id the mocks give a resource: other resources refer to it by this id (a bucket's settings, for example). */
export function mockId(r: { name: string }): string {
    return `${r.name}-id`;
}

/** The one resource of a type and logical name; fails the test when there is not exactly one. */
export function resource(run: ProgramRun, type: string, name: string): RegisteredResource {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

export function resourcesOfType(run: ProgramRun, type: string): RegisteredResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** Resources other than the root stack (which Pulumi registers before the program runs). */
export function programResources(run: ProgramRun): RegisteredResource[] {
    return run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

/** A JSON input (policy documents, provider settings) as a value. */
export function parsedJson(value: unknown): Inputs {
    return typeof value === "string" ? JSON.parse(value) : (value as Inputs);
}

/** How the SDK hands a secret input to mocks: wrapped with its signature key. */
const SECRET_SIGNATURE = pulumi.runtime.specialSigKey;

function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Inputs)[SECRET_SIGNATURE] === pulumi.runtime.specialSecretSig;
}

function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    // Plain objects only: assets and archives keep their class (and their promised fields).
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function readYaml(file: string): unknown {
    return load(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
}

/** As the CLI passes config to programs: strings as they are, everything else as JSON. */
function rawConfigValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function applyEnv(env: Record<string, string | undefined>): () => void {
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    const assign = (values: Record<string, string | undefined>) => {
        for (const [key, value] of Object.entries(values)) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
        }
    };
    assign(env);
    return () => assign(saved);
}

/** Lets registrations still in flight (outputs nobody awaited) reach the mocks. */
async function waitForRegistrations(): Promise<void> {
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (!waitForRPCs) {
        throw new Error("@pulumi/pulumi no longer exports pulumi.runtime.waitForRPCs; update tests/unit/support/atlas-under-mocks.ts");
    }
    await waitForRPCs();
}

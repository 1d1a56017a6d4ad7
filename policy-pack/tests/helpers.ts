/**
 * Builds CrossGuard validation arguments the way the engine does (props deserialized from the
 * wire form by @pulumi/policy's own deserializer, then put behind the unknown-checking proxy;
 * providers, dependencies, protect) from a plain list of resources, and runs one policy over
 * them. Model: pulumi/pulumi-policy-aws's test helpers.
 *
 * Props are given in the engine's wire form: `secret(value)` for a value the engine marks secret,
 * `fileAsset(path)` for a file asset, UNKNOWN_STRING / UNKNOWN_OBJECT for a value unknown during
 * preview. The deserializer is the one policy-pack/src/secret-paths.ts wraps, so the pack notes
 * secret paths exactly as it does on the engine.
 */
import {
    PolicyResource,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import "../src/secret-paths";
import { SECRET_SIG, SIG } from "../src/contract/value-signatures";
import { unknownCheckingProxy } from "../src/unknowns";
import { parityInputsRecorder } from "../src/planned-inputs";

export interface ResourceSpec {
    type: string;
    name: string;
    /** The resource's inputs (wire form). */
    props?: Record<string, unknown>;
    /**
     * Values the provider computes (an ARN, a generated id). The engine passes them beside the
     * inputs for a deployed resource; a checkpoint records them as outputs only.
     */
    outputs?: Record<string, unknown>;
    protect?: boolean;
    /** Name of a `pulumi:providers:*` resource in the same list. A resource without one is a component (or the Stack). */
    provider?: string;
    /** Property name -> names of the resources it was computed from. */
    dependsOn?: Record<string, string[]>;
}

export interface PolicyRun {
    violations: { message: string; urn?: string }[];
    notApplicable?: string;
}

/** Every message any test produced, so the suite can prove none carries a secret. */
export const allMessages: string[] = [];

/** The wire form's signatures (@pulumi/pulumi's specialSigKey and friends). */
export { SECRET_SIG, SIG };
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";

/** A value the engine sends marked secret. */
export function secret(value: unknown): Record<string, unknown> {
    return { [SIG]: SECRET_SIG, value };
}

/** A file asset as the engine sends it (deserialized into a pulumi.asset.FileAsset). */
export function fileAsset(path: string): Record<string, unknown> {
    return { [SIG]: ASSET_SIG, path };
}

/** A text asset as the engine sends it (deserialized into a pulumi.asset.StringAsset). */
export function stringAsset(text: string): Record<string, unknown> {
    return { [SIG]: ASSET_SIG, text };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const deserializer = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): object }, proxySecrets: boolean): Record<string, unknown>;
};

/** The props the engine passes for a resource: its inputs and, once known, the provider's outputs. */
export function engineProps(spec: Pick<ResourceSpec, "props" | "outputs">): Record<string, unknown> {
    return { ...spec.props, ...spec.outputs };
}

class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(reason);
    }
}

export function urnOf(stack: string, spec: Pick<ResourceSpec, "type" | "name">, project = "atlas"): string {
    return `urn:pulumi:${stack}::${project}::${spec.type}::${spec.name}`;
}

/** What the analyzer server does with a resource's properties: deserialize (secrets unwrapped, assets as objects), then proxy. */
function deserializedProps(wire: Record<string, unknown>): Record<string, unknown> {
    const plain = JSON.parse(JSON.stringify(wire)) as Record<string, unknown>; // as the wire carries it: no undefined, no classes
    return unknownCheckingProxy(deserializer.deserializeProperties({ toJavaScript: () => plain }, false));
}

/**
 * The resources a stack policy gets. Like the engine, first runs the resource policies' Analyze on
 * every custom resource's inputs (the pack's recorder of prod's inputs among them), unless `analyze`
 * is false (a run where the recorder did not run).
 */
export function stackResources(stack: string, specs: ResourceSpec[], options: { analyze?: boolean } = {}): PolicyResource[] {
    if (options.analyze !== false) {
        for (const spec of specs.filter((s) => s.provider !== undefined || s.type.startsWith("pulumi:providers:"))) {
            void (parityInputsRecorder.validateResource as ResourceValidation)(
                { urn: urnOf(stack, spec), type: spec.type, name: spec.name, props: deserializedProps({ ...spec.props }) } as unknown as ResourceValidationArgs,
                () => undefined,
            );
        }
    }
    const resources = specs.map((spec): PolicyResource => ({
        type: spec.type,
        name: spec.name,
        urn: urnOf(stack, spec),
        props: deserializedProps(engineProps(spec)),
        opts: {
            protect: spec.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    }));
    const byName = new Map(resources.map((r) => [r.name, r]));
    const find = (name: string) => {
        const found = byName.get(name);
        if (!found) {
            throw new Error(`test stack has no resource named "${name}"`);
        }
        return found;
    };
    specs.forEach((spec, index) => {
        const resource = resources[index];
        if (spec.provider) {
            const provider = find(spec.provider);
            resource.provider = { type: provider.type, name: provider.name, urn: provider.urn, props: provider.props };
        }
        for (const [property, names] of Object.entries(spec.dependsOn ?? {})) {
            resource.propertyDependencies[property] = names.map(find);
            resource.dependencies.push(...resource.propertyDependencies[property].filter((d) => !resource.dependencies.includes(d)));
        }
    });
    return resources;
}

/**
 * A resource policy run as the engine runs it before each step: one Analyze call per custom resource (providers
 * included), with its own inputs; returns every message it reported.
 */
export async function runResourcePolicy(policy: ResourceValidationPolicy, stack: string, specs: ResourceSpec[], config: object = {}): Promise<string[]> {
    const messages: string[] = [];
    const byName = new Map(specs.map((spec) => [spec.name, spec]));
    for (const spec of specs.filter((s) => s.provider !== undefined || s.type.startsWith("pulumi:providers:"))) {
        const provider = spec.provider ? byName.get(spec.provider) : undefined;
        const args = {
            urn: urnOf(stack, spec),
            type: spec.type,
            name: spec.name,
            props: deserializedProps({ ...spec.props }),
            opts: {
                protect: spec.protect ?? false,
                ignoreChanges: [],
                aliases: [],
                additionalSecretOutputs: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            },
            ...(provider ? { provider: { type: provider.type, name: provider.name, urn: urnOf(stack, provider), props: {} } } : {}),
            getConfig: <T extends object>() => config as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        } as unknown as ResourceValidationArgs;
        await (policy.validateResource as ResourceValidation)(args, (message) => {
            messages.push(message);
            allMessages.push(message);
        });
    }
    return messages;
}

export async function runPolicy(policy: StackValidationPolicy, stack: string, specs: ResourceSpec[], config: object = {}): Promise<PolicyRun> {
    const run: PolicyRun = { violations: [] };
    const args: StackValidationArgs = {
        resources: stackResources(stack, specs),
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    try {
        await policy.validateStack(args, (message, urn) => {
            allMessages.push(message);
            run.violations.push(urn === undefined ? { message } : { message, urn });
        });
    } catch (error) {
        if (!(error instanceof NotApplicable)) {
            throw error;
        }
        run.notApplicable = error.reason;
    }
    return run;
}

export async function messagesOf(policy: StackValidationPolicy, stack: string, specs: ResourceSpec[], config: object = {}): Promise<string[]> {
    const run = await runPolicy(policy, stack, specs, config);
    if (run.notApplicable !== undefined) {
        throw new Error(`policy was not applicable: ${run.notApplicable}`);
    }
    return run.violations.map((v) => v.message);
}

/** The one message a policy reported; fails the test when it reported none or several. */
export async function onlyMessage(policy: StackValidationPolicy, stack: string, specs: ResourceSpec[], config: object = {}): Promise<string> {
    const messages = await messagesOf(policy, stack, specs, config);
    if (messages.length !== 1) {
        throw new Error(`expected exactly one violation of ${policy.name}, got ${messages.length}:\n${messages.join("\n---\n")}`);
    }
    return messages[0];
}

/** The sentinels the engine sends for values unknown during preview (types stripped upstream). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as { unknownObjectValue: string; unknownStringValue: string };
export const UNKNOWN_OBJECT = sentinels.unknownObjectValue;
export const UNKNOWN_STRING = sentinels.unknownStringValue;

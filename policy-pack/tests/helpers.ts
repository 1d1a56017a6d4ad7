/**
 * Builds CrossGuard validation arguments the way the engine does (props behind the
 * unknown-checking proxy, providers, dependencies, protect) from a plain list of resources, and
 * runs one policy over them. Model: pulumi/pulumi-policy-aws's test helpers.
 */
import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "../src/unknowns";

export interface ResourceSpec {
    type: string;
    name: string;
    props?: Record<string, unknown>;
    protect?: boolean;
    /** Name of a `pulumi:providers:*` resource in the same list. */
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

class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(reason);
    }
}

export function urnOf(stack: string, spec: Pick<ResourceSpec, "type" | "name">, project = "atlas"): string {
    return `urn:pulumi:${stack}::${project}::${spec.type}::${spec.name}`;
}

export function stackResources(stack: string, specs: ResourceSpec[]): PolicyResource[] {
    const resources = specs.map((spec): PolicyResource => {
        const props = unknownCheckingProxy({ ...spec.props });
        return {
            type: spec.type,
            name: spec.name,
            urn: urnOf(stack, spec),
            props,
            opts: { protect: spec.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        };
    });
    const byName = new Map(resources.map((r) => [r.name, r]));
    specs.forEach((spec, index) => {
        const resource = resources[index];
        if (spec.provider) {
            const provider = byName.get(spec.provider)!;
            resource.provider = { type: provider.type, name: provider.name, urn: provider.urn, props: provider.props };
        }
        for (const [property, names] of Object.entries(spec.dependsOn ?? {})) {
            resource.propertyDependencies[property] = names.map((name) => byName.get(name)!);
            resource.dependencies.push(...resource.propertyDependencies[property]);
        }
    });
    return resources;
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

/** The sentinels the engine sends for values unknown during preview (types stripped upstream). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as { unknownObjectValue: string; unknownStringValue: string };
export const UNKNOWN_OBJECT = sentinels.unknownObjectValue;
export const UNKNOWN_STRING = sentinels.unknownStringValue;

/** One resource of a stack as parity compares it, from a checkpoint or from a plan. */

export interface ComparedResource {
    urn: string;
    type: string;
    /** False for a component, whose properties are its registered outputs (derived from its children), not settings. */
    custom: boolean;
    /** The resource's settings: a checkpoint's inputs; for a planned resource, every property the engine passes. */
    inputs: Record<string, unknown>;
    /**
     * Values the provider computed (checkpoint outputs that are not inputs). Undefined for a
     * planned resource, whose properties mix inputs and (known) outputs.
     */
    computed?: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    /** The resource options a checkpoint and a policy both see, when set (normalised by `resourceOptions`). */
    options?: ResourceOptions;
    /** The provider reference (`<urn>` or `<urn>::<id>`). */
    provider?: string;
}

/** Options that change how the engine treats a resource, comparable in a checkpoint and a plan. */
export interface ResourceOptions {
    ignoreChanges?: string[];
    additionalSecretOutputs?: string[];
    /** Seconds. */
    customTimeouts?: { create: number; update: number; delete: number };
}

/** The options worth comparing, with empty ones left out, from either form (checkpoint: `create`; policy: `createSeconds`). */
export function resourceOptions(raw: { ignoreChanges?: unknown; additionalSecretOutputs?: unknown; customTimeouts?: unknown }): ResourceOptions | undefined {
    const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value.map(String).sort() : undefined);
    const timeouts = (raw.customTimeouts ?? {}) as Record<string, unknown>;
    const seconds = (name: string) => Number(timeouts[name] ?? timeouts[`${name}Seconds`] ?? 0) || 0;
    const customTimeouts = { create: seconds("create"), update: seconds("update"), delete: seconds("delete") };
    const options: ResourceOptions = {
        ...(list(raw.ignoreChanges) ? { ignoreChanges: list(raw.ignoreChanges) } : {}),
        ...(list(raw.additionalSecretOutputs) ? { additionalSecretOutputs: list(raw.additionalSecretOutputs) } : {}),
        ...(Object.values(customTimeouts).some((n) => n > 0) ? { customTimeouts } : {}),
    };
    return Object.keys(options).length > 0 ? options : undefined;
}

/** Bookkeeping of the engine, not part of what a stack deploys. */
const UNCOMPARED_TYPES = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:pulumi"]);

export function isCompared(type: string): boolean {
    return !UNCOMPARED_TYPES.has(type);
}

/** The logical name: the last `::` segment of a URN. */
export function logicalNameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `aws:glue/job:Job "etl-job"`. */
export function labelOf(resource: Pick<ComparedResource, "type" | "urn">): string {
    return `${resource.type} "${logicalNameOf(resource.urn)}"`;
}

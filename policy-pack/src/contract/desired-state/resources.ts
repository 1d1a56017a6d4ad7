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
    /** The provider reference (`<urn>` or `<urn>::<id>`). */
    provider?: string;
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

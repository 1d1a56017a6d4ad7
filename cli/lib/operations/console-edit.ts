/**
 * A console edit, offline: changes, clears or deletes a resource in the stand-in provider's cloud of an offline workspace
 * behind Pulumi's back (tools/stand-in-aws/cloud.ts), the way a person in the AWS console would. Pulumi's state is not
 * touched, so a refresh (npm run drift) finds the difference. Used by `npm run cloud` and the rehearsal.
 */
import * as path from "path";
import { CheckpointResource, SECRET_SIG, SIG } from "../../../policy-pack/src/contract";
import { CloudResource, CloudStore } from "../../../tools/stand-in-aws/cloud";
import { UsageError } from "../kit";
import { readCheckpoint, requireStack, StackSource } from "../stacks";

export interface ResourceRef {
    stack: string;
    /** The resource's logical name. */
    resource: string;
    /** Its type, where two resources of the stack share the name. */
    type?: string;
}

/** The cloud of the offline workspace in `workspaceDir`. */
export function cloudOf(workspaceDir: string): CloudStore {
    return new CloudStore(path.join(path.resolve(workspaceDir), "cloud"));
}

/** The cloud's copy of a stack's resource. */
export async function cloudResource(cloud: CloudStore, source: StackSource, ref: ResourceRef): Promise<CloudResource> {
    await requireStack(source, ref.stack);
    return findResource(cloud, await readCheckpoint(source, ref.stack), ref);
}

/**
 * Sets one property (`path` as `a.b[0]["c-d"]`) of the resource in the cloud; returns the resource's URN and whether
 * the property is a secret (its value is then never echoed).
 */
export async function editInCloud(
    cloud: CloudStore,
    source: StackSource,
    ref: ResourceRef,
    property: string,
    value: unknown,
): Promise<{ urn: string; secret: boolean }> {
    const resource = await cloudResource(cloud, source, ref);
    const path = parsePath(property);
    cloud.edit(resource, withValueAt(resource.properties, path, { value }, property));
    return { urn: resource.urn, secret: isSecretAt(resource.properties, path) };
}

/** Removes one property of the resource in the cloud (a setting cleared in the console); returns the resource's URN. */
export async function unsetInCloud(cloud: CloudStore, source: StackSource, ref: ResourceRef, property: string): Promise<string> {
    const resource = await cloudResource(cloud, source, ref);
    cloud.edit(resource, withValueAt(resource.properties, parsePath(property), "removed", property));
    return resource.urn;
}

/** Deletes the resource from the cloud; returns its URN. */
export async function deleteInCloud(cloud: CloudStore, source: StackSource, ref: ResourceRef): Promise<string> {
    const resource = await cloudResource(cloud, source, ref);
    cloud.remove(resource);
    return resource.urn;
}

/** What a person sees of a resource in the console: its properties, secrets as "[secret]". */
export function masked(value: unknown): unknown {
    if (isSecret(value)) {
        return "[secret]";
    }
    if (Array.isArray(value)) {
        return value.map(masked);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
    }
    return value;
}

function findResource(cloud: CloudStore, state: readonly CheckpointResource[], ref: ResourceRef): CloudResource {
    const matches = state.filter((r) => r.custom && r.urn.endsWith(`::${ref.resource}`) && (!ref.type || r.type === ref.type));
    if (matches.length === 0) {
        throw new UsageError(
            `stack ${ref.stack} has no resource named "${ref.resource}"${ref.type ? ` of type ${ref.type}` : ""}; \`pulumi stack --stack ${ref.stack}\` (after sourcing the workspace's env.sh) lists its resources`,
        );
    }
    if (matches.length > 1) {
        throw new UsageError(
            `stack ${ref.stack} has ${matches.length} resources named "${ref.resource}" (${matches.map((r) => r.type).join(", ")}); say which with --type`,
        );
    }
    const found = cloud.resourcesOf(matches[0].urn).find((r) => r.id === matches[0].id);
    if (!found) {
        throw new UsageError(`${matches[0].urn} is not in the cloud of this workspace (deleted there already, or made before the workspace kept a cloud)`);
    }
    return found;
}

type Step = string | number;

/** `a.b[0]["c-d"]` → ["a", "b", 0, "c-d"]. */
export function parsePath(text: string): Step[] {
    const steps: Step[] = [];
    const pattern = /(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
    let at = 0;
    while (at < text.length) {
        pattern.lastIndex = at;
        const match = pattern.exec(text);
        if (!match || (at === 0 && text.startsWith("."))) {
            throw new UsageError(`--property ${text} is not a property path (write a.b, a[0] or a["key-with-dashes"])`);
        }
        steps.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(`"${match[3]}"`) as string)));
        at = pattern.lastIndex;
    }
    if (steps.length === 0) {
        throw new UsageError("--property is empty");
    }
    return steps;
}

/** A copy of `properties` with `change` at `path` (inside a secret, the secret's value); the property must exist. */
function withValueAt(properties: Record<string, unknown>, path: Step[], change: { value: unknown } | "removed", text: string): Record<string, unknown> {
    const set = (current: unknown, steps: Step[]): unknown => {
        if (isSecret(current)) {
            return { ...current, value: set(current.value, steps) };
        }
        if (steps.length === 0) {
            return change === "removed" ? undefined : change.value;
        }
        const [step, ...rest] = steps;
        if (current === null || typeof current !== "object" || !(step in current)) {
            throw new UsageError(`the resource has no property ${text} in the cloud (show lists what it has)`);
        }
        if (change === "removed" && rest.length === 0) {
            return Array.isArray(current) ? current.filter((_, i) => i !== step) : Object.fromEntries(Object.entries(current).filter(([key]) => key !== step));
        }
        const copy = Array.isArray(current) ? [...current] : { ...(current as Record<string, unknown>) };
        (copy as Record<string | number, unknown>)[step] = set((current as Record<string | number, unknown>)[step], rest);
        return copy;
    };
    return set(properties, path) as Record<string, unknown>;
}

/** True when the value at `path`, or anything holding it, is a secret. */
function isSecretAt(properties: Record<string, unknown>, path: Step[]): boolean {
    let current: unknown = properties;
    for (const step of path) {
        if (isSecret(current)) {
            return true;
        }
        current = current !== null && typeof current === "object" ? (current as Record<string | number, unknown>)[step] : undefined;
    }
    return isSecret(current);
}

function isSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

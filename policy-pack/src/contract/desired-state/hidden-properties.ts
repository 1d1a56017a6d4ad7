/**
 * Properties no policy can see. CrossGuard's deserializer builds each object by assignment, so a property named
 * `__proto__` becomes the object's prototype and vanishes from what every policy reads (pinned in
 * tests/hidden-properties.spec.ts). The Node SDK drops such a key the same way before it reaches the engine, but a
 * program in another language (the candidate owns Pulumi.yaml's `runtime`) can send one, and the provider applies
 * it. The release tooling parses the preview's steps and prod's state itself, where the key is an ordinary one, and
 * refuses it — inside secrets too, where the state holds their plain text (the export with --show-secrets): a preview's
 * events blind a secret as "[secret]", so there the check after the update is the one that sees it.
 */
import { propertyPath } from "./compare";
import { labelOf } from "./resources";
import { SECRET_SIG, SIG } from "../value-signatures";

export const HIDDEN_PROPERTY = "__proto__";

export interface HiddenProperty {
    /** `aws:glue/job:Job "etl"`. */
    resource: string;
    /** Where it is, as parity words paths (`defaultArguments["__proto__"]`). */
    path: string;
}

/** Every property named `__proto__` in the resources' inputs (a step's new state, or a checkpoint entry). */
export function hiddenPropertiesOf(resources: readonly { urn: string; type: string; inputs?: Record<string, unknown> }[]): HiddenProperty[] {
    return resources.flatMap((resource) => pathsIn(resource.inputs, "").map((path) => ({ resource: labelOf(resource), path })));
}

function pathsIn(value: unknown, path: string): string[] {
    if (value === null || typeof value !== "object") {
        return [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, i) => pathsIn(item, `${path}[${i}]`));
    }
    const record = value as Record<string, unknown>;
    if (record[SIG] === SECRET_SIG) {
        // The secret's value is one property to every policy: look inside its plain text, as the state holds it.
        return pathsIn(typeof record.plaintext === "string" ? parsed(record.plaintext) : record.value, path);
    }
    return Object.keys(value).flatMap((key) => {
        const here = propertyPath(path, key);
        return [...(key === HIDDEN_PROPERTY ? [here] : []), ...pathsIn((value as Record<string, unknown>)[key], here)];
    });
}

function parsed(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

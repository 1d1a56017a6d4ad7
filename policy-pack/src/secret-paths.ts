/**
 * Which property values the engine marked secret. `@pulumi/policy` hands stack policies secrets
 * as plain values with no mark, so a policy cannot tell a secret from any other string. This
 * wraps the SDK's deserializer (the one the analyzer server calls for every resource) to note,
 * beside each deserialized props object, the paths at which the engine sent a secret. Behaviour
 * is otherwise unchanged: policies still see the plain values. Pinned by an engine test.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties: (struct: StructLike, proxySecrets: boolean) => unknown };

interface StructLike {
    toJavaScript(): Record<string, unknown>;
}

import { SECRET_SIG, SIG } from "./contract/value-signatures";

const secretPaths = new WeakMap<object, Set<string>>();

const original = deserialize.deserializeProperties;
deserialize.deserializeProperties = (struct: StructLike, proxySecrets: boolean) => {
    const props = original(struct, proxySecrets);
    if (props !== null && typeof props === "object") {
        const paths = new Set<string>();
        collect(struct.toJavaScript(), [], paths);
        if (paths.size > 0) {
            secretPaths.set(props, paths);
        }
    }
    return props;
};

/** A key for a property path, e.g. ["rules", 0, "token"]. */
export function pathKey(path: readonly (string | number)[]): string {
    return path.join("\u0000");
}

/** The paths (see pathKey) of the secret values in a resource's raw props. */
export function secretPathsOf(rawProps: object): ReadonlySet<string> {
    return secretPaths.get(rawProps) ?? new Set();
}

function collect(value: unknown, path: (string | number)[], into: Set<string>): void {
    if (value === null || typeof value !== "object") {
        return;
    }
    const record = value as Record<string, unknown>;
    if (record[SIG] === SECRET_SIG) {
        into.add(pathKey(path));
        return;
    }
    for (const [key, item] of Object.entries(record)) {
        collect(item, [...path, Array.isArray(value) ? Number(key) : key], into);
    }
}

// Values as the engine sends them over gRPC: secrets arrive wrapped (the server accepts secrets) and values that
// are not known yet during preview arrive as a sentinel string.
import { isRpcSecret, unknownValue, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";

export type PropertyMap = Record<string, unknown>;

/** The value with every secret wrapper removed, for computing names, ids and diffs (never for outputs). */
export function plain(value: unknown): unknown {
    if (isRpcSecret(value)) {
        return plain(unwrapRpcSecret(value));
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

export function plainMap(props: PropertyMap): PropertyMap {
    return plain(props) as PropertyMap;
}

/** True when the value or anything inside it is unknown (preview). */
export function containsUnknown(value: unknown): boolean {
    if (value === unknownValue) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

/** Structural equality after removing secret wrappers: becoming secret is not a change AWS would see. */
export function sameValue(a: unknown, b: unknown): boolean {
    return canonicalJson(plain(a)) === canonicalJson(plain(b));
}

function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(
                  Object.keys(v)
                      .sort()
                      .map((k) => [k, v[k]]),
              )
            : v,
    );
}

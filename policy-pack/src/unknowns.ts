/**
 * How preview's unknown values reach a policy: every props object is wrapped by
 * `unknownCheckingProxy`, and reading an unknown value throws `UnknownValueError`. Both are
 * exported by @pulumi/policy at runtime but their types are stripped (marked internal).
 */
import * as policy from "@pulumi/policy";

export interface UnknownValueErrorShape extends Error {
    /** Property path of the unknown value, from the props root. */
    props: string[];
}

const runtime = policy as unknown as {
    UnknownValueError: abstract new (...args: never[]) => UnknownValueErrorShape;
    unknownCheckingProxy<T extends object>(value: T): T;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
const SENTINELS = new Set(
    Object.entries(proxy)
        .filter(([name]) => /^unknown[A-Za-z]+Value$/.test(name))
        .map(([, value]) => value),
);

export function isUnknownValueError(error: unknown): error is UnknownValueErrorShape {
    return error instanceof runtime.UnknownValueError;
}

/** Wraps props as the engine does, so hand-built arguments behave like real ones. */
export const unknownCheckingProxy = runtime.unknownCheckingProxy;

/** The props behind the proxy, for the few checks that must look past unknowns instead of refusing. */
export function rawProps(props: Record<string, unknown>): Record<string, unknown> {
    return (props as Record<string, Record<string, unknown>>)[proxy.getSpecialProxyTarget] ?? props;
}

/** True for the sentinel the engine sends in place of a value unknown during preview. */
export function isUnknownValue(value: unknown): boolean {
    return typeof value === "string" && SENTINELS.has(value);
}

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

export function isUnknownValueError(error: unknown): error is UnknownValueErrorShape {
    return error instanceof runtime.UnknownValueError;
}

/** Wraps props as the engine does, so hand-built arguments behave like real ones. */
export const unknownCheckingProxy = runtime.unknownCheckingProxy;

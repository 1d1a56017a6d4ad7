/**
 * Stack traces the Pulumi SDK captures for its own bookkeeping are formatted without source maps in test processes.
 *
 * Why: `@pulumi/pulumi` reads `new Error().stack` for every promise it makes (debuggablePromise, kept for its
 * leak report) and for every resource (Resource.callsites, with no depth limit, for the resource's source
 * position). Under ts-node, each read maps every frame through source-map-support: in a worker running
 * programs inline, about a fifth of its CPU (6.4 of 29 CPU-s over tests/engine/release-gate.spec.ts). Those
 * stacks are never shown by a passing test; every other stack (a failing assertion, an error a test prints)
 * stays mapped to the TypeScript source. The only visible effect: an inline test program's resources record
 * positions in the transpiled code rather than the source. Programs run through the language host (a user's
 * `pulumi up`) are untouched: this module is loaded by mocha only.
 */

/** The SDK's modules that take stacks for bookkeeping, as the first frame of the stack they take. */
const BOOKKEEPING_FRAMES = [/@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/, /@pulumi[\\/]pulumi[\\/]resource\.js$/];

/** True when the stack was taken by the SDK for its own bookkeeping (its first frame is one of those modules). */
export function takenForBookkeeping(frames: readonly NodeJS.CallSite[]): boolean {
    const file = frames[0]?.getFileName() ?? "";
    return BOOKKEEPING_FRAMES.some((pattern) => pattern.test(file));
}

/** V8's own format: the error's first line, then a line per frame. */
function unmapped(error: Error, frames: readonly NodeJS.CallSite[]): string {
    return `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}

type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;

/** `mapped` (ts-node's source-map-support), except for the stacks the SDK takes for its own bookkeeping. */
export function bookkeepingUnmapped(mapped: PrepareStackTrace): PrepareStackTrace {
    return (error, frames) => (takenForBookkeeping(frames) ? unmapped(error, frames) : mapped(error, frames));
}

if (Error.prepareStackTrace) {
    Error.prepareStackTrace = bookkeepingUnmapped(Error.prepareStackTrace);
}

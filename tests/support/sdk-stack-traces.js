/**
 * Stack traces the Pulumi SDK captures for its own bookkeeping are formatted without source maps in test processes
 * and in the Node processes the engine tests start (programs, packs, the host, the stand-in provider).
 *
 * Why: `@pulumi/pulumi` reads `new Error().stack` for every promise it makes (debuggablePromise, kept for its leak
 * report) and for every resource (Resource.callsites, with no depth limit, for the resource's source position).
 * Under ts-node each read maps every frame through source-map-support: a fifth of a test worker's CPU, and of a
 * program's (`pulumi preview -s dev`: 3.7 → 2.9 CPU-s). Those stacks are never shown by a passing test; every other
 * stack (a failing assertion, an error a test or a program prints) stays mapped to the TypeScript source. The only
 * visible effect: a test program's resources record positions in the transpiled code rather than the source.
 *
 * Plain JavaScript, so a Node process loads it with `--require` before anything registers ts-node: it wraps the
 * formatter installed now and any installed later (Node calls `Error.prepareStackTrace` through a property read).
 * Never loaded by the ordinary path (a user's `pulumi up`, `npm run rehearse`, the bench); the language-host and
 * offline-shell engine tests take it out of their children's NODE_OPTIONS (`withoutPreload`).
 */
"use strict";
const path = require("path");

/** The SDK's modules that take stacks for bookkeeping, as the first frame of the stack they take. */
const BOOKKEEPING_FRAMES = [/@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/, /@pulumi[\\/]pulumi[\\/]resource\.js$/];

/** The NODE_OPTIONS entry that loads this module into a Node process. */
const PRELOAD = `--require ${JSON.stringify(path.resolve(__filename))}`;

const WRAPPED = Symbol("bookkeeping stacks unmapped");

/** True when the stack was taken by the SDK for its own bookkeeping (its first frame is one of those modules). */
function takenForBookkeeping(frames) {
    const file = (frames[0] && frames[0].getFileName()) || "";
    return BOOKKEEPING_FRAMES.some((pattern) => pattern.test(file));
}

/** V8's own format: the error's first line, then a line per frame. */
function unmapped(error, frames) {
    return `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}

/** `mapped` (ts-node's source-map-support), except for the stacks the SDK takes for its own bookkeeping. */
function bookkeepingUnmapped(mapped) {
    if (typeof mapped !== "function" || mapped[WRAPPED]) {
        return mapped;
    }
    const format = (error, frames) => (takenForBookkeeping(frames) ? unmapped(error, frames) : mapped(error, frames));
    format[WRAPPED] = true;
    return format;
}

/** NODE_OPTIONS with this module preloaded (once). */
function withPreload(nodeOptions) {
    const options = withoutPreload(nodeOptions);
    return options ? `${options} ${PRELOAD}` : PRELOAD;
}

/** NODE_OPTIONS without this module: for the tests that run the ordinary path exactly as a user's `pulumi up` does. */
function withoutPreload(nodeOptions) {
    return (nodeOptions || "").split(PRELOAD).join(" ").replace(/\s+/g, " ").trim();
}

if (!Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")?.get) {
    let formatter = bookkeepingUnmapped(Error.prepareStackTrace);
    Object.defineProperty(Error, "prepareStackTrace", {
        configurable: true,
        enumerable: false,
        get: () => formatter,
        set: (value) => {
            formatter = bookkeepingUnmapped(value);
        },
    });
}

module.exports = { takenForBookkeeping, bookkeepingUnmapped, withPreload, withoutPreload, PRELOAD };

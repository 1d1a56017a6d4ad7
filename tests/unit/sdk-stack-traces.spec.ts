/**
 * Test processes format the stacks the Pulumi SDK takes for its own bookkeeping without source maps
 * (tests/support/sdk-stack-traces.js); every other stack goes through the mapping as before.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { bookkeepingUnmapped, PRELOAD, takenForBookkeeping, withoutPreload, withPreload } from "../support/sdk-stack-traces";

/** A call site as V8 hands it to prepareStackTrace, as far as the formatter reads it. */
function frame(file: string, line = 12): NodeJS.CallSite {
    return { getFileName: () => file, toString: () => `fn (${file}:${line}:3)` } as unknown as NodeJS.CallSite;
}

const SDK = "/repo/node_modules/@pulumi/pulumi";

describe("stack traces the SDK takes for its bookkeeping, in test processes", () => {
    const mapped = (error: Error, frames: NodeJS.CallSite[]) => `MAPPED ${error.message} (${frames.length} frames)`;
    const format = bookkeepingUnmapped(mapped);

    it("are told by their first frame: the SDK's promise tracker or Resource.callsites", () => {
        assert.ok(takenForBookkeeping([frame(`${SDK}/runtime/debuggable.js`), frame("/repo/tests/x.spec.ts")]));
        assert.ok(takenForBookkeeping([frame(`${SDK}/resource.js`)]));
        assert.ok(!takenForBookkeeping([frame("/repo/tests/x.spec.ts"), frame(`${SDK}/resource.js`)]), "an SDK frame further down is not bookkeeping");
        assert.ok(!takenForBookkeeping([frame(`${SDK}/runtime/rpc.js`)]), "an error the SDK raises keeps its mapping");
        assert.ok(!takenForBookkeeping([]));
    });

    it("are formatted as V8 does, without the mapping", () => {
        const text = format(new Error("boom"), [frame(`${SDK}/resource.js`, 330), frame("/repo/src/program.ts", 7)]);
        assert.equal(text, `Error: boom\n    at fn (${SDK}/resource.js:330:3)\n    at fn (/repo/src/program.ts:7:3)`);
    });

    it("leave every other stack to the mapping (a failing assertion's, an error a test prints)", () => {
        assert.equal(format(new Error("kept"), [frame("/repo/tests/x.spec.ts")]), "MAPPED kept (1 frames)");
    });

    it("stay unmapped when a formatter is installed after the module (ts-node registered by the program it preloads into)", () => {
        const before = Error.prepareStackTrace;
        try {
            Error.prepareStackTrace = (error) => `LATER ${error.message}`;
            const installed = Error.prepareStackTrace!;
            assert.equal(installed(new Error("kept"), [frame("/repo/src/program.ts")]), "LATER kept");
            assert.equal(installed(new Error("boom"), [frame(`${SDK}/runtime/debuggable.js`, 5)]), `Error: boom\n    at fn (${SDK}/runtime/debuggable.js:5:3)`);
            assert.equal(bookkeepingUnmapped(installed), installed, "wrapped once, however often it is set");
        } finally {
            Error.prepareStackTrace = before;
        }
    });
});

describe("the test preload in NODE_OPTIONS", () => {
    it("is added once beside the options already there, and taken out leaving them", () => {
        assert.equal(withPreload(undefined), PRELOAD);
        assert.equal(withPreload("--max-old-space-size=512"), `--max-old-space-size=512 ${PRELOAD}`);
        assert.equal(withPreload(withPreload("--trace-warnings")), `--trace-warnings ${PRELOAD}`);
        assert.equal(withoutPreload(`--trace-warnings ${PRELOAD} --no-deprecation`), "--trace-warnings --no-deprecation");
        assert.equal(withoutPreload(PRELOAD), "");
    });

    it("loads the module into a fresh Node process, where a formatter set later leaves bookkeeping stacks unmapped", () => {
        const script = [
            'Error.prepareStackTrace = (e) => "MAPPED " + e.message;',
            "const frames = [{ getFileName: () => '/x/node_modules/@pulumi/pulumi/resource.js', toString: () => 'f (resource.js:1:1)' }];",
            'process.stdout.write(Error.prepareStackTrace(new Error("b"), frames) + "|" + Error.prepareStackTrace(new Error("k"), []));',
        ].join("\n");
        const output = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, NODE_OPTIONS: withPreload(undefined) }, encoding: "utf8" });
        assert.equal(output, "Error: b\n    at f (resource.js:1:1)|MAPPED k");
    });
});

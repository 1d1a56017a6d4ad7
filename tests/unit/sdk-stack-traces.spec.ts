/**
 * Test processes format the stacks the Pulumi SDK takes for its own bookkeeping without source maps
 * (tests/support/sdk-stack-traces.ts); every other stack goes through the mapping as before.
 */
import { strict as assert } from "assert";
import { bookkeepingUnmapped, takenForBookkeeping } from "../support/sdk-stack-traces";

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
});

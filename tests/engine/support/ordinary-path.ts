/**
 * For a describe whose tests are about the ordinary path (a user's `pulumi up` through the language host): its
 * processes start without the test preload that leaves the SDK's bookkeeping stacks unmapped
 * (tests/support/sdk-stack-traces.js), so the programs it runs are exactly a user's. Restored afterwards, since a
 * mocha worker goes on to other files.
 */
import { withoutPreload } from "../../support/sdk-stack-traces";

export function runsTheOrdinaryPath(): void {
    let saved: string | undefined;
    before(() => {
        saved = process.env.NODE_OPTIONS;
        setNodeOptions(withoutPreload(saved));
    });
    after(() => setNodeOptions(saved));
}

/** An empty NODE_OPTIONS is no variable at all, as it was before the preload was added. */
function setNodeOptions(value: string | undefined): void {
    if (value) {
        process.env.NODE_OPTIONS = value;
    } else {
        delete process.env.NODE_OPTIONS;
    }
}

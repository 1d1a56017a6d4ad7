/**
 * A mocha root-hook plugin: prints each spec file's wall time when it ends, so `npm test` shows where the
 * engine phase's time goes. In parallel mode each file runs in a worker of its own, and root hooks run once
 * per file there.
 */
import * as path from "path";

let started = 0;
let file = "";

export const mochaHooks = {
    beforeAll(this: Mocha.Context): void {
        started = Date.now();
        file = this.test?.parent?.suites[0]?.file ?? this.test?.file ?? "";
    },
    afterAll(): void {
        const name = path.relative(process.cwd(), file) || "(unknown file)";
        console.log(`      [file time] ${name}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
    },
};

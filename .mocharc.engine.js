// Engine tests: every tests/engine/**/*.spec.ts, two files at a time (the machine has 2 cores and each engine run
// keeps more than one busy). The longest files start first, so the two workers end together; a file not listed
// in LONGEST_FIRST runs after them, in path order. `npm test` prints each file's time ([file time]).
"use strict";
const fs = require("fs");
const path = require("path");
const { withPreload } = require("./tests/support/sdk-stack-traces.js");

// Every Node process the engine tests start (workers, programs, packs, host, stand-in) leaves the SDK's bookkeeping
// stacks unmapped (tests/support/sdk-stack-traces.js says why); the ordinary-path tests take it out again.
process.env.NODE_OPTIONS = withPreload(process.env.NODE_OPTIONS);

const LONGEST_FIRST = [
    "tests/engine/gate-attacks.spec.ts",
    "tests/engine/gate-refusals.spec.ts",
    "tests/engine/release-gate.spec.ts",
    "tests/engine/cloud-drift.spec.ts",
    "tests/engine/secret-drift.spec.ts",
    "tests/engine/hardening/faults.spec.ts",
    "tests/engine/offline-shell.spec.ts",
    "tests/engine/language-host.spec.ts",
    "tests/engine/new-environment.spec.ts",
];

function specFiles(dir) {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? specFiles(path.join(dir, entry.name)) : entry.name.endsWith(".spec.ts") ? [path.join(dir, entry.name)] : []))
        .sort();
}

const all = specFiles("tests/engine");
const missing = LONGEST_FIRST.filter((file) => !all.includes(file));
if (missing.length > 0) {
    throw new Error(`.mocharc.engine.js: LONGEST_FIRST names files that do not exist: ${missing.join(", ")}`);
}

module.exports = {
    require: ["ts-node/register/transpile-only", "tests/support/sdk-stack-traces.js", "tests/support/file-timer.ts", "tests/engine/support/suite-release.ts"],
    extension: ["ts"],
    spec: [...LONGEST_FIRST, ...all.filter((file) => !LONGEST_FIRST.includes(file))],
    timeout: 600000,
    slow: 30000,
    reporter: "spec",
    parallel: true,
    jobs: 2,
};

#!/usr/bin/env node
// The README's test command: build the policy pack, type-check once, lint, unit and policy tests under mocks, then
// engine tests against the real Pulumi CLI (built on first use). Streams each phase's output,
// prints one closing line, "N passed, N failed", and exits non-zero when anything failed.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const phases = [
    // The pack as it ships (policy-pack/bin, ignored by git) is served to tests; never a stale build.
    { name: "policy pack build", command: bin("ts-node"), args: [path.join("tools", "build-policy-pack.ts")] },
    { name: "typecheck", command: bin("tsc"), args: ["-p", "tsconfig.json", "--noEmit", "--noCheck", "false"] },
    { name: "lint", command: bin("eslint"), args: ["."] },
    { name: "unit and policy tests", command: bin("mocha"), args: ["--config", ".mocharc.unit.json"], counts: true },
    { name: "engine tests", command: bin("mocha"), args: ["--config", ".mocharc.engine.json"], counts: true },
];

/** Runs a phase with its output streamed through, and returns its exit status and stdout. */
function run(phase) {
    return new Promise((resolve) => {
        const child = spawn(phase.command, phase.args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        child.stdout.on("data", (chunk) => {
            stdout += chunk;
            process.stdout.write(chunk);
        });
        child.on("close", (status) => resolve({ status, stdout }));
    });
}

async function main() {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const phase of phases) {
        const started = Date.now();
        console.log(`\n=== ${phase.name} ===`);
        const result = await run(phase);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (phase.counts) {
            const count = (word) => Number(result.stdout.match(new RegExp(`^\\s*(\\d+) ${word}`, "m"))?.[1] ?? 0);
            passed += count("passing");
            failed += count("failing");
            skipped += count("pending");
            if (result.status !== 0 && count("failing") === 0) {
                failed += 1; // the runner itself failed (crash, no tests found)
            }
        } else if (result.status !== 0) {
            failed += 1; // a type or lint error fails the run like a failing test
        }
        console.log(`=== ${phase.name}: ${result.status === 0 ? "ok" : `FAILED (exit ${result.status})`} in ${seconds}s ===`);
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();

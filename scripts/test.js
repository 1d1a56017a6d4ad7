#!/usr/bin/env node
// The README's test command: build the policy pack, type-check once, lint, unit and policy tests under mocks, then
// engine tests against the real Pulumi CLI (built on first use). Streams each phase's output,
// prints each phase's time and one closing line, "N passed, N failed", and exits non-zero when anything failed.
// `--quick` (npm run test:quick) runs every phase but the engine tests: the inner loop while you work.
// The engine tests start from one deployed release (tests/engine/support/deployed-release.ts); it is deployed while
// the phases before them run, which leave a core free most of the time.
"use strict";
const { spawn } = require("child_process");
const { withPreload } = require("../tests/support/sdk-stack-traces.js");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const quick = process.argv.includes("--quick");
const unknown = process.argv.slice(2).filter((arg) => arg !== "--quick");
if (unknown.length > 0) {
    console.error(`test: unknown argument ${unknown.join(" ")}; the only option is --quick (every phase but the engine tests)`);
    process.exit(2);
}
const allPhases = [
    // The pack as it ships (policy-pack/bin, ignored by git) is served to tests; never a stale build.
    { name: "policy pack build", command: bin("ts-node"), args: [path.join("tools", "build-policy-pack.ts")] },
    { name: "typecheck", command: bin("tsc"), args: ["-p", "tsconfig.json", "--noEmit", "--noCheck", "false"] },
    { name: "lint", command: bin("eslint"), args: ["."] },
    // .prettierignore says what keeps its hand layout; `npm run format` fixes what this reports.
    { name: "format check", command: bin("prettier"), args: ["--check", "."] },
    { name: "unit and policy tests", command: bin("mocha"), args: ["--config", ".mocharc.unit.json"], counts: true },
    { name: "engine tests", command: bin("mocha"), args: ["--config", ".mocharc.engine.js"], counts: true, engine: true, needsDeployedRelease: true },
];
const phases = allPhases.filter((phase) => !(quick && phase.engine));

/** The variable mocha's global fixture reads (tests/engine/support/deployed-release.ts, DEPLOYED_RELEASE_ENV). */
const DEPLOYED_RELEASE_ENV = "ATLAS_ENGINE_DEPLOYED_RELEASE";

/** Deploys the engine tests' release in the background; resolves to its manifest (or null) and its output. */
function deployReleaseInBackground() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-deployed-release-"));
    const child = spawn(bin("ts-node"), ["-T", path.join("tests", "engine", "support", "suite-release.ts"), dir], {
        cwd: root,
        // As in the engine tests' processes (.mocharc.engine.js): the SDK's bookkeeping stacks unmapped.
        env: { ...process.env, NODE_OPTIONS: withPreload(process.env.NODE_OPTIONS) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const done = new Promise((resolve) => {
        child.on("close", (status) => {
            const lines = output.trim().split("\n");
            resolve({ dir, status, manifest: status === 0 ? lines[lines.length - 1] : null, output });
        });
    });
    return { dir, done };
}

/** Runs a phase with its output streamed through, and returns its exit status and stdout. */
function run(phase, env = process.env) {
    return new Promise((resolve) => {
        const child = spawn(phase.command, phase.args, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        child.stdout.on("data", (chunk) => {
            stdout += chunk;
            process.stdout.write(chunk);
        });
        child.on("close", (status) => resolve({ status, stdout }));
    });
}

async function main() {
    const suiteStarted = Date.now();
    const times = [];
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const deployment = phases.some((phase) => phase.needsDeployedRelease) ? deployReleaseInBackground() : null;
    for (const phase of phases) {
        const started = Date.now();
        console.log(`\n=== ${phase.name} ===`);
        let env = process.env;
        if (phase.needsDeployedRelease) {
            const deployed = await deployment.done;
            process.stdout.write(
                deployed.status === 0
                    ? `${deployed.output.split("\n").find((line) => line.includes("deployed the suite's release")) ?? ""} (while the phases above ran)\n`
                    : `the deployed release could not be made (exit ${deployed.status}); the engine tests try again:\n${deployed.output}\n`,
            );
            env = deployed.manifest ? { ...process.env, [DEPLOYED_RELEASE_ENV]: deployed.manifest } : process.env;
        }
        const result = await run(phase, env);
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
        times.push(`${phase.name} ${seconds}s`);
    }
    if (deployment && !process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
        fs.rmSync(deployment.dir, { recursive: true, force: true });
    }
    const total = ((Date.now() - suiteStarted) / 1000).toFixed(1);
    console.log(`\nphases: ${times.join(", ")}; total ${total}s${quick ? " (quick: engine tests not run)" : ""}`);
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();

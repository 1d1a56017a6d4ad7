/**
 * The command line's rooms, held to their shape: cli/lib is a folder per capability (the command kit, stack access,
 * operations between releases, the release gate, the rehearsal), each entered through its index.ts, each using only
 * the capabilities below it; no folder outgrows a room, and no import goes round in a circle.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "cli");
const LIB = path.join(CLI, "lib");

/** Which capabilities each may import (through their entries), bottom up. Written once, here. */
const MAY_USE: Record<string, readonly string[]> = {
    kit: [],
    stacks: ["kit"],
    operations: ["kit", "stacks"],
    bootstrap: ["kit", "stacks"],
    gate: ["kit", "stacks", "operations"],
    rehearsal: ["kit", "stacks", "operations", "bootstrap", "gate"],
    preflight: ["kit", "stacks", "operations", "gate"],
};
const MAX_MODULES_PER_FOLDER = 12;

function modulesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? modulesUnder(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : []));
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]*)"|\bimport\(\s*"(\.[^"]*)"\s*\)|\brequire\(\s*"(\.[^"]*)"\s*\)/g;

/** The cli modules a module imports, resolved to files. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(SPECIFIER)]
        .map((m) => path.resolve(path.dirname(file), m[1] ?? m[2] ?? m[3]))
        .map((target) => [`${target}.ts`, path.join(target, "index.ts")].find((candidate) => fs.existsSync(candidate)))
        .filter((target): target is string => target !== undefined && target.startsWith(CLI + path.sep));
}

/** `gate` for cli/lib/gate/promote.ts; undefined for a command (cli/*.ts). */
function capabilityOf(file: string): string | undefined {
    const relative = path.relative(LIB, file);
    return relative.startsWith("..") ? undefined : relative.split(path.sep)[0];
}

const modules = modulesUnder(CLI);
const graph = new Map(modules.map((file) => [file, importsOf(file)]));
const name = (file: string) => path.relative(ROOT, file);

/** Imports that break the layering: a capability above its station, a reach into internals, a command imported. */
function layeringViolations(imports: Map<string, string[]>): string[] {
    const wrong: string[] = [];
    for (const [file, targets] of imports) {
        const from = capabilityOf(file);
        for (const target of targets) {
            const to = capabilityOf(target);
            if (to === undefined) {
                wrong.push(`${name(file)} imports the command ${name(target)}`);
            } else if (to !== from) {
                if (from !== undefined && !MAY_USE[from].includes(to)) {
                    wrong.push(`${name(file)} (${from}) may not use ${to}: ${name(target)}`);
                }
                if (path.basename(target) !== "index.ts") {
                    wrong.push(`${name(file)} reaches into ${to}'s internals (${name(target)}); import "${to}" instead`);
                }
            }
        }
    }
    return wrong;
}

/** Each import cycle, as the chain of modules. */
function cyclesOf(imports: Map<string, string[]>): string[] {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, trail: string[]): void => {
        if (state.get(file) === "done") {
            return;
        }
        if (state.get(file) === "visiting") {
            cycles.push([...trail.slice(trail.indexOf(file)), file].map(name).join(" → "));
            return;
        }
        state.set(file, "visiting");
        for (const target of imports.get(file) ?? []) {
            visit(target, [...trail, file]);
        }
        state.set(file, "done");
    };
    [...imports.keys()].forEach((file) => visit(file, []));
    return cycles;
}

describe("the command line's architecture (cli/)", () => {
    it("has a folder per capability in cli/lib, and no module loose beside them", () => {
        const entries = fs.readdirSync(LIB, { withFileTypes: true });
        assert.deepEqual(
            entries.filter((e) => !e.isDirectory()).map((e) => e.name),
            [],
        );
        assert.deepEqual(entries.map((e) => e.name).sort(), Object.keys(MAY_USE).sort());
    });

    it(`keeps every folder to at most ${MAX_MODULES_PER_FOLDER} modules`, () => {
        const perFolder = new Map<string, number>();
        for (const file of modules) {
            perFolder.set(path.dirname(file), (perFolder.get(path.dirname(file)) ?? 0) + 1);
        }
        const crowded = [...perFolder].filter(([, count]) => count > MAX_MODULES_PER_FOLDER).map(([dir, count]) => `${name(dir)}: ${count}`);
        assert.deepEqual(crowded, []);
    });

    it("opens each capability with an entry module that says what it is for and what it must not depend on", () => {
        for (const capability of Object.keys(MAY_USE)) {
            const entry = path.join(LIB, capability, "index.ts");
            assert.ok(fs.existsSync(entry), `${name(entry)} is missing`);
            assert.match(fs.readFileSync(entry, "utf8"), /^\/\*\*\n \* .+/, `${name(entry)} starts with its comment`);
        }
    });

    it("lets a capability use only those below it, always through their entry; the kit uses none", () => {
        assert.deepEqual(layeringViolations(graph), []);
    });

    it("has no import cycle", () => {
        assert.deepEqual(cyclesOf(graph), []);
    });

    it("notices each kind of violation (the checks can fail)", () => {
        const at = (...parts: string[]) => path.join(LIB, ...parts);
        const bad = new Map([
            [at("kit", "args.ts"), [at("gate", "index.ts")]],
            [at("gate", "promote.ts"), [at("operations", "drift.ts"), at("rehearsal", "index.ts")]],
            [at("operations", "drift.ts"), [path.join(CLI, "drift.ts")]],
            [path.join(CLI, "drift.ts"), [at("operations", "drift.ts")]],
        ]);
        const found = layeringViolations(bad).join("\n");
        assert.match(found, /cli\/lib\/kit\/args\.ts \(kit\) may not use gate/);
        assert.match(found, /cli\/lib\/gate\/promote\.ts reaches into operations's internals/);
        assert.match(found, /cli\/lib\/gate\/promote\.ts \(gate\) may not use rehearsal/);
        assert.match(found, /cli\/lib\/operations\/drift\.ts imports the command cli\/drift\.ts/);
        assert.deepEqual(cyclesOf(bad), ["cli/lib/operations/drift.ts → cli/drift.ts → cli/lib/operations/drift.ts"]);
    });
});

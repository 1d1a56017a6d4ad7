/**
 * How Pulumi's Node.js runtime loads the repository's TypeScript, read through ts-node itself. The runtime starts a
 * program in its entry's directory and hands ts-node that directory's tsconfig.json; without one, ts-node gets no
 * project and type-checks the program on every run (seconds per engine run). A policy pack is started by
 * `run-policy-pack`, which always asks ts-node to type-check: swc cannot, so a pack's tsconfig must turn it off.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { load } from "js-yaml";
import * as path from "path";
import { create } from "ts-node";
import { REPO_ROOT } from "./support/atlas-under-mocks";

type Manifest = { runtime?: string | { options?: { typescript?: boolean } }; main?: string };

const manifests = execFileSync("git", ["ls-files", "--", "*Pulumi.yaml", "*PulumiPolicy.yaml"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);

/** Where the runtime starts the program: the entry's directory (Pulumi.yaml `main`, else package.json `main`). */
function programDirectory(projectDir: string, manifest: Manifest): string {
    const packageJson = path.join(projectDir, "package.json");
    const main =
        manifest.main ?? (fs.existsSync(packageJson) ? (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { main?: string }).main : undefined) ?? ".";
    const entry = path.resolve(projectDir, main);
    return fs.existsSync(entry) && fs.statSync(entry).isFile() ? path.dirname(entry) : entry;
}

/** TypeScript directories: the runtime's `typescript` option is not off and the directory holds .ts sources. */
function typeScriptDirs(kind: "Pulumi.yaml" | "PulumiPolicy.yaml"): string[] {
    return manifests
        .filter((file) => path.basename(file) === kind)
        .map((file) => ({ dir: path.join(REPO_ROOT, path.dirname(file)), manifest: load(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as Manifest }))
        .filter(({ manifest }) => typeof manifest.runtime !== "object" || manifest.runtime.options?.typescript !== false)
        .map(({ dir, manifest }) => (kind === "Pulumi.yaml" ? programDirectory(dir, manifest) : dir))
        .filter((dir) => fs.readdirSync(dir).some((file) => file.endsWith(".ts")));
}

function tsNodeOptions(dir: string): { configFile: string | undefined; swc: boolean | undefined; transpileOnly: boolean | undefined } {
    const config = path.join(dir, "tsconfig.json");
    if (!fs.existsSync(config)) {
        return { configFile: undefined, swc: undefined, transpileOnly: undefined };
    }
    const service = create({ project: config });
    return {
        configFile: path.relative(REPO_ROOT, String(service.config.options.configFilePath)),
        swc: service.options.swc,
        transpileOnly: service.options.transpileOnly,
    };
}

describe("how Pulumi's Node.js runtime loads the repository's TypeScript", () => {
    const programs = typeScriptDirs("Pulumi.yaml");
    const packs = typeScriptDirs("PulumiPolicy.yaml");

    it("finds the programs and packs it judges (the release program, the bootstrap and both packs among them)", () => {
        const relative = (dirs: string[]) => dirs.map((dir) => path.relative(REPO_ROOT, dir) || ".");
        assert.deepEqual(relative(programs).sort(), [".", "bootstrap"].sort());
        assert.ok(
            ["policy-pack", "bootstrap/policy-pack"].every((pack) => relative(packs).includes(pack)),
            relative(packs).join(", "),
        );
    });

    it("gives every TypeScript program a tsconfig.json in its directory that transpiles with swc and never type-checks", () => {
        for (const dir of programs) {
            const relative = path.relative(REPO_ROOT, dir) || ".";
            assert.deepEqual(tsNodeOptions(dir), { configFile: path.join(relative, "tsconfig.json"), swc: true, transpileOnly: true }, relative);
        }
    });

    it("turns swc off in every TypeScript pack, which run-policy-pack type-checks", () => {
        for (const dir of packs) {
            const relative = path.relative(REPO_ROOT, dir);
            assert.equal(tsNodeOptions(dir).swc, false, `${relative}/tsconfig.json must say "ts-node": { "swc": false }`);
        }
    });
});

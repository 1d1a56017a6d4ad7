/**
 * Runs the policy pack from transpiled JavaScript. `@pulumi/pulumi/cmd/run-policy-pack` starts
 * TypeScript packs with ts-node type-checking on every start (several seconds per preview); the
 * test command already type-checks the pack, so the release commands hand the engine a
 * JavaScript copy: the same code, minus the per-run compile. The copy's manifest says so (`typescript: false`, the
 * Node.js runtime's own option), so the pack starts without ts-node and the TypeScript compiler loaded.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { transpileTree } from "../../../tools/transpile";

/** Writes the JavaScript copy of the pack at `packDir` into `outDir` and returns its path. */
export function compilePolicyPack(packDir: string, outDir: string): string {
    const manifest = path.join(packDir, "PulumiPolicy.yaml");
    if (!fs.existsSync(manifest)) {
        throw new Error(`${packDir} is not a policy pack: it has no PulumiPolicy.yaml`);
    }
    const pack = path.join(outDir, path.basename(packDir));
    transpileTree(packDir, pack, ["tests", "bin"]);
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), asJavaScriptPack(fs.readFileSync(manifest, "utf8")));
    const packageJson = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string };
    packageJson.main = "index.js"; // the copy is the transpiled sources, whatever build `main` names
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify(packageJson, null, 2));
    // The copy resolves @pulumi/policy and @pulumi/pulumi from the project's own install.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(pack, "node_modules"), "dir");
    return pack;
}

/** The pack's manifest with its Node.js runtime told the pack is JavaScript (no ts-node on start); the rest as written. */
export function asJavaScriptPack(manifestText: string): string {
    const manifest = (yaml.load(manifestText) ?? {}) as { runtime?: string | { name?: string; options?: Record<string, unknown> } };
    const runtime = typeof manifest.runtime === "string" ? { name: manifest.runtime } : (manifest.runtime ?? { name: "nodejs" });
    if (runtime.name !== "nodejs") {
        return manifestText;
    }
    return yaml.dump({ ...manifest, runtime: { ...runtime, options: { ...(runtime.options ?? {}), typescript: false } } }, { lineWidth: -1 });
}

/**
 * Runs a policy pack from transpiled JavaScript. `@pulumi/pulumi/cmd/run-policy-pack` starts
 * TypeScript packs with ts-node type-checking on every start (several seconds per preview); the
 * test command already type-checks the pack, so the release commands hand the engine a
 * JavaScript copy: the same code, minus the per-run compile. The copy's manifest says so (`typescript: false`, the
 * Node.js runtime's own option); SDK 3.276's run-policy-pack still registers ts-node for every pack (its index.js
 * passes `typeScript: !process.versions.bun`), but with nothing in TypeScript to compile it type-checks nothing.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { transpileTree } from "../../../tools/transpile";

/** Source trees outside a pack that its modules import by relative path (the bootstrap pack: the release pack's kit). */
export interface SharedSources {
    /** The directory both the pack and the shared trees lie under; the copy keeps their places below it. */
    root: string;
    dirs: readonly string[];
}

/**
 * Writes the JavaScript copy of the pack at `packDir` into `outDir` and returns its path. With `shared`, the copy
 * keeps the layout under `shared.root` (`<outDir>/bootstrap/policy-pack` beside `<outDir>/policy-pack/src`), so
 * the pack's relative imports of the shared trees resolve as in the checkout. A module importing what was not
 * copied fails here, naming the import, rather than in the engine.
 */
export function compilePolicyPack(packDir: string, outDir: string, shared?: SharedSources): string {
    const manifest = path.join(packDir, "PulumiPolicy.yaml");
    if (!fs.existsSync(manifest)) {
        throw new Error(`${packDir} is not a policy pack: it has no PulumiPolicy.yaml`);
    }
    const placed = (dir: string) => (shared ? path.join(outDir, path.relative(shared.root, dir)) : path.join(outDir, path.basename(dir)));
    const pack = placed(packDir);
    transpileTree(packDir, pack, ["tests", "bin"]);
    for (const dir of shared?.dirs ?? []) {
        transpileTree(dir, placed(dir), ["tests", "bin"]);
    }
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), asJavaScriptPack(fs.readFileSync(manifest, "utf8")));
    const packageJson = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string };
    packageJson.main = "index.js"; // the copy is the transpiled sources, whatever build `main` names
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify(packageJson, null, 2));
    // The copy resolves @pulumi/policy and @pulumi/pulumi from the project's own install (found walking up from every module).
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(shared ? outDir : pack, "node_modules"), "dir");
    const missing = unresolvedImports(shared ? outDir : pack);
    if (missing.length > 0) {
        throw new Error(
            `the compiled policy pack ${packDir} imports modules that were not compiled with it: ${missing.join(", ")}; list their directories as shared sources`,
        );
    }
    return pack;
}

/** Relative requires of the copy's modules that name no module of the copy, as `module → import`. */
function unresolvedImports(dir: string): string[] {
    const modules = (at: string): string[] =>
        fs
            .readdirSync(at, { withFileTypes: true })
            .flatMap((e) =>
                e.name === "node_modules" ? [] : e.isDirectory() ? modules(path.join(at, e.name)) : e.name.endsWith(".js") ? [path.join(at, e.name)] : [],
            );
    return modules(dir).flatMap((file) =>
        [...fs.readFileSync(file, "utf8").matchAll(/\brequire\("(\.{1,2}\/[^"]*)"\)/g)]
            .map((m) => m[1])
            .filter((specifier) => {
                const target = path.resolve(path.dirname(file), specifier);
                return ![target, `${target}.js`, `${target}.json`, path.join(target, "index.js")].some(
                    (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
                );
            })
            .map((specifier) => `${path.relative(dir, file)} → ${specifier}`),
    );
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

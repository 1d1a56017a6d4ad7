/**
 * Per-file TypeScript transpilation without type checking (the test command type-checks once), by swc with the options
 * ts-node gives it for this repository's tsconfig (`"ts-node": { "swc": true }`), so a transpiled tree runs as the
 * same code does under ts-node. Plugins and policy packs started from transpiled JavaScript skip ts-node's per-start
 * compile.
 */
import * as fs from "fs";
import * as path from "path";
import { Options, transformSync } from "@swc/core";

const SWC_OPTIONS: Options = {
    swcrc: false,
    module: { type: "commonjs", noInterop: false, strictMode: true },
    jsc: {
        parser: { syntax: "typescript", dynamicImport: true },
        target: "es2022",
        keepClassNames: true,
        transform: { useDefineForClassFields: true },
    },
};

/** Transpiles every `.ts` file under `sourceDir` (but not `.d.ts` or excluded names) into `outDir`, keeping paths. */
export function transpileTree(sourceDir: string, outDir: string, exclude: readonly string[] = []): void {
    for (const entry of fs.readdirSync(sourceDir, { withFileTypes: true })) {
        if (exclude.includes(entry.name) || entry.name === "node_modules") {
            continue;
        }
        const source = path.join(sourceDir, entry.name);
        if (entry.isDirectory()) {
            transpileTree(source, path.join(outDir, entry.name), exclude);
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            const { code } = transformSync(fs.readFileSync(source, "utf8"), { ...SWC_OPTIONS, filename: source });
            fs.mkdirSync(outDir, { recursive: true });
            fs.writeFileSync(path.join(outDir, entry.name.replace(/\.ts$/, ".js")), code);
        }
    }
}

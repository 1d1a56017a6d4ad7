/**
 * Per-file TypeScript transpilation without type checking (the test command type-checks once).
 * Plugins and policy packs started from transpiled JavaScript skip ts-node's per-start compile.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

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
            const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
                fileName: entry.name,
                compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
            });
            fs.mkdirSync(outDir, { recursive: true });
            fs.writeFileSync(path.join(outDir, entry.name.replace(/\.ts$/, ".js")), outputText);
        }
    }
}

/**
 * `npm run build:pack` (run by `npm ci` through `prepare`): the policy pack as JavaScript in
 * `policy-pack/bin`, which its package.json names as `main`. `pulumi preview --policy-pack
 * policy-pack`, `pulumi policy publish` and CI then start the pack without compiling it
 * (`run-policy-pack` type-checks a TypeScript pack on every start); `npm test` type-checks it.
 */
import * as fs from "fs";
import * as path from "path";
import { transpileTree } from "./transpile";

/** Writes `<packDir>/bin` from the pack's TypeScript sources (tests excepted). */
export function buildPolicyPack(packDir: string): string {
    const out = path.join(packDir, "bin");
    fs.rmSync(out, { recursive: true, force: true });
    transpileTree(packDir, out, ["tests", "bin"]);
    return out;
}

if (require.main === module) {
    const out = buildPolicyPack(path.join(__dirname, "..", "policy-pack"));
    console.log(`policy pack built into ${path.relative(process.cwd(), out) || out}`);
}

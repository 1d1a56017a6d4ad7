/**
 * The Node.js that plugin shims run: @pulumi/pulumi needs Node 22+, and the machine's
 * Node may be older, so fall back to the project-local one from the npm `node` package.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { minimumNodeMajor } from "../../policy-pack/src/contract";
import { REPO_ROOT } from "./pulumi-cli";
import { shellQuote } from "./shell-quote";

export const MIN_NODE_MAJOR = minimumNodeMajor(path.join(REPO_ROOT, "package.json"));

/**
 * Node's on-disk compile cache (Node 22.1+, `NODE_COMPILE_CACHE`) for every Node process an engine run starts (the
 * language host, the program, the policy pack, the stand-in provider), kept in the tool cache beside the CLI: each
 * process would otherwise compile the same modules again (`@pulumi/pulumi`, `@pulumi/aws`, gRPC, the TypeScript
 * compiler ts-node loads). Node checks each entry against the module's source, so a changed file is compiled again;
 * what runs is the same code.
 */
export function nodeCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
    const toolCache = env.ATLAS_TOOL_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "atlas-release");
    return path.join(toolCache, "node-compile-cache");
}

export function nodeBinary(): string {
    if (Number(process.versions.node.split(".")[0]) >= MIN_NODE_MAJOR) {
        return process.execPath;
    }
    const local = path.join(REPO_ROOT, "node_modules", "node", "bin", "node");
    if (!fs.existsSync(local)) {
        throw new Error(`Node ${process.versions.node} is too old (need ${MIN_NODE_MAJOR}+) and ${local} is missing: run \`npm ci\` first`);
    }
    return local;
}

/**
 * Writes an executable shell script that runs `script` on the project's Node (`nodeBinary()`) with
 * `args` and the caller's arguments: how plugins (the stand-in provider, the language host) are
 * started, since the CLI starts plugins as single executables.
 */
export function writeNodeShim(file: string, shim: { comment: string; script: string; args?: string[]; env?: Record<string, string> }): void {
    const env = Object.entries(shim.env ?? {})
        .map(([name, value]) => `${name}=${shellQuote(value)} `)
        .join("");
    const args = (shim.args ?? []).map(shellQuote).join(" ");
    fs.writeFileSync(
        file,
        ["#!/bin/sh", `# ${shim.comment}`, `${env}exec ${shellQuote(nodeBinary())} ${shellQuote(shim.script)}${args ? ` ${args}` : ""} "$@"`, ""].join("\n"),
        { mode: 0o755 },
    );
}

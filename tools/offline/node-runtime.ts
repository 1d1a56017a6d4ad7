/**
 * The Node.js that plugin shims run: @pulumi/pulumi needs Node 22+, and the machine's
 * Node may be older, so fall back to the project-local one from the npm `node` package.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./pulumi-cli";

export const MIN_NODE_MAJOR = 22;

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

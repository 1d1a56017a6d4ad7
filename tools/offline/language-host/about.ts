// About (`pulumi about`): the Node that would run the program (the one on PATH, see node-on-path.ts), its version,
// the package manager and the TypeScript the program would load.
import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import { AboutResponse } from "@pulumi/pulumi/proto/language_pb";
import { nodeNotFoundMessage, nodeOnPath } from "./node-on-path";

export async function about(programDirectory: string): Promise<AboutResponse> {
    const node = nodeOnPath();
    if (!node) {
        throw new Error(nodeNotFoundMessage());
    }
    // Versions are best effort, as in the Go host: a missing one is left out rather than failing `pulumi about`.
    const [nodeVersion, npmVersion] = await Promise.all([outputOf(node, ["--version"]), outputOf("npm", ["--version"])]);
    const response = new AboutResponse().setExecutable(node).setVersion(nodeVersion ?? "");
    // This project is an npm project; the Go host also detects yarn, pnpm and bun from their lockfiles.
    response
        .getMetadataMap()
        .set("packagemanager", "npm")
        .set("packagemanagerVersion", npmVersion ?? "");
    const typescript = typeScriptVersion(programDirectory);
    if (typescript) {
        response.getMetadataMap().set("typescriptVersion", typescript);
    }
    return response;
}

async function outputOf(command: string, args: string[]): Promise<string | undefined> {
    try {
        return (await promisify(execFile)(command, args, { encoding: "utf8" })).stdout.trim();
    } catch {
        return undefined;
    }
}

function typeScriptVersion(programDirectory: string): string | undefined {
    try {
        const manifest = require.resolve("typescript/package.json", { paths: [programDirectory] });
        return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
    } catch {
        return undefined;
    }
}

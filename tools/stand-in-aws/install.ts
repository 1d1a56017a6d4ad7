// Installs the stand-in as resource plugin `aws` into an isolated PULUMI_HOME, for offline runs only. The shim
// goes into the plugin cache of that home and into `workDir`, never onto PATH, where the CLI would pick it up as
// an "ambient" plugin and shadow the real provider.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { writeNodeShim } from "../offline/node-runtime";
import { transpileTree } from "../transpile";
import { promisify } from "util";

export type { StandInOptions } from "./run-environment";
export { standInEnv, standInOptionsFrom } from "./run-environment";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface StandInInstallOptions {
    readonly pulumiBinary: string;
    readonly pulumiHome: string;
    /** Receives the compiled provider and the shim; must outlive every run that uses the installed plugin. */
    readonly workDir: string;
    /** Defaults to the installed @pulumi/aws version, the one the engine asks for; any other value is refused. */
    readonly version?: string;
}

export interface StandInInstallation {
    readonly version: string;
    readonly shim: string;
}

export async function installStandInAws(options: StandInInstallOptions): Promise<StandInInstallation> {
    const version = installedAwsSdkVersion();
    if (options.version !== undefined && options.version !== version) {
        throw new Error(`stand-in aws must be installed as ${version} (the installed @pulumi/aws), which the engine asks for; got ${options.version}`);
    }
    const mainScript = transpileProvider(path.join(options.workDir, "stand-in-aws"));
    const shim = writeShim(options.workDir, mainScript);
    await promisify(execFile)(options.pulumiBinary, ["plugin", "install", "resource", "aws", version, "--file", shim, "--reinstall"], {
        env: { ...process.env, PULUMI_HOME: options.pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    return { version, shim };
}

export function installedAwsSdkVersion(): string {
    const manifest = path.join(REPO_ROOT, "node_modules", "@pulumi", "aws", "package.json");
    return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** Per-file transpilation without type checking keeps installation and plugin start fast. */
function transpileProvider(outDir: string): string {
    transpileTree(__dirname, outDir, ["install.ts"]);
    return path.join(outDir, "main.js");
}

/** `pulumi plugin install --file` accepts a single executable, so a shell script that runs Node is enough. */
function writeShim(workDir: string, mainScript: string): string {
    const shim = path.join(workDir, "pulumi-resource-aws");
    writeNodeShim(shim, {
        comment: "Stand-in for the Pulumi AWS provider (offline runs only; see tools/stand-in-aws/install.ts).",
        script: mainScript,
        env: { NODE_PATH: path.join(REPO_ROOT, "node_modules") },
    });
    return shim;
}

// Installs the offline Node.js language host for one PULUMI_HOME, and nowhere else. The CLI looks for
// `pulumi-language-nodejs` on PATH first (unless PULUMI_IGNORE_AMBIENT_PLUGINS), then next to its own binary, and
// only then in the plugin cache: so this host is used only where no real one exists, never shadows one, and never
// reaches a shell's PATH. `pulumi plugin install` refuses language plugins, so the plugin directory is written here:
//
//   <PULUMI_HOME>/plugins/language-nodejs-v<version>/pulumi-language-nodejs   shim: the project's Node 22 runs the host
//   <workDir>/host/                 the host, transpiled (no ts-node compile on every start)
//   <workDir>/node_modules          link to the project's dependencies (@grpc/grpc-js, @pulumi/pulumi's protos)
//
// The code stays out of the plugin cache because the CLI sizes plugin directories (`pulumi plugin ls`) by walking
// them, links included; and a link, unlike NODE_PATH, does not leak into the program the host starts.
import * as fs from "fs";
import * as path from "path";
import { writeNodeShim } from "../node-runtime";
import { REPO_ROOT } from "../pulumi-cli";
import { transpileTree } from "../../transpile";

export const LANGUAGE_HOST_EXECUTABLE = "pulumi-language-nodejs";

export interface LanguageHostInstallOptions {
    readonly pulumiHome: string;
    /** The CLI's version: the plugin directory's version and what GetPluginInfo reports, as for the bundled host. */
    readonly version: string;
    /** Receives the transpiled host; must outlive every run of the CLI with this PULUMI_HOME. */
    readonly workDir: string;
}

export interface LanguageHostInstallation {
    /** The plugin directory in PULUMI_HOME. */
    readonly pluginDirectory: string;
    readonly executable: string;
}

export function installNodeLanguageHost(options: LanguageHostInstallOptions): LanguageHostInstallation {
    const main = transpileHost(options.workDir);
    const pluginDirectory = path.join(options.pulumiHome, "plugins", `language-nodejs-v${options.version}`);
    // Written under a `.tmp<digits>` name, which the CLI skips, then renamed: the CLI never sees half a plugin.
    const building = `${pluginDirectory}.tmp${process.pid}${Date.now()}`;
    fs.mkdirSync(building, { recursive: true });
    writeNodeShim(path.join(building, LANGUAGE_HOST_EXECUTABLE), {
        comment: "Offline stand-in for Pulumi's Node.js language host (tools/offline/language-host); never put it on PATH.",
        script: main,
        args: [`--host-version=${options.version}`],
    });
    fs.rmSync(pluginDirectory, { recursive: true, force: true });
    fs.renameSync(building, pluginDirectory);
    return { pluginDirectory, executable: path.join(pluginDirectory, LANGUAGE_HOST_EXECUTABLE) };
}

/** Returns the host's entry point. */
function transpileHost(workDir: string): string {
    transpileTree(__dirname, path.join(workDir, "host"), ["install.ts"]);
    const link = path.join(workDir, "node_modules");
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), link, "dir");
    return path.join(workDir, "host", "main.js");
}

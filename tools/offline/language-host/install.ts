// Installs the offline Node.js language host into one PULUMI_HOME's plugin cache, and nowhere else. The CLI looks
// for `pulumi-language-nodejs` on PATH first (unless PULUMI_IGNORE_AMBIENT_PLUGINS), then next to its own binary,
// and only then in the plugin cache: so this copy is used only where no real host exists, never shadows one, and
// never reaches a shell's PATH. `pulumi plugin install` refuses language plugins, so the directory is written here.
//
//   <PULUMI_HOME>/plugins/language-nodejs-v<version>/
//     pulumi-language-nodejs   shell shim: the project's Node 22 running host/main.js
//     host/                    the host, transpiled (no ts-node compile on every start)
//     node_modules             link to the project's dependencies (@grpc/grpc-js, @pulumi/pulumi's protos)
import * as fs from "fs";
import * as path from "path";
import { nodeBinary } from "../node-runtime";
import { REPO_ROOT } from "../pulumi-cli";
import { transpileTree } from "../../transpile";

export const LANGUAGE_HOST_EXECUTABLE = "pulumi-language-nodejs";

export interface LanguageHostInstallOptions {
    readonly pulumiHome: string;
    /** The CLI's version: the plugin directory's version and what GetPluginInfo reports, as for the bundled host. */
    readonly version: string;
}

export interface LanguageHostInstallation {
    readonly directory: string;
    readonly executable: string;
}

export function languageHostDirectory(pulumiHome: string, version: string): string {
    return path.join(pulumiHome, "plugins", `language-nodejs-v${version}`);
}

export function installNodeLanguageHost(options: LanguageHostInstallOptions): LanguageHostInstallation {
    const directory = languageHostDirectory(options.pulumiHome, options.version);
    // Built under a `.tmp<digits>` name, which the CLI skips, then renamed: the CLI never sees half a host.
    const building = `${directory}.tmp${process.pid}${Date.now()}`;
    fs.mkdirSync(building, { recursive: true });
    transpileTree(__dirname, path.join(building, "host"), ["install.ts"]);
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(building, "node_modules"), "dir");
    const main = path.join(directory, "host", "main.js");
    fs.writeFileSync(
        path.join(building, LANGUAGE_HOST_EXECUTABLE),
        [
            "#!/bin/sh",
            "# Offline stand-in for Pulumi's Node.js language host (tools/offline/language-host); not for a shell's PATH.",
            `exec ${shellQuote(nodeBinary())} ${shellQuote(main)} ${shellQuote(`--host-version=${options.version}`)} "$@"`,
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    fs.rmSync(directory, { recursive: true, force: true });
    fs.renameSync(building, directory);
    return { directory, executable: path.join(directory, LANGUAGE_HOST_EXECUTABLE) };
}

function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

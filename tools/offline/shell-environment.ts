/**
 * `<workspace>/env.sh`: sourced in a shell, it makes the README's everyday commands (its offline shell lines) work against
 * an offline workspace exactly as written (`pulumi stack ls`, `pulumi preview -s dev`, …): the
 * workspace's CLI environment (PATH with the CLI and the project's Node first, its PULUMI_HOME,
 * file backend and passphrase), two names for the commands' arguments, and the project directory.
 */
import * as fs from "fs";
import * as path from "path";
import { shellQuote } from "./shell-quote";
import { OfflineWorkspace } from "./workspace";

export const SHELL_ENVIRONMENT_FILE = "env.sh";

/** Writes the file for `workspace`, whose project runs the program of `checkout`; returns its path. */
export function writeShellEnvironment(workspace: OfflineWorkspace, checkout: string): string {
    const { PATH: _path, ...env } = workspace.env();
    const file = path.join(workspace.dir, SHELL_ENVIRONMENT_FILE);
    const variables = {
        ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")),
        ATLAS_WORKSPACE: workspace.dir,
        ATLAS_CHECKOUT: checkout,
    };
    const lines = [
        `# Offline Atlas workspace ${workspace.dir}: \`source ${file}\`, then use pulumi as the README shows.`,
        `export PATH=${shellQuote(workspace.binDirs.join(path.delimiter))}:"$PATH"`,
        ...Object.entries(variables).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
        `cd ${shellQuote(workspace.projectDir)}`,
        "",
    ];
    fs.writeFileSync(file, lines.join("\n"));
    return file;
}

/**
 * Locates the Pulumi CLI the offline tools run: a recent enough `pulumi` on PATH, or the
 * pinned version built from the Go module proxy and cached outside the repo
 * (scripts/ensure-pulumi.sh does the work; this module only calls it once per process).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface PulumiCli {
    /** Absolute path of the `pulumi` executable. */
    binary: string;
    /** `pulumi version` without the leading "v". */
    version: string;
    /** A directory whose `bin/pulumi` is the binary, as the Automation API expects. */
    root: string;
}

let located: PulumiCli | undefined;

/**
 * The CLI this checkout's tooling located, handed to the processes it starts (the release commands a test or a
 * rehearsal runs, the judging commit's promote): a process tree runs ensure-pulumi.sh and `pulumi version` once.
 * Keyed by the checkout, so another checkout (which may pin another version) locates its own.
 */
export const LOCATED_CLI_ENV = "ATLAS_LOCATED_PULUMI_CLI";

export function ensurePulumiCli(): PulumiCli {
    if (located) {
        return located;
    }
    const { binary, version } = inheritedCli(process.env[LOCATED_CLI_ENV]) ?? locateCli();
    located = { binary, version, root: automationRoot(binary) };
    process.env[LOCATED_CLI_ENV] = JSON.stringify({ checkout: REPO_ROOT, binary, version });
    return located;
}

function locateCli(): { binary: string; version: string } {
    const script = path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh");
    const binary = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    const version = execFileSync(binary, ["version"], { encoding: "utf8" }).trim().replace(/^v/, "");
    return { binary, version };
}

/** What a parent process of the same checkout located (LOCATED_CLI_ENV's value), when the binary is still there; anything else locates anew. */
export function inheritedCli(value: string | undefined, ownCheckout: string = REPO_ROOT): { binary: string; version: string } | undefined {
    try {
        const { checkout, binary, version } = JSON.parse(value ?? "null") ?? {};
        const usable = checkout === ownCheckout && typeof binary === "string" && typeof version === "string" && path.isAbsolute(binary);
        return usable && isExecutable(binary) ? { binary, version } : undefined;
    } catch {
        return undefined;
    }
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

const commands = new Map<string, Promise<PulumiCommand>>();

/** The Automation API's handle on the CLI; made once per process (`PulumiCommand.get` runs `pulumi version` each time). */
export function pulumiCommand(cli: PulumiCli = ensurePulumiCli()): Promise<PulumiCommand> {
    let command = commands.get(cli.root);
    if (!command) {
        command = PulumiCommand.get({ root: cli.root, skipVersionCheck: true });
        commands.set(cli.root, command);
    }
    return command;
}

/** The Automation API runs `<root>/bin/pulumi`; link binaries that live elsewhere. */
function automationRoot(binary: string): string {
    if (path.basename(path.dirname(binary)) === "bin") {
        return path.dirname(path.dirname(binary));
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pulumi-root-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.symlinkSync(binary, path.join(root, "bin", "pulumi"));
    return root;
}

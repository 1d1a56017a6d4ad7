/**
 * Measures the release being promoted from git, so the gate never depends on what a program
 * says about itself: the full commit of the checkout, and a digest of every file that shapes a
 * deployment at that commit. A checkout with uncommitted changes has no such identity.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ReleaseIdentity } from "../../../policy-pack/src/contract";
import { UsageError } from "../kit";

/**
 * What shapes a deployment: the program and its Glue scripts, the project and stack files, the
 * dependency lock, the compiler settings, and the policy pack. Documentation, tests of the
 * program, the release tooling and the workflows do not change what a stack runs.
 */
export const DEPLOYMENT_INPUTS: readonly RegExp[] = [
    /^index\.ts$/,
    /^src\//,
    /^glue\//,
    /^Pulumi(\.[^/]+)?\.yaml$/,
    /^package(-lock)?\.json$/,
    /^tsconfig\.json$/,
    /^policy-pack\/(?!tests\/)(?!README\.md$)/,
];

export function isDeploymentInput(file: string): boolean {
    return DEPLOYMENT_INPUTS.some((pattern) => pattern.test(file));
}

/** A checkout with uncommitted changes: bad input (exit 2), nothing runs. */
export class DirtyCheckoutError extends UsageError {}

/** The identity of the checkout at `dir` deployed as `version`; refuses a dirty or missing checkout. */
export function measureRelease(dir: string, version: string): ReleaseIdentity {
    const changed = uncommittedFiles(dir);
    if (changed.length > 0) {
        const shown = changed
            .slice(0, 20)
            .map((file) => `  ${file}`)
            .join("\n");
        throw new DirtyCheckoutError(
            `${dir} has uncommitted changes, so the release would not be the commit it names:\n${shown}${changed.length > 20 ? `\n  … and ${changed.length - 20} more` : ""}\ncommit them (or stash them) and run promote again; nothing was deployed`,
        );
    }
    const commit = git(dir, "rev-parse", "--verify", "HEAD").trim();
    return { version, commit, digest: deploymentDigest(dir, commit) };
}

/** Files with uncommitted changes (tracked or untracked, ignored files excepted). */
export function uncommittedFiles(dir: string): string[] {
    // --no-renames: a rename is its two paths, each an entry of its own (with -z a rename's old path would follow unprefixed).
    return git(dir, "status", "--porcelain=v1", "--untracked-files=all", "--no-renames", "-z")
        .split("\0")
        .filter(Boolean)
        .map((entry) => entry.slice(3))
        .filter((file) => !isLinkedDependencies(dir, file));
}

/** A checkout made by the tooling links the installed `node_modules` (a symlink `.gitignore`'s `node_modules/` does not match): not a change. */
function isLinkedDependencies(dir: string, file: string): boolean {
    return file === "node_modules" && fs.lstatSync(path.join(dir, file), { throwIfNoEntry: false })?.isSymbolicLink() === true;
}

/** `sha256:<hex>` over the mode, blob id and path of every deployment input at `commit`. */
export function deploymentDigest(dir: string, commit: string): string {
    const entries = git(dir, "ls-tree", "-r", "--full-tree", "-z", commit)
        .split("\0")
        .filter((line) => line && isDeploymentInput(line.slice(line.indexOf("\t") + 1)))
        .sort();
    return `sha256:${createHash("sha256").update(entries.join("\n")).digest("hex")}`;
}

function git(dir: string, ...args: string[]): string {
    try {
        return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
    } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim();
        throw new UsageError(
            `git ${args[0]} failed in ${dir}: ${stderr || (error as Error).message}; promote deploys a git commit, so run it in a git checkout`,
        );
    }
}

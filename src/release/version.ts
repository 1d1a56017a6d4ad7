/**
 * The release version a stack deploys. CI (and promote/rehearse) set ATLAS_RELEASE_VERSION; a
 * local run derives one from git that says which commit it was built from, and whether the
 * working tree had changes. Only a CI-assigned version built from a clean tree is promotable.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const RELEASE_VERSION_ENV = "ATLAS_RELEASE_VERSION";
export const UNKNOWN_LOCAL_VERSION = "0.0.0-local+unknown";

export type GitState =
    | { kind: "unavailable" }
    | { kind: "clean"; commit: string }
    /** changes: a digest of the uncommitted changes, so the same edits give the same version. */
    | { kind: "dirty"; commit: string; changes: string };

export interface ReleaseVersion {
    version: string;
    promotable: boolean;
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** True for a version CI or promote may assign: a semantic version such as 1.4.0 or 2026.11.26+run.7. */
export function isAssignableVersion(version: string): boolean {
    return SEMVER.test(version);
}

export function deriveReleaseVersion(assigned: string | undefined, git: GitState): ReleaseVersion {
    if (assigned !== undefined && assigned !== "") {
        if (!isAssignableVersion(assigned)) {
            throw new pulumi.RunError(`${RELEASE_VERSION_ENV}=${JSON.stringify(assigned)} is not a semantic version such as 1.4.0 or 1.4.0-rc.1`);
        }
        return { version: assigned, promotable: git.kind === "clean" };
    }
    switch (git.kind) {
        case "unavailable":
            return { version: UNKNOWN_LOCAL_VERSION, promotable: false };
        case "clean":
            return { version: `0.0.0-local+g${git.commit.slice(0, 12)}`, promotable: false };
        case "dirty":
            return { version: `0.0.0-local+g${git.commit.slice(0, 12)}.dirty.${git.changes.slice(0, 8)}`, promotable: false };
    }
}

/** The state of the git work tree at `dir`; "unavailable" without git or outside a repository. */
export function readGitState(dir: string): GitState {
    const git = (...args: string[]): string =>
        execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
    let commit: string;
    try {
        commit = git("rev-parse", "--verify", "HEAD").trim();
    } catch {
        return { kind: "unavailable" };
    }
    const status = git("status", "--porcelain=v1", "--untracked-files=all");
    if (status === "") {
        return { kind: "clean", commit };
    }
    const changes = createHash("sha256").update(status).update("\0").update(git("diff", "HEAD", "--binary")).digest("hex");
    return { kind: "dirty", commit, changes };
}

/** The version of the program in `dir` (the repository root), as this process sees it. */
export function currentReleaseVersion(dir: string, env: NodeJS.ProcessEnv = process.env): ReleaseVersion {
    return deriveReleaseVersion(env[RELEASE_VERSION_ENV], readGitState(dir));
}

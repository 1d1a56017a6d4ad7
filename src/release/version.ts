/**
 * The release a run of the program deploys. `promote` measures it from git and hands it over as
 * ATLAS_RELEASE_VERSION, _COMMIT and _DIGEST; a plain local run (`pulumi up -s dev`) derives a
 * version from git that says which commit it was built from and whether the tree had changes.
 * The program only reports its release (outputs, tags); the gate never trusts that report.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RELEASE_ENV, isAssignableVersion } from "../../policy-pack/src/contract";

export const UNKNOWN_LOCAL_VERSION = "0.0.0-local+unknown";

export type GitState =
    | { kind: "unavailable" }
    | { kind: "clean"; commit: string }
    /** changes: a digest of the uncommitted changes, so the same edits give the same version. */
    | { kind: "dirty"; commit: string; changes: string };

export interface ProgramRelease {
    version: string;
    /** As promote measured them; null for a local run. */
    commit: string | null;
    digest: string | null;
}

/** The version promote assigned, or a local one from git; a malformed assigned version is an error. */
export function deriveReleaseVersion(assigned: string | undefined, git: GitState): string {
    if (assigned !== undefined && assigned !== "") {
        if (!isAssignableVersion(assigned)) {
            throw new pulumi.RunError(`${RELEASE_ENV.version}=${JSON.stringify(assigned)} is not a semantic version such as 1.4.0 or 1.4.0-rc.1`);
        }
        return assigned;
    }
    switch (git.kind) {
        case "unavailable":
            return UNKNOWN_LOCAL_VERSION;
        case "clean":
            return `0.0.0-local+g${git.commit.slice(0, 12)}`;
        case "dirty":
            return `0.0.0-local+g${git.commit.slice(0, 12)}.dirty.${git.changes.slice(0, 8)}`;
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
    const changes = createHash("sha256")
        .update(status)
        .update("\0")
        .update(git("diff", "HEAD", "--binary"))
        .digest("hex");
    return { kind: "dirty", commit, changes };
}

/** The release of the program in `dir` (the repository root), as this process was told or git says. */
export function currentRelease(dir: string, env: NodeJS.ProcessEnv = process.env): ProgramRelease {
    const assigned = env[RELEASE_ENV.version];
    const version = deriveReleaseVersion(assigned, assigned ? { kind: "unavailable" } : readGitState(dir));
    return { version, commit: env[RELEASE_ENV.commit] || null, digest: env[RELEASE_ENV.digest] || null };
}

/**
 * A promotable build of this working tree for engine tests.
 *
 * The program marks its release promotable only when the git tree it was loaded from is clean
 * (src/release/version.ts), and prod refuses any other. The shared checkout is rarely clean
 * while people work in it, and can change state in the middle of a run. So the tests run a
 * snapshot instead: the working tree's files (tracked and untracked, minus ignored ones) copied
 * into a temporary directory and committed there as one commit. The program, the policy pack
 * and the release tooling are all loaded from that snapshot, so a run sees one consistent
 * build whose promotability does not depend on anyone else's edits. Nothing in the program
 * or the pack is bypassed: the snapshot really is a clean commit of these sources, and
 * `makeDirty()` shows the same build refused once its tree has an uncommitted change.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface CleanBuild {
    /** The snapshot's root: a git repository with one commit and a clean work tree. */
    readonly dir: string;
    readonly commit: string;
    /** Adds an untracked file, so the next program run is a dirty, unpromotable build; returns the undo. */
    makeDirty(): () => void;
    remove(): void;
}

export function snapshotWorkingTree(source: string = REPO_ROOT): CleanBuild {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-clean-build-"));
    const listed = git(source, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
    for (const file of listed) {
        const from = path.join(source, file);
        const stat = fs.lstatSync(from, { throwIfNoEntry: false });
        if (!stat || stat.isDirectory()) {
            continue; // deleted in the working tree, or a submodule
        }
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(from, path.join(dir, file));
        fs.chmodSync(path.join(dir, file), stat.mode & 0o777);
    }
    // Dependencies are ignored by the repo and shared with it; the link is excluded like the directory.
    fs.symlinkSync(path.join(source, "node_modules"), path.join(dir, "node_modules"), "dir");
    git(dir, "init", "-q");
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "/node_modules\n");
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=atlas engine tests", "-c", "user.email=engine-tests@atlas.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "engine-test snapshot of the working tree");
    const commit = git(dir, "rev-parse", "HEAD").trim();
    const status = git(dir, "status", "--porcelain=v1", "--untracked-files=all");
    if (status !== "") {
        throw new Error(`the engine-test snapshot in ${dir} is not clean:\n${status}`);
    }
    return {
        dir,
        commit,
        makeDirty() {
            const marker = path.join(dir, "UNCOMMITTED-CHANGE");
            fs.writeFileSync(marker, "an uncommitted change\n");
            return () => fs.rmSync(marker, { force: true });
        },
        remove() {
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

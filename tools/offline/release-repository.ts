/**
 * A git repository of releases for offline runs: a snapshot of a working tree committed as one
 * commit, further commits made from it (a code change, a config drift), and a checkout of each
 * commit in a directory of its own. `promote` deploys commits, so the rehearsal and the engine
 * tests need real ones; their own checkout (the user's, perhaps with uncommitted edits) is never
 * touched. Each checkout links the source's `node_modules` (excluded from git) and has its policy
 * pack built (`policy-pack/bin`, ignored by git), as `npm ci` leaves a clone.
 *
 * Separate directories per commit matter for inline programs: Node caches modules by path, so a
 * program loaded from one commit's directory is never mistaken for another's.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPolicyPack } from "../build-policy-pack";

const AUTHOR = ["-c", "user.name=atlas offline release", "-c", "user.email=offline-release@atlas.invalid", "-c", "commit.gpgsign=false"];

export type FileEdits = Record<string, (text: string) => string>;

export class ReleaseRepository {
    private constructor(
        /** The repository's main work tree, at the snapshot commit. */
        readonly dir: string,
        private readonly nodeModules: string,
    ) {}

    /**
     * Commits the working tree of `source` (tracked and untracked files, ignored ones excepted)
     * into the repository at `dir`, created when missing; an unchanged tree adds no commit.
     */
    static snapshot(source: string, dir: string = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-release-repo-"))): ReleaseRepository {
        const nodeModules = path.join(source, "node_modules");
        fs.mkdirSync(dir, { recursive: true });
        if (!fs.existsSync(path.join(dir, ".git"))) {
            git(dir, "init", "-q");
            fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "/node_modules\n");
        }
        const repository = new ReleaseRepository(dir, nodeModules);
        for (const file of git(dir, "ls-files", "-z").split("\0").filter(Boolean)) {
            fs.rmSync(path.join(dir, file), { force: true });
        }
        for (const file of git(source, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean)) {
            const from = path.join(source, file);
            const stat = fs.lstatSync(from, { throwIfNoEntry: false });
            if (!stat || stat.isDirectory()) {
                continue; // deleted in the working tree, or a submodule
            }
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.copyFileSync(from, path.join(dir, file));
            fs.chmodSync(path.join(dir, file), stat.mode & 0o777);
        }
        repository.prepareCheckout(dir);
        git(dir, "add", "-A");
        if (git(dir, "status", "--porcelain=v1").trim() !== "") {
            git(dir, ...AUTHOR, "commit", "-q", "--no-verify", "-m", `snapshot of ${source}`);
        }
        return repository;
    }

    /** The repository already at `dir` (made by `snapshot`, or a copy of one). */
    static open(dir: string): ReleaseRepository {
        if (!fs.existsSync(path.join(dir, ".git"))) {
            throw new Error(`${dir} is not a release repository: it has no .git`);
        }
        return new ReleaseRepository(dir, fs.readlinkSync(path.join(dir, "node_modules")));
    }

    get head(): string {
        return git(this.dir, "rev-parse", "HEAD").trim();
    }

    /** A directory holding a clean checkout of `commit` (a git work tree of its own), made on first use. */
    checkoutAt(commit: string): string {
        if (commit === this.head) {
            return this.dir;
        }
        const dir = this.worktreeDir(commit);
        if (!fs.existsSync(dir)) {
            git(this.dir, "worktree", "add", "-q", "--detach", dir, commit);
            this.prepareCheckout(dir);
        }
        return dir;
    }

    /** Commits `edits` on top of `base` (an edit of a missing file creates it) and returns the new commit (checked out in its own directory). */
    commitEdits(base: string, edits: FileEdits, message: string): string {
        const scratch = `${this.worktreeDir(base)}-edit-${process.pid}-${Date.now()}`;
        git(this.dir, "worktree", "add", "-q", "--detach", scratch, base);
        for (const [file, edit] of Object.entries(edits)) {
            const target = path.join(scratch, file);
            // A file the commit adds (a new environment's stack file) is edited from nothing.
            const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
            const after = edit(before);
            if (after === before) {
                throw new Error(`editing ${file} for "${message}" changed nothing; the edit no longer matches the file`);
            }
            fs.writeFileSync(target, after);
        }
        git(scratch, "add", "-A");
        git(scratch, ...AUTHOR, "commit", "-q", "--no-verify", "-m", message);
        const commit = git(scratch, "rev-parse", "HEAD").trim();
        const dir = this.worktreeDir(commit);
        if (fs.existsSync(dir)) {
            git(this.dir, "worktree", "remove", "--force", scratch); // the same edit made before
        } else {
            git(this.dir, "worktree", "move", scratch, dir);
            this.prepareCheckout(dir);
        }
        return commit;
    }

    remove(): void {
        for (const dir of [this.dir, `${this.dir}-checkouts`]) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    private worktreeDir(commit: string): string {
        return path.join(`${this.dir}-checkouts`, commit.slice(0, 12));
    }

    /** What `npm ci` leaves in a clone: dependencies (linked) and the built policy pack. */
    private prepareCheckout(dir: string): void {
        const link = path.join(dir, "node_modules");
        if (!fs.existsSync(link)) {
            fs.symlinkSync(this.nodeModules, link, "dir");
        }
        if (fs.existsSync(path.join(dir, "policy-pack", "PulumiPolicy.yaml"))) {
            buildPolicyPack(path.join(dir, "policy-pack"));
        }
    }
}

function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
}

/**
 * The suite's deployed release: staging and prod running one release of a snapshot of this working tree, deployed
 * once per engine run (suite-release.ts, a mocha global fixture) and copied for each describe that starts from it
 * (`withOfflineWorkspace({ deployed: true })`). A copy is a few megabytes of files, made in milliseconds; a
 * deployment of staging and prod is four engine runs.
 *
 * The file backend's checkpoints and the workspace's plugin shims hold absolute paths (the program's file
 * assets, the stand-in provider's script), so a copy rewrites the deployed release's directory to its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Where the global fixture tells every mocha worker to find the deployed release's manifest. */
export const DEPLOYED_RELEASE_ENV = "ATLAS_ENGINE_DEPLOYED_RELEASE";
export const DEPLOYED_VERSION = "1.0.0";
/** In promotion order. */
export const DEPLOYED_STACKS = ["staging", "prod"] as const;
const MANIFEST = "deployed-release.json";
/** The workspace's own logs are not part of its state. */
const NOT_COPIED = new Set(["logs"]);

export interface DeployedRelease {
    /** The directory holding both, which a copy replaces by its own in every path. */
    root: string;
    /** The release repository: the snapshot commit, checked out in the repository's own directory. */
    repository: string;
    /** The offline workspace: file backend, PULUMI_HOME, project files. */
    workspace: string;
    /** prod's on-call endpoint, a secret config value no message may contain. */
    oncallSecret: string;
}

export function writeManifest(release: DeployedRelease): string {
    const file = path.join(release.root, MANIFEST);
    fs.writeFileSync(file, JSON.stringify(release, null, 2));
    return file;
}

/** The deployed release the global fixture announced, if any. */
export function announcedRelease(env: NodeJS.ProcessEnv = process.env): DeployedRelease | undefined {
    const file = env[DEPLOYED_RELEASE_ENV];
    return file ? (JSON.parse(fs.readFileSync(file, "utf8")) as DeployedRelease) : undefined;
}

/** A private copy of `release` in a new directory, with every path that named the original naming the copy. */
export function copyDeployedRelease(release: DeployedRelease): DeployedRelease {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-deployed-copy-"));
    const within = (dir: string) => path.join(root, path.relative(release.root, dir));
    copyTree(release.repository, within(release.repository), undefined);
    copyTree(release.workspace, within(release.workspace), { from: `${release.root}${path.sep}`, to: `${root}${path.sep}` });
    return { ...release, root, repository: within(release.repository), workspace: within(release.workspace) };
}

/** Copies `from` to `to` (symbolic links as links); in regular files, `rewrite.from` becomes `rewrite.to`. */
function copyTree(from: string, to: string, rewrite: { from: string; to: string } | undefined): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
        if (NOT_COPIED.has(entry.name) && entry.isDirectory()) {
            continue;
        }
        if (entry.isDirectory()) {
            copyTree(source, target, rewrite);
        } else if (entry.isSymbolicLink()) {
            fs.symlinkSync(fs.readlinkSync(source), target);
        } else {
            const content = fs.readFileSync(source);
            const rewritten = rewrite && content.includes(rewrite.from) ? Buffer.from(content.toString("utf8").split(rewrite.from).join(rewrite.to)) : content;
            fs.writeFileSync(target, rewritten, { mode: fs.statSync(source).mode });
        }
    }
}

/**
 * Offline, `promote --workspace W --stack prod` takes the trusted path on its own: when this checkout is not the
 * judging commit (the release prod runs, or ATLAS_GATE_COMMIT), it checks that commit out (from the workspace's
 * release repository or this repository), and runs that commit's promote with `--checkout <this checkout>`, as
 * promote-prod.yml does in CI. The evidence is then built by tooling of the judging commit, in a process of its
 * own: nothing this checkout's modules did while loading reaches it.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../../tools/offline/release-repository";
import { shortName, StackSource } from "../stacks";
import { gateRecord, repositoryWith } from "./trusted-gate";

export interface JudgingTooling {
    /** The stack it judges a promotion to. */
    target: string;
    commit: string;
    /** A clean checkout of it, with this checkout's dependencies linked. */
    dir: string;
}

/** The judging commit's tooling, when it is not this checkout's commit (undefined: this tooling judges, e.g. a first deployment). */
export async function judgingTooling(
    source: StackSource,
    target: string,
    candidateCommit: string,
    scratchRoot: string,
    env: NodeJS.ProcessEnv = process.env,
): Promise<JudgingTooling | undefined> {
    const record = await gateRecord(source, target, candidateCommit, env);
    if (record.commit === candidateCommit) {
        return undefined;
    }
    const holder = repositoryWith(source.repositories, record, target);
    if (holder !== REPO_ROOT && fs.lstatSync(path.join(holder, "node_modules"), { throwIfNoEntry: false })?.isSymbolicLink()) {
        return { target, commit: record.commit, dir: ReleaseRepository.open(holder).checkoutAt(record.commit) };
    }
    const dir = path.join(scratchRoot, "judging", record.commit);
    if (!fs.existsSync(dir)) {
        execFileSync("git", ["worktree", "add", "-q", "--detach", dir, record.commit], { cwd: holder, stdio: ["ignore", "pipe", "pipe"] });
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    }
    return { target, commit: record.commit, dir };
}

/** Runs the judging commit's promote with these arguments and `--checkout <candidate>`; its exit code. */
export function runJudgingPromote(tooling: JudgingTooling, args: readonly string[], candidate: string): number {
    console.error(
        `promote: ${shortName(tooling.target)} is judged by commit ${tooling.commit.slice(0, 12)}; running its release tooling (${tooling.dir}) with --checkout ${candidate}`,
    );
    const tsNode = path.join(REPO_ROOT, "node_modules", ".bin", "ts-node");
    const result = spawnSync(tsNode, [path.join(tooling.dir, "cli", "promote.ts"), ...args, "--checkout", candidate], { cwd: tooling.dir, stdio: "inherit" });
    return result.status ?? 3;
}

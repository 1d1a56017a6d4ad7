/**
 * Which policy pack judges a gated (prod) promotion. Never the pack of the tree being promoted:
 * a commit must not be able to relax the gate that judges it. In order of precedence:
 * - `pinned`: the pack at the commit named by ATLAS_GATE_COMMIT, a protected setting of the prod
 *   environment (a GitHub environment variable only repository admins change): the way to adopt
 *   a new gate contract or to recover from a broken gate, recorded in the update's message. It
 *   must be an earlier commit of the candidate's history, never the candidate itself, so one
 *   commit cannot pin its own pack;
 * - `prod-release`: the pack of the release prod runs now (its newest successful release update),
 *   so a change to the pack governs prod only after it was itself released through staging and prod;
 * - `bootstrap`: prod has never been released, so there is no trusted pack yet: the candidate's own.
 *
 * A release whose `policy-pack/` differs from the judging pack's is refused unless the prod
 * environment's protected setting ATLAS_PACK_CHANGE_APPROVED names that very pack (its git tree):
 * otherwise release N could relax the pack unnoticed and release N+1 be judged by the relaxed one.
 * The approval is recorded in the update's message.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GateRecord, HistoryEntry, isReleaseUpdate, parseReleaseMessage } from "../../../policy-pack/src/contract";
import { RefusedError, UsageError } from "../kit";
import { readHistory, shortName, StackSource } from "../stacks";

export const PINNED_GATE_ENV = "ATLAS_GATE_COMMIT";
export const PACK_CHANGE_ENV = "ATLAS_PACK_CHANGE_APPROVED";

/** The gate refuses the release before anything runs (exit 1, like a policy's refusal). */
export class GateRefusal extends RefusedError {}
/** A full git object id (SHA-1, or SHA-256): what ATLAS_GATE_COMMIT and ATLAS_PACK_CHANGE_APPROVED must hold. */
export const FULL_OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface TrustedGate extends GateRecord {
    /** The pack's sources, extracted from git at `commit`. */
    packDir: string;
    /** Why the gate refuses this release's unapproved change to `policy-pack/`, when only advised (a pull-request check). */
    unapprovedPackChange?: string;
}

export interface GateChoice {
    /** Where the gate's settings are read from (default: this process's environment). */
    env?: NodeJS.ProcessEnv;
    /** Report an unapproved pack change instead of refusing (a preview whose release gate is advisory). */
    adviseOnPackChange?: boolean;
}

export async function chooseTrustedGate(
    source: StackSource,
    target: string,
    candidateCommit: string,
    scratchDir: string,
    choice: GateChoice = {},
): Promise<TrustedGate> {
    const env = choice.env ?? process.env;
    const record = await gateRecord(source, target, candidateCommit, env);
    const holder = repositoryWith(source.repositories, record, target);
    const judged = shortName(target);
    const packDir = extractPack(holder, record, scratchDir);
    if (record.source === "pinned" && (record.commit === candidateCommit || !isAncestor(source.checkout, record.commit, candidateCommit))) {
        throw new UsageError(
            `${PINNED_GATE_ENV}=${record.commit} is not an earlier commit of the release being promoted (${candidateCommit}); a pinned gate must come from the reviewed history before the candidate`,
        );
    }
    const [candidatePack, gatePack] = [packTree(source.checkout, candidateCommit), packTree(holder, record.commit)];
    if (candidatePack === gatePack) {
        return { ...record, packDir };
    }
    if (env[PACK_CHANGE_ENV] === candidatePack) {
        return { ...record, packChange: candidatePack, packDir };
    }
    const refusal = `this release changes policy-pack/ (tree ${candidatePack}) from the pack that judges ${judged} (commit ${record.commit.slice(0, 12)}, tree ${gatePack}); a change to the gate reaches ${judged} only once approved: after review, set ${PACK_CHANGE_ENV}=${candidatePack} in the ${judged} environment's protected settings and promote again`;
    if (choice.adviseOnPackChange) {
        return { ...record, packDir, unapprovedPackChange: refusal };
    }
    throw new GateRefusal(refusal);
}

/** The git tree id of `policy-pack/` at a commit. */
export function packTree(repository: string, commit: string): string {
    try {
        return git(repository, "rev-parse", "--verify", "--quiet", `${commit}:policy-pack`).toString().trim();
    } catch {
        throw new GateRefusal(
            `commit ${commit} has no policy-pack/ directory; a release carries the pack that may judge later releases, so restore policy-pack/ and promote again`,
        );
    }
}

/** True when `ancestor` is in the history of `descendant` (itself included). */
export function isAncestor(checkout: string, ancestor: string, descendant: string): boolean {
    try {
        execFileSync("git", ["merge-base", "--is-ancestor", ancestor, descendant], { cwd: checkout, stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

export async function gateRecord(source: StackSource, target: string, candidateCommit: string, env: NodeJS.ProcessEnv): Promise<GateRecord> {
    const pinned = env[PINNED_GATE_ENV];
    if (pinned) {
        if (!FULL_OBJECT_ID.test(pinned)) {
            throw new UsageError(
                `${PINNED_GATE_ENV}="${pinned}" is not a full git commit id; set it to the 40-character commit whose policy-pack/ must judge ${shortName(target)}, or unset it`,
            );
        }
        return { source: "pinned", commit: pinned };
    }
    const prodRelease = (await source.exists(target))
        ? newestRelease(await readHistory(source, target, (entries) => newestRelease(entries) !== undefined))
        : undefined;
    return prodRelease ? { source: "prod-release", commit: prodRelease } : { source: "bootstrap", commit: candidateCommit };
}

/** The commit of the newest successful update `promote` recorded. */
function newestRelease(entries: readonly HistoryEntry[]): string | undefined {
    const release = entries.find(isReleaseUpdate);
    return release && parseReleaseMessage(release.message)?.identity.commit;
}

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });

/** The first repository that has the gate's commit. */
export function repositoryWith(repositories: readonly string[], gate: GateRecord, target: string): string {
    const holder = repositories.find((repository) => {
        try {
            git(repository, "cat-file", "-e", `${gate.commit}^{commit}`);
            return true;
        } catch {
            return false;
        }
    });
    if (!holder) {
        throw new UsageError(
            `the policy pack that must judge this promotion is at commit ${gate.commit} (${gate.source === "pinned" ? PINNED_GATE_ENV : `the release ${shortName(target)} runs`}), which ${repositories.join(" and ")} do${repositories.length === 1 ? "es" : ""} not have; fetch the full history (actions/checkout with fetch-depth: 0) and run promote again`,
        );
    }
    return holder;
}

/** `policy-pack/` as it is at the gate's commit, written under `scratchDir`. */
function extractPack(holder: string, gate: GateRecord, scratchDir: string): string {
    const into = path.join(scratchDir, `gate-${gate.commit.slice(0, 12)}`);
    fs.mkdirSync(into, { recursive: true });
    const archive = git(holder, "archive", "--format=tar", gate.commit, "policy-pack");
    execFileSync("tar", ["-x", "-C", into], { input: archive });
    return path.join(into, "policy-pack");
}

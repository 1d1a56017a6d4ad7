/**
 * The judging commit and the pack-change approval make sense: ATLAS_GATE_COMMIT (pins the pack that judges a gated
 * environment) and ATLAS_PACK_CHANGE_APPROVED (approves one exact `policy-pack/` tree), read as promote reads them
 * (cli/lib/gate/trusted-gate.ts). Unset is their normal state. Doctor refuses what promote would refuse (a pin that
 * is not an earlier commit of this checkout), and names an approval that approves nothing this checkout would
 * promote: left set, it would approve that pack again whenever a later release brought it back.
 */
import { FULL_OBJECT_ID, PACK_CHANGE_ENV, PINNED_GATE_ENV } from "../gate";
import { Finding, ok, problem } from "./check-result";

export const GATE_CHECK = `gate settings (${PINNED_GATE_ENV}, ${PACK_CHANGE_ENV})`;

/** What the checkout says about the settings' values, asked only for values that are set. */
export interface GateFacts {
    /** The checkout's HEAD, the candidate a promote from here would release. */
    head: string;
    /** The checkout's `policy-pack/` tree at HEAD. */
    headPackTree: string;
    /** The checkout has this commit. */
    hasCommit(commit: string): boolean;
    /** `ancestor` is in the history of HEAD (HEAD included). */
    isAncestorOfHead(ancestor: string): boolean;
}

export function gateFindings(env: NodeJS.ProcessEnv, facts: GateFacts): Finding[] {
    const pinned = env[PINNED_GATE_ENV] || undefined;
    const approved = env[PACK_CHANGE_ENV] || undefined;
    const findings = [pinned ? pinFinding(pinned, facts) : undefined, approved ? approvalFinding(approved, facts) : undefined].filter(
        (f): f is Finding => f !== undefined,
    );
    return findings.length > 0 ? findings : [ok(GATE_CHECK, "both unset: a gated environment is judged by the pack of the release it runs")];
}

function pinFinding(pinned: string, facts: GateFacts): Finding {
    const unset = `unset ${PINNED_GATE_ENV} in the gated environment's settings`;
    if (!FULL_OBJECT_ID.test(pinned)) {
        return problem(
            GATE_CHECK,
            `${PINNED_GATE_ENV}="${pinned}" is not a full git commit id`,
            `set it to the 40-character commit whose policy-pack/ must judge, or ${unset}`,
        );
    }
    if (!facts.hasCommit(pinned)) {
        return problem(
            GATE_CHECK,
            `${PINNED_GATE_ENV}=${pinned} is not a commit of this checkout`,
            `fetch the full history (git fetch --unshallow), or ${unset}`,
        );
    }
    if (pinned === facts.head || !facts.isAncestorOfHead(pinned)) {
        return problem(
            GATE_CHECK,
            `${PINNED_GATE_ENV}=${pinned.slice(0, 12)} is ${pinned === facts.head ? "the checkout's own commit" : "not an earlier commit of the checkout's history"}; promote refuses a pin that is not reviewed history before the candidate`,
            `pin a reviewed commit before ${facts.head.slice(0, 12)}, or ${unset}`,
        );
    }
    return ok(GATE_CHECK, `${PINNED_GATE_ENV} pins the judging pack to ${pinned.slice(0, 12)}, an earlier commit; unset it once a release runs that pack`);
}

function approvalFinding(approved: string, facts: GateFacts): Finding {
    const unset = `unset ${PACK_CHANGE_ENV} in the gated environment's settings`;
    if (!FULL_OBJECT_ID.test(approved)) {
        return problem(
            GATE_CHECK,
            `${PACK_CHANGE_ENV}="${approved}" is not a full git tree id`,
            `set it to the tree promote's refusal names (git rev-parse HEAD:policy-pack), or ${unset}`,
        );
    }
    if (approved !== facts.headPackTree) {
        return problem(
            GATE_CHECK,
            `${PACK_CHANGE_ENV} approves policy-pack/ tree ${approved.slice(0, 12)}, but this checkout's is ${facts.headPackTree.slice(0, 12)}: it approves nothing a promote from here would release, and would approve that pack again if it came back`,
            `${unset} (or, after reviewing this checkout's pack change, set it to ${facts.headPackTree})`,
        );
    }
    return ok(GATE_CHECK, `${PACK_CHANGE_ENV} approves this checkout's policy-pack/ tree ${approved.slice(0, 12)}; unset it once the release is promoted`);
}

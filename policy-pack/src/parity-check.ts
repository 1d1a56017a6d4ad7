/**
 * The comparison behind the parity policies: prod as the engine passes it against staging as
 * the release tooling read it from staging's checkpoint (contract/desired-state).
 *
 * Only staging-prod-parity receives staging's state (it is the largest part of the policy config);
 * the advisory coverage note, which the engine runs after it in the same pack process, reads the
 * comparison parity made of the same resources.
 */
import { ParityConfig } from "./config";
import { ParityComparison, compareDesiredState } from "./contract/desired-state/compare";
import { misshapenValues } from "./contract/desired-state/environment";
import { INPUTS_RECORDER } from "./planned-inputs";
import { plannedResources } from "./planned-state";
import { promotionSides, readPromotion, readStagingState } from "./evidence";
import { Finding } from "./policy-kit";
import { StackView } from "./stack-view";

export type ParityResult = { ok: true; comparison: ParityComparison } | { ok: false; findings: Finding[] };

/** The last comparison made, for the policies that follow in the same evaluation of the same resources. */
let last: { key: string; comparison: ParityComparison } | undefined;

export async function compareWithStaging(view: StackView, config: ParityConfig): Promise<ParityResult> {
    const promotion = readPromotion(view, config);
    const state = readStagingState(view, config);
    if (!promotion.ok || !state.ok) {
        return { ok: false, findings: [...(promotion.ok ? [] : promotion.findings), ...(state.ok ? [] : state.findings)] };
    }
    const { environments, resources } = state.value;
    const { upstream, target } = promotionSides(view);
    const misshapen = [
        ...misshapenValues(environments.staging).map((problem) => `${upstream}: ${problem}`),
        ...misshapenValues(environments.prod).map((problem) => `${target}: ${problem}`),
    ];
    if (misshapen.length > 0) {
        return {
            ok: false,
            findings: [
                {
                    problem: `parity sets environment-specific values aside, and these do not look like what their keys hold, so they could hide a real difference: ${misshapen.join("; ")}`,
                    fix: "correct them in the stack files (see docs/config-reference.md)",
                },
            ],
        };
    }
    const planned = await plannedResources(view.resources, promotion.value.candidateDirectory);
    const { unrecorded } = planned;
    if (unrecorded.length > 0) {
        return {
            ok: false,
            findings: [
                {
                    problem: `the inputs of ${unrecorded.length} of ${target}'s resources were not recorded (is ${INPUTS_RECORDER} disabled?), so what ${target} sets cannot be told from what its provider computes: ${unrecorded.slice(0, 5).join(", ")}${unrecorded.length > 5 ? ", …" : ""}`,
                    fix: `run the pack with ${INPUTS_RECORDER} enabled (promote does)`,
                },
            ],
        };
    }
    const comparison = compareDesiredState({ environment: environments.staging, resources }, { environment: environments.prod, resources: planned.resources });
    last = { key: comparisonKey(view, promotion.value.candidate.commit), comparison };
    return { ok: true, comparison };
}

/** The comparison staging-prod-parity made of these very resources, if it ran before in this process. */
export function previousComparison(view: StackView, config: ParityConfig): ParityComparison | undefined {
    const promotion = readPromotion(view, config);
    return promotion.ok && last?.key === comparisonKey(view, promotion.value.candidate.commit) ? last.comparison : undefined;
}

function comparisonKey(view: StackView, commit: string): string {
    return `${commit}\n${view.resources.map((r) => r.urn).join("\n")}`;
}

/** At most this many lines per list in a message; the rest are counted. */
export const MAX_LISTED = 40;

export function listed<T>(items: readonly T[], line: (item: T) => string): string {
    const lines = items.slice(0, MAX_LISTED).map((item) => `  - ${line(item)}`);
    if (items.length > MAX_LISTED) {
        lines.push(`  - … and ${items.length - MAX_LISTED} more`);
    }
    return lines.join("\n");
}

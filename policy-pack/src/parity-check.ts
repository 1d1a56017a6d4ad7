/**
 * The comparison behind the parity policies: prod as the engine passes it against staging as
 * the release tooling read it from staging's checkpoint (contract/desired-state).
 */
import { ParityConfig } from "./config";
import { ParityComparison, compareDesiredState } from "./contract/desired-state/compare";
import { misshapenValues } from "./contract/desired-state/environment";
import { plannedResources } from "./planned-state";
import { readPromotion, readStagingState } from "./evidence";
import { Finding } from "./policy-kit";
import { StackView } from "./stack-view";

export type ParityResult = { ok: true; comparison: ParityComparison } | { ok: false; findings: Finding[] };

export async function compareWithStaging(view: StackView, config: ParityConfig): Promise<ParityResult> {
    const promotion = readPromotion(view, config);
    const state = readStagingState(config);
    if (!promotion.ok || !state.ok) {
        return { ok: false, findings: [...(promotion.ok ? [] : promotion.findings), ...(state.ok ? [] : state.findings)] };
    }
    const { environments, resources } = state.value;
    const misshapen = (["staging", "prod"] as const).flatMap((side) => misshapenValues(environments[side]).map((problem) => `${side}: ${problem}`));
    if (misshapen.length > 0) {
        return {
            ok: false,
            findings: [{
                problem: `parity sets environment-specific values aside, and these do not look like what their keys hold, so they could hide a real difference: ${misshapen.join("; ")}`,
                fix: "correct them in the stack files (see the README's config reference)",
            }],
        };
    }
    const comparison = compareDesiredState(
        { environment: environments.staging, resources },
        { environment: environments.prod, resources: await plannedResources(view.resources) },
    );
    return { ok: true, comparison };
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

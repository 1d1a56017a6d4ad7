import { PARITY_SCHEMA, ParityConfig } from "../config";
import { compareWithStaging, listed, previousComparison } from "../parity-check";
import { stackPolicy } from "../policy-kit";
import { GATED } from "../applicability";

/**
 * Advisory: says which of prod's values are unknown during preview and were therefore compared
 * with staging's by the resources they are computed from rather than by value. The update's own
 * policy run compares them by value (after its steps; see docs/release-flow.md).
 */
export const stagingProdParityCoverage = stackPolicy<ParityConfig>({
    name: "staging-prod-parity-coverage",
    description: "Lists the values parity could compare only by the resources they are computed from (unknown until the update).",
    environments: GATED,
    configSchema: PARITY_SCHEMA,
    remediationSteps: "Nothing to do; review the list. Values unknown at preview become known after the update, when staging-prod-parity checks them again.",
    check: async (view, config) => {
        // promote gives staging's state to staging-prod-parity only; its comparison of these resources is reused.
        const comparison =
            config.stagingState === undefined
                ? previousComparison(view, config)
                : await compareWithStaging(view, config).then((r) => (r.ok ? r.comparison : undefined));
        if (!comparison) {
            return []; // staging-prod-parity refuses missing evidence
        }
        const matched = comparison.comparedByDependency;
        return matched.length === 0
            ? []
            : [
                  {
                      problem: `${matched.length} value(s) are unknown until the update and were compared by the resources they are computed from:\n${listed(matched, (m) => `${m.resource} ${m.path} ← ${m.dependsOn.join(", ")}`)}`,
                      fix: "nothing; the update's own policy run compares them by value",
                  },
              ];
    },
});

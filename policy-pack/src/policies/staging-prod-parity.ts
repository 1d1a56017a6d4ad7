import { PARITY_SCHEMA, ParityConfig } from "../config";
import { promoteCommand, promotionSides } from "../evidence";
import { compareWithStaging, listed } from "../parity-check";
import { describeDifference } from "../contract/desired-state/compare";
import { Finding, stackPolicy } from "../policy-kit";
import { GATED } from "../applicability";

/**
 * Policy 3: staging mirrors prod. Prod's planned resources must equal what staging runs (its
 * checkpoint), resource by resource and property by property, apart from the values of the
 * environment-specific keys and the identifiers the cloud generates.
 */
export const stagingProdParity = stackPolicy<ParityConfig>({
    name: "staging-prod-parity",
    description: "Prod's resources must equal staging's deployed resources, property by property; only environment-specific values may differ.",
    environments: GATED,
    configSchema: PARITY_SCHEMA,
    remediationSteps:
        "Deploy the same commit and equal stack config (every key not listed in policy-pack/src/contract/environment-keys.ts) to staging and prod; derive environment differences from config, never from the environment's name.",
    check: async (view, config) => {
        const result = await compareWithStaging(view, config);
        if (!result.ok) {
            return result.findings;
        }
        const sides = promotionSides(view);
        const { target, upstream } = sides;
        if (result.comparison.resourcesCompared === 0) {
            return [
                {
                    problem: `${upstream}'s state holds none of ${target}'s resources, so there is nothing to compare ${target} with`,
                    fix: `deploy the release to ${upstream} first (${promoteCommand(upstream)})`,
                },
            ];
        }
        const { differences, uncompared } = result.comparison;
        const findings: Finding[] = [];
        if (differences.length > 0) {
            findings.push({
                problem: `${target} differs from what ${upstream} runs in ${differences.length} place(s) (environment-specific values set aside):\n${listed(differences, (d) => describeDifference(d, sides))}`,
                fix: `make the code and Pulumi.${target}.yaml produce what ${upstream} runs (only keys in ENVIRONMENT_SPECIFIC_CONFIG may differ; never branch on the environment's name), or change ${upstream} first (${promoteCommand(upstream)}), then promote`,
            });
        }
        if (uncompared.length > 0) {
            findings.push({
                problem: `${uncompared.length} value(s) of ${target} could not be compared with ${upstream}'s:\n${listed(uncompared, (u) => `${u.resource} ${u.path}: ${u.reason}`)}`,
                fix: "compute them from config or from other resources of the stack, so that they are known at preview or traceable to the resources they come from",
            });
        }
        return findings;
    },
});

import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { describeIdentity, identityDifferences } from "../contract/release-identity";
import { runningRelease } from "../contract/stack-history";
import { PROMOTE_COMMAND, promoteCommand, promotionSides, readPromotion } from "../evidence";
import { stackPolicy } from "../policy-kit";
import { GATED } from "../applicability";

/**
 * Policy 2: prod gets only the release staging runs now: the same version, built from the same
 * commit, with the same digest of its deployment inputs, as measured by the release tooling (not
 * as any program reports it), and staging has not changed since that release was deployed.
 */
export const prodReleaseMatchesStaging = stackPolicy<ReleaseGateConfig>({
    name: "prod-release-matches-staging",
    description: "Prod may only deploy the release (version, commit and digest) that staging runs now.",
    environments: GATED,
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps: `Deploy the release to staging from the same commit (it must succeed), then run \`${PROMOTE_COMMAND}\` with the same version.`,
    check: (view, config) => {
        const promotion = readPromotion(view, config);
        if (!promotion.ok) {
            return promotion.findings;
        }
        const { candidate, stagingChanges } = promotion.value;
        const { target, upstream } = promotionSides(view);
        const running = runningRelease(upstream, stagingChanges, promoteCommand(upstream));
        if (!running.runs) {
            return [{ problem: running.problem, fix: running.fix }];
        }
        const differing = identityDifferences(candidate, running.identity);
        return differing.length === 0
            ? []
            : [
                  {
                      problem: `${target} would deploy release ${describeIdentity(candidate)} but ${upstream} runs ${describeIdentity(running.identity)}: the ${differing.join(", ")} differ${differing.length === 1 ? "s" : ""}`,
                      fix: `deploy this commit to ${upstream} first (${promoteCommand(upstream, candidate.version)}, from commit ${candidate.commit.slice(0, 12)}), or promote the release ${upstream} runs (version ${running.identity.version} from commit ${running.identity.commit.slice(0, 12)})`,
                  },
              ];
    },
});

import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { resourcesAfter, runningRelease } from "../contract/stack-history";
import { PROMOTE_COMMAND, checkStagingStack, promoteCommand, promotionSides, readPromotion } from "../evidence";
import { Finding, stackPolicy } from "../policy-kit";
import { GATED } from "../applicability";

/**
 * Policy 4: a prod update is judged only on evidence the release tooling read from the staging
 * stack itself: it must be there, describe this project's staging, and agree with itself (staging's
 * state holds as many resources as its last release left, so nothing was removed or added to the
 * state outside an update, e.g. by `pulumi state delete`).
 */
export const stagingEvidenceVerified = stackPolicy<ReleaseGateConfig>({
    name: "staging-evidence-verified",
    description: "A prod update must carry the release tooling's evidence about staging, and staging's state must be the one its last release left.",
    environments: GATED,
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps: `Update prod only through \`${PROMOTE_COMMAND}\`, which reads staging's history and state and passes them to this pack.`,
    check: (view, config) => {
        const promotion = readPromotion(view, config);
        if (!promotion.ok) {
            return promotion.findings;
        }
        const findings: Finding[] = checkStagingStack(view, promotion.value);
        const { upstream } = promotionSides(view);
        const running = runningRelease(upstream, promotion.value.stagingChanges, promoteCommand(upstream));
        if (running.runs) {
            const expected = resourcesAfter(running.entry);
            if (expected !== promotion.value.stagingResourceCount) {
                findings.push({
                    problem: `${upstream}'s state holds ${promotion.value.stagingResourceCount} resources, but its last release update (${running.entry.startTime}) left ${expected}: its state was changed outside an update (pulumi state delete, state edit or import)`,
                    fix: `redeploy ${upstream} (${promoteCommand(upstream)}) so its state is its release's again, then promote`,
                });
            }
        }
        return findings;
    },
});

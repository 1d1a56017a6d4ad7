import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { RELEASE_OUTPUT, ReleaseFacts, UPSTREAM_RELEASE_OUTPUT, UPSTREAM_STACK_OUTPUT, parseReleaseFacts } from "../contract/release-facts";
import { RELEASE_ENV, ReleaseIdentity } from "../contract/release-identity";
import { PromotionSides } from "../contract/desired-state/compare";
import { promoteCommand, promotionSides, readPromotion } from "../evidence";
import { describeSide, releaseDifferences } from "../release-fields";
import { Finding, stackPolicy, unreadable } from "../policy-kit";
import { StackView, namesStack } from "../stack-view";
import { GATED } from "../applicability";

/**
 * Policy 1: a prod update references the staging stack it is promoted from (a StackReference
 * whose `release` output prod carries), and that reference reads staging at the release being
 * deployed and claimed: the same version, commit and digest.
 *
 * Why both channels: the tooling's evidence (policy config) is written locally, so whoever runs
 * the preview can write it; the reference is the engine's own read of staging, which only the
 * program can misreport, and the program is the candidate's, which cannot write the evidence.
 * A release passes only when the two agree.
 */
export const prodReferencesStaging = stackPolicy<ReleaseGateConfig>({
    name: "prod-references-staging",
    description: "Prod must reference this project's staging stack and carry its release output, at the release (version, commit, digest) being deployed.",
    environments: GATED,
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps:
        "Set atlas:upstreamStack to the staging stack, export `upstreamStack` and `upstreamRelease` (staging's `release` read by a StackReference), deploy staging first.",
    check: (view, config) => {
        const upstreamStack = view.outputs[UPSTREAM_STACK_OUTPUT];
        const { target, upstream } = promotionSides(view);
        const expected = `<organization>/${view.project}/${upstream}`;
        if (typeof upstreamStack !== "string" || !namesStack(upstreamStack, { project: view.project, stack: upstream })) {
            const got = typeof upstreamStack === "string" ? `"${upstreamStack}"` : upstreamStack === undefined ? "missing" : "not a string";
            return [
                {
                    problem: `${target}'s \`${UPSTREAM_STACK_OUTPUT}\` output is ${got}; it must name this project's ${upstream} stack (${expected})`,
                    fix: `set atlas:upstreamStack in Pulumi.${target}.yaml to ${expected} and export it as \`${UPSTREAM_STACK_OUTPUT}\``,
                },
            ];
        }
        const promotion = readPromotion(view, config);
        if (!promotion.ok) {
            return promotion.findings;
        }
        const findings: Finding[] = [];
        if (promotion.value.stagingStack !== upstreamStack) {
            findings.push({
                problem: `${target}'s \`${UPSTREAM_STACK_OUTPUT}\` is "${upstreamStack}" but the release tooling read ${upstream} from "${promotion.value.stagingStack}"`,
                fix: `make atlas:upstreamStack in Pulumi.${target}.yaml name the stack the tooling promotes from`,
            });
        }
        return [...findings, ...checkUpstreamRelease(view, promotion.value.candidate)];
    },
});

function checkUpstreamRelease(view: StackView, candidate: ReleaseIdentity): Finding[] {
    const sides = promotionSides(view);
    const upstream = parseReleaseFacts(
        view.outputs[UPSTREAM_RELEASE_OUTPUT],
        `${sides.target}'s \`${UPSTREAM_RELEASE_OUTPUT}\` output (${sides.upstream}'s \`release\` as its StackReference read it)`,
    );
    if (!upstream.ok) {
        return unreadable(upstream.problems, `deploy the release to ${sides.upstream} first (${promoteCommand(sides.upstream)})`);
    }
    const { environment, project } = upstream.value;
    if (environment !== sides.upstream || project !== view.project) {
        return [
            {
                problem: `${sides.target}'s \`${UPSTREAM_RELEASE_OUTPUT}\` describes ${project}/${environment}, not ${view.project}/${sides.upstream}`,
                fix: `point atlas:upstreamStack at this project's ${sides.upstream} stack`,
            },
        ];
    }
    return [...checkDeployed(upstream.value, candidate, sides), ...checkClaimed(view, upstream.value, candidate, sides)];
}

/** The release being deployed (the tooling's evidence) must be the one the engine read from staging itself. */
function checkDeployed(upstream: ReleaseFacts, candidate: ReleaseIdentity, sides: PromotionSides): Finding[] {
    const differences = releaseDifferences(upstream, candidate);
    return differences.length === 0
        ? []
        : [
              {
                  problem: `${sides.target}'s StackReference reads ${sides.upstream}'s \`release\` at ${describeSide(differences, "left")}, but ${sides.target} deploys ${describeSide(differences, "right")}`,
                  fix: `deploy this release to ${sides.upstream} first (${promoteCommand(sides.upstream, candidate.version)}, from commit ${candidate.commit.slice(0, 12)}), or promote the release ${sides.upstream} runs (version ${upstream.version}); ${sides.target}'s evidence comes from \`${promoteCommand(sides.target)}\`, never from a policy config written by hand`,
              },
          ];
}

/**
 * The release prod's program reports (its `release` output, from what promote told it) must be what staging runs
 * too. Not repeated when the claim is the deployed release, whose difference checkDeployed already names.
 */
function checkClaimed(view: StackView, upstream: ReleaseFacts, candidate: ReleaseIdentity, sides: PromotionSides): Finding[] {
    const claim = parseReleaseFacts(view.outputs[RELEASE_OUTPUT], `${sides.target}'s \`${RELEASE_OUTPUT}\` output`);
    if (!claim.ok) {
        return unreadable(claim.problems, `export the release promote hands the program (${Object.values(RELEASE_ENV).join(", ")}) as \`${RELEASE_OUTPUT}\``);
    }
    const differences = releaseDifferences(claim.value, upstream);
    return differences.length === 0 || releaseDifferences(claim.value, candidate).length === 0
        ? []
        : [
              {
                  problem: `${sides.target}'s \`${RELEASE_OUTPUT}\` output claims ${describeSide(differences, "left")}, but its StackReference reads ${sides.upstream}'s \`release\` at ${describeSide(differences, "right")}: ${sides.target} would report a release ${sides.upstream} never ran`,
                  fix: `update ${sides.target} only through \`${promoteCommand(sides.target)}\`, which sets ${Object.values(RELEASE_ENV).join(", ")} to the release it deploys; do not set them by hand`,
              },
          ];
}

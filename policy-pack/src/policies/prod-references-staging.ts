import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { UPSTREAM_RELEASE_OUTPUT, UPSTREAM_STACK_OUTPUT, parseReleaseFacts } from "../contract/release-facts";
import { DEPLOY_STAGING_COMMAND, readPromotion } from "../evidence";
import { Finding, stackPolicy, unreadable } from "../policy-kit";
import { StackView, namesStack } from "../stack-view";
import { GATED } from "../applicability";

/**
 * Policy 1: a prod update references the staging stack it is promoted from (a StackReference
 * whose `release` output prod carries), and that reference reads staging at the release being
 * deployed. The reference is the program's statement; what staging runs is decided by the other
 * gate policies from the tooling's evidence.
 */
export const prodReferencesStaging = stackPolicy<ReleaseGateConfig>({
    name: "prod-references-staging",
    description: "Prod must reference this project's staging stack and carry its release output, at the release being deployed.",
    environments: GATED,
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps:
        "Set atlas:upstreamStack to the staging stack, export `upstreamStack` and `upstreamRelease` (staging's `release` read by a StackReference), deploy staging first.",
    check: (view, config) => {
        const upstreamStack = view.outputs[UPSTREAM_STACK_OUTPUT];
        const expected = `<organization>/${view.project}/staging`;
        if (typeof upstreamStack !== "string" || !namesStack(upstreamStack, { project: view.project, stack: "staging" })) {
            const got = typeof upstreamStack === "string" ? `"${upstreamStack}"` : upstreamStack === undefined ? "missing" : "not a string";
            return [
                {
                    problem: `prod's \`${UPSTREAM_STACK_OUTPUT}\` output is ${got}; it must name this project's staging stack (${expected})`,
                    fix: `set atlas:upstreamStack in Pulumi.prod.yaml to ${expected} and export it as \`${UPSTREAM_STACK_OUTPUT}\``,
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
                problem: `prod's \`${UPSTREAM_STACK_OUTPUT}\` is "${upstreamStack}" but the release tooling read staging from "${promotion.value.stagingStack}"`,
                fix: "make atlas:upstreamStack in Pulumi.prod.yaml name the stack the tooling promotes from",
            });
        }
        return [...findings, ...checkUpstreamRelease(view, promotion.value.candidate.commit)];
    },
});

function checkUpstreamRelease(view: StackView, commit: string): Finding[] {
    const upstream = parseReleaseFacts(
        view.outputs[UPSTREAM_RELEASE_OUTPUT],
        `prod's \`${UPSTREAM_RELEASE_OUTPUT}\` output (staging's \`release\` as its StackReference read it)`,
    );
    if (!upstream.ok) {
        return unreadable(upstream.problems, `deploy the release to staging first (${DEPLOY_STAGING_COMMAND})`);
    }
    const { environment, project } = upstream.value;
    if (environment !== "staging" || project !== view.project) {
        return [
            {
                problem: `prod's \`${UPSTREAM_RELEASE_OUTPUT}\` describes ${project}/${environment}, not ${view.project}/staging`,
                fix: "point atlas:upstreamStack at this project's staging stack",
            },
        ];
    }
    return upstream.value.commit === commit
        ? []
        : [
              {
                  problem: `prod's StackReference reads staging's \`release\` at commit ${upstream.value.commit?.slice(0, 12) ?? "(none recorded)"}, but prod deploys commit ${commit.slice(0, 12)}`,
                  fix: `deploy this commit to staging first (${DEPLOY_STAGING_COMMAND})`,
              },
          ];
}

import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { Finding, stackPolicy, unreadable } from "../policy-kit";
import { FIX_UPSTREAM, readClaimedStaging, readEvidence, readUpstreamStack } from "../release-sources";
import { StackView, namesStack } from "../stack-view";

/** Policy 1: a prod update must name the staging stack it was promoted from and carry its facts. */
export const prodReferencesStaging = stackPolicy<ReleaseGateConfig>({
    name: "prod-references-staging",
    description: "Prod must reference the configured staging stack and carry staging's release facts.",
    environments: ["prod"],
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps: "Set atlas:upstreamStack to the staging stack, export `upstreamStack` and `upstreamRelease` (staging's `release` read by a StackReference), deploy staging first.",
    check: (view, config) => [...checkUpstreamStack(view, config), ...checkUpstreamRelease(view)],
});

function checkUpstreamStack(view: StackView, config: ReleaseGateConfig): Finding[] {
    const upstreamStack = readUpstreamStack(view);
    const expected = `<organization>/${view.project}/staging`;
    if (typeof upstreamStack !== "string" || !namesStack(upstreamStack, { project: view.project, stack: "staging" })) {
        const got = typeof upstreamStack === "string" ? `"${upstreamStack}"` : upstreamStack === undefined ? "missing" : "not a string";
        return [{
            problem: `prod's \`upstreamStack\` output is ${got}; it must name this project's staging stack (${expected})`,
            fix: `set atlas:upstreamStack in Pulumi.prod.yaml to ${expected} and export it as \`upstreamStack\``,
        }];
    }
    const evidence = readEvidence(view, config);
    if (evidence === undefined) {
        return [];
    }
    if (!evidence.ok) {
        return unreadable(evidence.problems, "rerun the release tooling; do not edit its policy config by hand");
    }
    if (evidence.value.stagingStack !== upstreamStack) {
        return [{
            problem: `prod's \`upstreamStack\` is "${upstreamStack}" but the release tooling read staging from "${evidence.value.stagingStack}"`,
            fix: "make atlas:upstreamStack in Pulumi.prod.yaml name the stack the tooling promotes from",
        }];
    }
    return [];
}

function checkUpstreamRelease(view: StackView): Finding[] {
    const claimed = readClaimedStaging(view);
    if (!claimed.ok) {
        return unreadable(claimed.problems, FIX_UPSTREAM);
    }
    const { environment, project } = claimed.value;
    if (environment !== "staging" || project !== view.project) {
        return [{
            problem: `prod's \`upstreamRelease\` describes ${project}/${environment}, not ${view.project}/staging`,
            fix: "point atlas:upstreamStack at this project's staging stack",
        }];
    }
    return [];
}

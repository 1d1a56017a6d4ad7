import { canonicalJson } from "../contract/canonical";
import { ReleaseFacts } from "../contract/release-facts";
import { EVIDENCE_VERIFICATION_SCHEMA, EvidenceVerificationConfig } from "../config";
import { compareParityConfig, compareResourceSets, describeDifference } from "../parity";
import { stackPolicy, unreadable } from "../policy-kit";
import { FIX_UPSTREAM, PROMOTE_COMMAND, readClaimedStaging, readEvidence, readUpstreamStack } from "../release-sources";
import { StackView, namesStack } from "../stack-view";

const COMPARED_FIELDS = ["project", "stack", "environment", "version", "promotable", "configDigest", "resourcesDigest"] as const;

/**
 * Policy 4: editing the prod program alone cannot get a release past the gate. The release
 * tooling reads staging's facts from the staging stack and passes them as policy config; the
 * program's claims must agree with them, and (by default) a prod update without them is refused.
 */
export const stagingEvidenceVerified = stackPolicy<EvidenceVerificationConfig>({
    name: "staging-evidence-verified",
    description: "Prod's claims about staging must match the facts the release tooling read from the staging stack itself.",
    environments: ["prod"],
    configSchema: EVIDENCE_VERIFICATION_SCHEMA,
    remediationSteps: `Update prod only through \`${PROMOTE_COMMAND}\`, which reads staging's facts and passes them to this pack.`,
    check: (view, config) => {
        const evidence = readEvidence(view, config);
        if (evidence === undefined) {
            return config.requireVerifiedFacts === false
                ? []
                : [{
                    problem: "this prod update carries no staging facts verified by the release tooling (policy config stagingEvidence), so the program's claims about staging cannot be trusted",
                    fix: `run \`${PROMOTE_COMMAND}\` instead of \`pulumi up\``,
                }];
        }
        if (!evidence.ok) {
            return unreadable(evidence.problems, `rerun \`${PROMOTE_COMMAND}\`; do not edit its policy config by hand`);
        }
        const claimed = readClaimedStaging(view);
        if (!claimed.ok) {
            return unreadable(claimed.problems, FIX_UPSTREAM);
        }
        const verified = evidence.value.stagingRelease;
        const disagreements = [
            ...checkStagingStack(view, evidence.value.stagingStack, verified),
            ...fieldDisagreements(verified, claimed.value),
            ...compareParityConfig(verified.parityConfig, claimed.value.parityConfig).map(describeDifference),
            ...compareResourceSets(verified.resources, claimed.value.resources).map(describeDifference),
        ];
        const upstreamStack = readUpstreamStack(view);
        if (upstreamStack !== evidence.value.stagingStack) {
            disagreements.push(`\`upstreamStack\`: the tooling read "${evidence.value.stagingStack}", the program names ${typeof upstreamStack === "string" ? `"${upstreamStack}"` : "none"}`);
        }
        return disagreements.length === 0
            ? []
            : [{
                problem: `prod's \`upstreamRelease\` disagrees with the staging stack's own facts (read by the release tooling from ${evidence.value.stagingStack}):\n${disagreements.map((d) => `  - ${d}`).join("\n")}\n  ("staging" = read from the staging stack, "prod" = claimed by the prod program)`,
                fix: `do not edit \`upstreamRelease\` by hand; let the program read it through its StackReference and run \`${PROMOTE_COMMAND}\` again`,
            }];
    },
});

function checkStagingStack(view: StackView, stagingStack: string, verified: ReleaseFacts): string[] {
    return namesStack(stagingStack, { project: view.project, stack: "staging" }) && verified.environment === "staging"
        ? []
        : [`the tooling's facts come from ${stagingStack} (environment ${verified.environment}), not from this project's staging stack`];
}

function fieldDisagreements(verified: ReleaseFacts, claimed: ReleaseFacts): string[] {
    return COMPARED_FIELDS.filter((field) => canonicalJson(verified[field]) !== canonicalJson(claimed[field])).map(
        (field) => `${field}: staging ${canonicalJson(verified[field])}, prod ${canonicalJson(claimed[field])}`,
    );
}

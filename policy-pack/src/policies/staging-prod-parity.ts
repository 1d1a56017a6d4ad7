import { isTrackedType, resourceRole } from "../contract/release-facts";
import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { compareParityConfig, compareResourceSets, describeDifference, onlyInFirst } from "../parity";
import { Finding, stackPolicy } from "../policy-kit";
import { readProdAndStaging } from "../release-sources";
import { StackView } from "../stack-view";

/**
 * Policy 3: staging mirrors prod. Prod's side is the resources the engine actually sees, not
 * only what prod's `release` output claims; a disagreement between the two is refused too.
 */
export const stagingProdParity = stackPolicy<ReleaseGateConfig>({
    name: "staging-prod-parity",
    description: "Staging and prod must have the same resources and parity config; only environment-specific keys may differ.",
    environments: ["prod"],
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps: "Make the two stack configs equal in every key not listed in policy-pack/src/contract/environment-keys.ts, and deploy the same program to both.",
    check: (view, config) => {
        const read = readProdAndStaging(view, config);
        if (!read.ok) {
            return read.findings;
        }
        const { prod, staging } = read;
        const actual = actualResources(view);
        const findings: Finding[] = [];
        const unclaimed = onlyInFirst(actual, prod.resources);
        const phantom = onlyInFirst(prod.resources, actual);
        if (unclaimed.length > 0 || phantom.length > 0) {
            findings.push({
                problem: `prod's \`release\` output disagrees with the resources the engine sees: ${[
                    ...unclaimed.map((role) => `${role} exists but is not listed`),
                    ...phantom.map((role) => `${role} is listed but does not exist`),
                ].join("; ")}`,
                fix: "build `release.resources` from the program's registered resources (src/release/) instead of a hand-kept list",
            });
        }
        const differences = [
            ...compareParityConfig(staging.facts.parityConfig, prod.parityConfig),
            ...compareResourceSets(staging.facts.resources, actual),
        ];
        if (differences.length > 0) {
            findings.push({
                problem: `staging (release ${staging.facts.version}) and prod differ in ${differences.length} place(s):\n${differences.map((d) => `  - ${describeDifference(d)}`).join("\n")}`,
                fix: "make Pulumi.prod.yaml equal Pulumi.staging.yaml in these keys (or add a key to ENVIRONMENT_SPECIFIC_KEYS if it truly must differ, see README), redeploy staging, then promote",
            });
        }
        return findings;
    },
});

/** Prod's own resource set, from the engine's view of the stack. */
function actualResources(view: StackView): string[] {
    return [...new Set(view.resources.filter((r) => isTrackedType(r.type)).map((r) => resourceRole(r.type, r.name)))].sort();
}

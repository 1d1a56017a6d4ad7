import { RELEASE_GATE_SCHEMA, ReleaseGateConfig } from "../config";
import { Finding, stackPolicy } from "../policy-kit";
import { PROMOTE_COMMAND, readProdAndStaging } from "../release-sources";

/** Policy 2: prod gets only the release that staging last deployed successfully. */
export const prodVersionMatchesStaging = stackPolicy<ReleaseGateConfig>({
    name: "prod-version-matches-staging",
    description: "Prod may only deploy the release version that staging's last successful update deployed.",
    environments: ["prod"],
    configSchema: RELEASE_GATE_SCHEMA,
    remediationSteps: `Deploy this release version to staging (it must succeed), then run \`${PROMOTE_COMMAND}\` with the same version.`,
    check: (view, config) => {
        const read = readProdAndStaging(view, config);
        if (!read.ok) {
            return read.findings;
        }
        const { prod, staging } = read;
        const version = prod.version;
        const findings: Finding[] = [];
        if (staging.facts.version !== version) {
            findings.push({
                problem: `prod would deploy release ${version} but staging is at release ${staging.facts.version}`,
                fix: `deploy ${version} to staging first, or promote ${staging.facts.version}`,
            });
        }
        if (!staging.facts.promotable) {
            findings.push({ problem: `staging's release ${staging.facts.version} is not promotable (a local or dirty build)`, fix: "deploy a CI-built release from a clean tree to staging" });
        }
        if (!prod.promotable) {
            findings.push({ problem: `prod's release ${version} is not promotable (a local or dirty build)`, fix: `run \`${PROMOTE_COMMAND}\` from CI with a CI-assigned version` });
        }
        const lastUpdate = staging.evidence?.stagingLastUpdate;
        if (lastUpdate && lastUpdate.result !== "succeeded") {
            findings.push({
                problem: `staging's last update (#${lastUpdate.updateVersion}, release ${lastUpdate.releaseVersion}) ${lastUpdate.result === "failed" ? "failed" : "has not finished"}, so staging is not known to run any release`,
                fix: "rerun the staging update until it succeeds, then promote",
            });
        } else if (lastUpdate && lastUpdate.releaseVersion !== version) {
            findings.push({
                problem: `staging's last successful update (#${lastUpdate.updateVersion}) deployed release ${lastUpdate.releaseVersion}, not ${version}`,
                fix: `deploy ${version} to staging first, or promote ${lastUpdate.releaseVersion}`,
            });
        }
        return findings;
    },
});

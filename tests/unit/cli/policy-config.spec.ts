/**
 * The policy config promote hands the pack (cli/lib/gate/policy-config.ts): every environment's
 * identity for the guardrails, and for a gated promotion the evidence under the gate policies.
 */
import { strict as assert } from "assert";
import { policyConfigFor } from "../../../cli/lib/gate/policy-config";
import { EnvironmentFacts } from "../../../cli/lib/stacks/stack-file-config";
import { CONSUMER, DEVELOPER, ENVIRONMENTS_CONFIG, promotion, stagingState } from "../../../policy-pack/tests/fixtures";

const ENVIRONMENTS: EnvironmentFacts = { addresses: ENVIRONMENTS_CONFIG.environments, developerPrincipals: [DEVELOPER], consumerPrincipals: [CONSUMER] };
const GUARDRAIL_BLOCKS = {
    "no-cross-environment-references": { environments: ENVIRONMENTS_CONFIG.environments },
    "no-developer-access": { developerPrincipals: [DEVELOPER] },
    "consumer-access-prod-only": { consumerPrincipals: [CONSUMER] },
};

describe("promote's policy config", () => {
    it("gives the guardrails every environment's identity, and no gate evidence for an ungated promotion", () => {
        assert.deepEqual(policyConfigFor({ environments: ENVIRONMENTS }), GUARDRAIL_BLOCKS);
    });

    it("adds the evidence under the gate policies for a gated promotion: promotion everywhere, staging's state under parity only", () => {
        const evidence = { promotion: promotion(), stagingState: stagingState() };
        const config = policyConfigFor({ environments: ENVIRONMENTS, evidence }) as Record<string, Record<string, unknown>>;
        assert.deepEqual(Object.keys(config).sort(), [
            "consumer-access-prod-only",
            "no-cross-environment-references",
            "no-developer-access",
            "prod-references-staging",
            "prod-release-matches-staging",
            "staging-evidence-verified",
            "staging-prod-parity",
            "staging-prod-parity-at-step",
            "staging-prod-parity-coverage",
        ]);
        for (const policy of ["prod-references-staging", "prod-release-matches-staging", "staging-evidence-verified", "staging-prod-parity-coverage"]) {
            assert.deepEqual(config[policy], { promotion: evidence.promotion }, policy);
        }
        for (const policy of ["staging-prod-parity", "staging-prod-parity-at-step"]) {
            assert.deepEqual(config[policy], { promotion: evidence.promotion, stagingState: evidence.stagingState }, policy);
        }
    });

    it("keeps overrides: levels become blocks beside the fields promote adds, other policies stay as given", () => {
        const config = policyConfigFor({
            environments: ENVIRONMENTS,
            evidence: { promotion: promotion(), stagingState: stagingState() },
            overrides: { "no-developer-access": "advisory", "prod-release-matches-staging": "advisory", "dev-cost-guardrails": { maxGlueWorkers: 4 } },
        }) as Record<string, Record<string, unknown>>;
        assert.deepEqual(config["no-developer-access"], { enforcementLevel: "advisory", developerPrincipals: [DEVELOPER] });
        assert.equal(config["prod-release-matches-staging"].enforcementLevel, "advisory");
        assert.ok(config["prod-release-matches-staging"].promotion);
        assert.deepEqual(config["dev-cost-guardrails"], { maxGlueWorkers: 4 });
    });

    it("does not let an override replace the evidence promote read", () => {
        const evidence = { promotion: promotion(), stagingState: stagingState() };
        const config = policyConfigFor({
            environments: ENVIRONMENTS,
            evidence,
            overrides: { "staging-prod-parity": { promotion: { forged: true } } },
        }) as Record<string, Record<string, unknown>>;
        assert.deepEqual(config["staging-prod-parity"].promotion, evidence.promotion);
    });
});

/**
 * Policy config (src/config.ts) and enforcement levels (src/enforcement.ts): where the release
 * tooling's evidence goes, which config lowers the gate, and the evidence format's parsers.
 */
import * as assert from "assert";
import {
    PARITY_POLICIES,
    PARITY_SCHEMA,
    RELEASE_GATE_POLICIES,
    RELEASE_GATE_SCHEMA,
    buildPromotionConfig,
    loweredGatePolicies,
    unknownConfigKeys,
    withPolicyFields,
} from "../src/config";
import { EVIDENCE_FORMAT, parsePromotionEvidence, parseStagingState } from "../src/contract/promotion-evidence";
import { ENFORCEMENT_LEVELS } from "../src/enforcement";
import { ALL_POLICIES, STACK_POLICIES } from "../src/policies";
import { promotion, stagingResources, stagingState } from "./fixtures";

describe("policy config", () => {
    describe("buildPromotionConfig", () => {
        const evidence = promotion();
        const state = stagingState();

        it("puts `promotion` under every gate policy and the coverage note, and `stagingState` under the parity policies only", () => {
            const config = buildPromotionConfig(evidence, state) as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(Object.keys(config).sort(), [
                "prod-references-staging",
                "prod-release-matches-staging",
                "staging-evidence-verified",
                "staging-prod-parity",
                "staging-prod-parity-at-step",
                "staging-prod-parity-coverage",
            ]);
            for (const policy of Object.keys(config)) {
                assert.strictEqual(config[policy].promotion, evidence, policy);
                assert.strictEqual("stagingState" in config[policy], (PARITY_POLICIES as readonly string[]).includes(policy), policy);
            }
            assert.strictEqual(config["staging-prod-parity"].stagingState, state);
        });

        it("keeps what the extra config holds: a bare level becomes a block, other fields and policies stay", () => {
            const config = buildPromotionConfig(evidence, state, {
                "prod-release-matches-staging": "advisory",
                "staging-prod-parity": { enforcementLevel: "mandatory" },
                "no-cross-environment-references": { environments: {} },
            }) as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(config["prod-release-matches-staging"], { enforcementLevel: "advisory", promotion: evidence });
            assert.deepStrictEqual(config["staging-prod-parity"], { enforcementLevel: "mandatory", promotion: evidence, stagingState: state });
            assert.deepStrictEqual(config["no-cross-environment-references"], { environments: {} });
        });

        it("declares `promotion` (and for parity `stagingState`) in the policies' schemas, so the engine passes them on", () => {
            assert.deepStrictEqual(Object.keys(RELEASE_GATE_SCHEMA.properties ?? {}), ["promotion"]);
            assert.deepStrictEqual(Object.keys(PARITY_SCHEMA.properties ?? {}), ["promotion", "stagingState"]);
            for (const policy of STACK_POLICIES.filter(
                (p) => (RELEASE_GATE_POLICIES as readonly string[]).includes(p.name) || (PARITY_POLICIES as readonly string[]).includes(p.name),
            )) {
                assert.ok(policy.configSchema?.properties?.promotion, policy.name);
            }
        });
    });

    it("withPolicyFields adds fields without dropping the block's own, and does not change its input", () => {
        const given = { "no-developer-access": { developerPrincipals: ["a"] } };
        const config = withPolicyFields(given, "no-developer-access", { enforcementLevel: "advisory" });
        assert.deepStrictEqual(config, { "no-developer-access": { developerPrincipals: ["a"], enforcementLevel: "advisory" } });
        assert.deepStrictEqual(given, { "no-developer-access": { developerPrincipals: ["a"] } });
    });

    describe("loweredGatePolicies", () => {
        it("lists the gate policies a config sets below mandatory, as a bare level or in a block", () => {
            assert.deepStrictEqual(
                loweredGatePolicies({ "prod-release-matches-staging": "advisory", "staging-prod-parity": { enforcementLevel: "disabled" } }),
                ["prod-release-matches-staging", "staging-prod-parity"],
            );
        });

        it("counts `all` for every gate policy that does not set its own level", () => {
            assert.deepStrictEqual(loweredGatePolicies({ all: "advisory", "prod-references-staging": "mandatory" }), [
                "prod-release-matches-staging",
                "staging-prod-parity",
                "staging-prod-parity-at-step",
                "staging-prod-parity-inputs",
                "staging-evidence-verified",
            ]);
            assert.deepStrictEqual(loweredGatePolicies({ all: { enforcementLevel: "remediate" } }), [...RELEASE_GATE_POLICIES]);
        });

        it("lists nothing for mandatory levels, levels of other policies, or blocks without a level", () => {
            assert.deepStrictEqual(
                loweredGatePolicies({
                    all: "mandatory",
                    "dev-cost-guardrails": "disabled",
                    "staging-prod-parity-coverage": "disabled",
                    "staging-prod-parity": { promotion: {} },
                }),
                [],
            );
            assert.deepStrictEqual(loweredGatePolicies({}), []);
        });
    });

    it("names unknown top-level keys of a block, sorted", () => {
        assert.deepStrictEqual(unknownConfigKeys({ stagingState: 1, promotion: 1, zeta: 1, alpha: 1 }, RELEASE_GATE_SCHEMA), ["alpha", "stagingState", "zeta"]);
        assert.deepStrictEqual(unknownConfigKeys({ anything: 1 }, undefined), ["anything"]);
    });

    it("keeps the release gate mandatory and only the coverage note and cost caps advisory by default", () => {
        for (const policy of RELEASE_GATE_POLICIES) {
            assert.strictEqual(ENFORCEMENT_LEVELS[policy], "mandatory", policy);
        }
        assert.deepStrictEqual(
            Object.entries(ENFORCEMENT_LEVELS)
                .filter(([, level]) => level !== "mandatory")
                .map(([name]) => name)
                .sort(),
            ["dev-cost-guardrails", "staging-prod-parity-coverage"],
        );
        for (const policy of ALL_POLICIES) {
            assert.strictEqual(policy.enforcementLevel, ENFORCEMENT_LEVELS[policy.name as keyof typeof ENFORCEMENT_LEVELS], policy.name);
        }
        assert.deepStrictEqual(ALL_POLICIES.map((p) => p.name).sort(), Object.keys(ENFORCEMENT_LEVELS).sort());
    });
});

describe("promotion evidence format", () => {
    it("accepts the evidence promote builds", () => {
        const evidence = promotion();
        assert.deepStrictEqual(parsePromotionEvidence(evidence, "promotion"), { ok: true, value: evidence });
        assert.strictEqual(promotion().format, EVIDENCE_FORMAT);
        assert.ok(parseStagingState(stagingState(), "stagingState").ok);
    });

    it("refuses a staging state whose resources lack a field parity reads", () => {
        for (const field of ["urn", "type", "inputs", "dependencies", "propertyDependencies", "protect"]) {
            const [first, ...rest] = stagingResources();
            const { [field as keyof typeof first]: _dropped, ...broken } = first;
            const parsed = parseStagingState(stagingState([broken as typeof first, ...rest]), "stagingState");
            assert.ok(!parsed.ok && /stagingState\.resources should be a list of/.test(parsed.problems[0]), field);
        }
        const withBadComputed = stagingState([{ ...stagingResources()[0], computed: [] as unknown as Record<string, unknown> }]);
        assert.ok(!parseStagingState(withBadComputed, "stagingState").ok, "computed must be a map when present");
    });

    it("refuses a staging state that is not a map", () => {
        const parsed = parseStagingState("staging", "stagingState");
        assert.ok(!parsed.ok);
        assert.strictEqual(parsed.problems.length, 2);
    });
});

/**
 * The environment model (policy-pack/src/contract/environments.ts) is the one place environments are written: a
 * model with one more entry (a second prod region promoted from staging) changes every derived list, and a model
 * that cannot work is refused with what is wrong.
 */
import { strict as assert } from "assert";
import {
    ENVIRONMENT_MODEL,
    ENVIRONMENTS,
    EnvironmentModel,
    EnvironmentSpec,
    UPSTREAM_OF,
    describeStackNames,
    environmentNames,
    environmentNameShape,
    environmentOfStack,
    environmentsDenying,
    environmentsGranting,
    environmentsProtectingState,
    environmentsWithGuardrail,
    gatedEnvironments,
    modelProblems,
    prefixNamesEnvironment,
    upstreamOf,
} from "../../policy-pack/src/contract";
import { CONFIG_KEYS } from "../../src/config/schema";

const PROD_US: EnvironmentSpec = {
    name: "prod-us",
    purpose: "prod's second region",
    promotedFrom: "staging",
    extraStacks: [],
    audiences: ["consumers"],
    protectsState: true,
    guardrails: [],
};
const WITH_PROD_US: EnvironmentModel = [...ENVIRONMENT_MODEL, PROD_US];

describe("the environment model", () => {
    it("is sound, and everything written about environments elsewhere is derived from it", () => {
        assert.deepEqual(modelProblems(ENVIRONMENT_MODEL), []);
        assert.deepEqual(ENVIRONMENTS, ["dev", "staging", "prod"]);
        assert.deepEqual(CONFIG_KEYS.environment.enum, ENVIRONMENTS, "atlas:environment accepts exactly the model's environments");
        assert.deepEqual(UPSTREAM_OF, { prod: "staging" });
    });

    it("follows one more entry in every derived list (a second prod region promoted from staging)", () => {
        assert.deepEqual(environmentNames(WITH_PROD_US), ["dev", "staging", "prod", "prod-us"]);
        assert.deepEqual(gatedEnvironments(WITH_PROD_US), ["prod", "prod-us"], "the release gate and parity apply to it");
        assert.equal(upstreamOf("prod-us", WITH_PROD_US), "staging");
        assert.deepEqual(environmentsGranting("consumers", WITH_PROD_US), ["prod", "prod-us"]);
        assert.deepEqual(environmentsDenying("developers", WITH_PROD_US), ["staging", "prod", "prod-us"], "no developer access");
        assert.deepEqual(environmentsProtectingState(WITH_PROD_US), ["staging", "prod", "prod-us"]);
        assert.deepEqual(environmentsWithGuardrail("cost-limits", WITH_PROD_US), ["dev"]);
        assert.equal(environmentOfStack("prod-us", WITH_PROD_US)?.name, "prod-us");
        assert.equal(environmentOfStack("prod-us", ENVIRONMENT_MODEL), undefined, "unknown to the model without the entry");
        assert.match(describeStackNames(WITH_PROD_US), /; prod; prod-us$/);
        assert.deepEqual(modelProblems(WITH_PROD_US), []);
        const shape = environmentNameShape(WITH_PROD_US);
        assert.equal(shape.pattern.test("prod-us"), true, "parity takes atlas:environment: prod-us as an environment's name");
        assert.equal(environmentNameShape(ENVIRONMENT_MODEL).pattern.test("prod-us"), false);
        assert.equal(shape.description, "dev, staging, prod or prod-us");
    });

    it("reads a name prefix as naming an environment when the environment's whole name stands between dashes (names may hold dashes)", () => {
        assert.equal(prefixNamesEnvironment("atlas-us-prod-us", "prod-us"), true);
        assert.equal(prefixNamesEnvironment("prod-us-atlas", "prod-us"), true, "at the start");
        assert.equal(prefixNamesEnvironment("atlas-prod", "prod"), true, "at the end");
        assert.equal(prefixNamesEnvironment("atlas-prod-us", "prod"), true, "prod's words are in it, so it names prod too");
        assert.equal(prefixNamesEnvironment("atlas-prod2", "prod"), false);
        assert.equal(prefixNamesEnvironment("atlas-us-prod-usa", "prod-us"), false, "a longer word is another name");
        assert.equal(prefixNamesEnvironment("atlas-us-prod", "prod-us"), false);
    });

    it("places developer and review stacks in dev, and nothing else that merely looks like an environment", () => {
        const placed = (stack: string) => environmentOfStack(stack, ENVIRONMENT_MODEL)?.name;
        assert.deepEqual(["dev", "dev-alice", "dev-a1", "pr-7", "pr-123456789"].map(placed), ["dev", "dev", "dev", "dev", "dev"]);
        assert.deepEqual(["staging", "prod"].map(placed), ["staging", "prod"]);
        for (const stack of [
            "staging-2",
            "prod2",
            "dev-prod",
            "dev-staging",
            "dev-Alice",
            "dev-",
            "dev-1a",
            "pr-0",
            "pr-07",
            "pr-x",
            "qa",
            "dev-abcdefghijklmnop",
        ]) {
            assert.equal(placed(stack), undefined, stack);
        }
    });

    it("refuses a model that cannot work, saying what is wrong", () => {
        assert.deepEqual(modelProblems([...ENVIRONMENT_MODEL, { ...PROD_US, promotedFrom: "qa" }]), [
            'environment "prod-us" is promoted from "qa", which is not an environment defined before it',
        ]);
        assert.deepEqual(modelProblems([...ENVIRONMENT_MODEL, { ...PROD_US, name: "prod" }]), ['environment "prod" is defined twice']);
        assert.deepEqual(modelProblems([...ENVIRONMENT_MODEL, { ...PROD_US, name: "pr-1" }]), [
            "a pull request's review stack (pr-…) could take the name of pr-1",
        ]);
    });
});

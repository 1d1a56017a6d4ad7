/**
 * staging-prod-parity-at-step: each prod resource, as its Analyze call passes it before its step,
 * against staging's checkpoint for it. The engine-level behaviour (an update stops there) is
 * pinned in tests/engine/gate-attacks.spec.ts.
 */
import * as assert from "assert";
import { stagingProdParityAtStep } from "../src/policies/staging-prod-parity-at-step";
import { blockFor, compliantStack, withProps, withResource } from "./fixtures";
import { ResourceSpec, UNKNOWN_STRING, runResourcePolicy } from "./helpers";

const prod = compliantStack("prod");
const AT_STEP = blockFor(stagingProdParityAtStep.name);
const messages = (stack: ResourceSpec[], environment: "dev" | "staging" | "prod" = "prod", config: object = AT_STEP) =>
    runResourcePolicy(stagingProdParityAtStep, environment, stack, config);

describe("staging-prod-parity-at-step", () => {
    it("passes every resource of prod's compliant plan: environment-specific values, account ids and generated identifiers set aside", async () => {
        assert.deepStrictEqual(await messages(prod), []);
    });

    it("refuses a prod-only setting at its resource, in staging-prod-parity's words", async () => {
        const found = await messages(withProps(prod, "etl", { numberOfWorkers: 8 }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /^Refused for stack "prod": prod differs from what staging runs in 1 place\(s\) \(environment-specific values set aside\), found before this resource's step:\n {2}- aws:glue\/job:Job "etl" numberOfWorkers: staging 4, prod 8\.\n/,
        );
        assert.match(found[0], /To fix: .*an update refused here applied only the steps before this resource/);
    });

    it("refuses a resource staging does not run, unless its environment calls for it", async () => {
        const extra: ResourceSpec = { ...prod.find((spec) => spec.name === "etl")!, name: "etl-shadow" };
        const found = await messages([...prod, extra]);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /aws:glue\/job:Job "etl-shadow" \(resource\): staging \(absent\), prod present/);
    });

    it("refuses a prod-only protect flag", async () => {
        const found = await messages(withResource(prod, "etl", (spec) => ({ ...spec, protect: !spec.protect })));
        assert.match(found.join("\n"), /"etl" \(protect\): staging (true|false), prod (true|false)/);
    });

    it("leaves a value unknown at preview to the stack policy (compared there by the resources it is computed from)", async () => {
        assert.deepStrictEqual(await messages(withProps(prod, "etl", { numberOfWorkers: UNKNOWN_STRING })), []);
    });

    it("applies to prod only", async () => {
        assert.deepStrictEqual(await messages(withProps(compliantStack("staging"), "etl", { numberOfWorkers: 99 }), "staging"), []);
    });

    it("refuses once, naming the missing evidence, when prod is updated without promote's policy config", async () => {
        const found = await messages(prod, "prod", {});
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /carries no evidence from the release tooling[\s\S]*To fix: run `npm run promote -- --stack prod --version <release>` instead of `pulumi up`/,
        );
    });
});

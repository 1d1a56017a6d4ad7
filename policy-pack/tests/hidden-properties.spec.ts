/**
 * Properties named __proto__: CrossGuard never shows them to a policy, so the release tooling finds them itself
 * (contract/desired-state/hidden-properties.ts) in the preview's steps and prod's state and refuses them.
 */
import * as assert from "assert";
import { serializeProperty } from "@pulumi/pulumi/runtime/rpc";
import { hiddenPropertiesOf } from "../src/contract/desired-state/hidden-properties";
import { stagingProdParityAtStep } from "../src/policies/staging-prod-parity-at-step";
import { blockFor, compliantStack, withResource } from "./fixtures";
import { runResourcePolicy, SECRET_SIG, SIG } from "./helpers";

/** As JSON.parse (and a step event, and a checkpoint) make it: an own property named __proto__. */
const withProtoKey = (value: object, inner: unknown) => JSON.parse(JSON.stringify(value).replace(/^\{/, `{"__proto__":${JSON.stringify(inner)},`));

describe("properties named __proto__", () => {
    it("never reach a policy: CrossGuard's deserializer makes the key a prototype (so parity cannot judge it)", async () => {
        const prod = withResource(compliantStack("prod"), "etl", (spec) => ({
            ...spec,
            props: { ...spec.props, defaultArguments: withProtoKey(spec.props!.defaultArguments as object, { "--mode": "prod-only" }) },
        }));
        assert.deepStrictEqual(await runResourcePolicy(stagingProdParityAtStep, "prod", prod, blockFor(stagingProdParityAtStep.name)), []);
    });

    it("never leave a Node program: the SDK's serializer drops the key the same way (another language's program can send one)", async () => {
        const serialized = (await serializeProperty("test", withProtoKey({ a: 1 }, { b: 2 }), new Set())) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(serialized), ["a"]);
    });

    it("are found in a step's or a checkpoint's inputs, at any depth, with their paths", () => {
        const inputs = { name: "atlas-prod-etl", defaultArguments: withProtoKey({ "--mode": "full" }, "x"), list: [{ ok: 1 }, withProtoKey({ ok: 2 }, 3)] };
        assert.deepStrictEqual(hiddenPropertiesOf([{ urn: "urn:pulumi:prod::atlas::aws:glue/job:Job::etl", type: "aws:glue/job:Job", inputs }]), [
            { resource: 'aws:glue/job:Job "etl"', path: 'defaultArguments["__proto__"]' },
            { resource: 'aws:glue/job:Job "etl"', path: 'list[1]["__proto__"]' },
        ]);
    });

    it("are found inside a secret whose plain text the state holds (prod's state, exported with --show-secrets)", () => {
        const plaintext = '{"--mode":"full","__proto__":{"x":1}}';
        const inputs = { defaultArguments: { [SIG]: SECRET_SIG, plaintext }, other: { [SIG]: SECRET_SIG, ciphertext: "v1:abc" } };
        assert.deepStrictEqual(hiddenPropertiesOf([{ urn: "urn:pulumi:prod::atlas::aws:glue/job:Job::etl", type: "aws:glue/job:Job", inputs }]), [
            { resource: 'aws:glue/job:Job "etl"', path: 'defaultArguments["__proto__"]' },
        ]);
    });

    it("are nowhere in ordinary inputs (a key merely containing the name is an ordinary key)", () => {
        const inputs = { tags: { __proto__x: "a", Name: "etl" }, defaultArguments: { "--mode": "full" } };
        assert.deepStrictEqual(
            hiddenPropertiesOf([
                { urn: "urn:pulumi:prod::atlas::aws:glue/job:Job::etl", type: "aws:glue/job:Job", inputs },
                { urn: "u", type: "t" },
            ]),
            [],
        );
    });
});

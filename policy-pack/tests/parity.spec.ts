import * as assert from "assert";
import * as fc from "fast-check";
import { ENVIRONMENT_SPECIFIC_KEYS, isEnvironmentSpecificKey, isEnvironmentSpecificRole } from "../src/contract/environment-keys";
import { ParityValue } from "../src/contract/release-facts";
import { ComparedFacts, ParityDifference, compareReleases } from "../src/parity";

const parityKey = fc.stringMatching(/^[a-z][A-Za-z]{0,11}$/).filter((key) => !isEnvironmentSpecificKey(key));
const value: fc.Arbitrary<ParityValue> = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
const logicalName = fc.stringMatching(/^[a-z][a-z-]{0,10}$/).filter((name) => !isEnvironmentSpecificRole(name));
const role = fc.tuple(fc.constantFrom("aws:s3/bucketV2:BucketV2", "aws:glue/job:Job", "atlas:storage:Storage"), logicalName).map(([type, name]) => `${type}::${name}`);
const facts: fc.Arbitrary<ComparedFacts> = fc.record({
    version: fc.constantFrom("1.0.0", "1.1.0"),
    parityConfig: fc.dictionary(parityKey, value, { maxKeys: 6 }),
    resources: fc.uniqueArray(role, { maxLength: 6 }),
});

const swapSides = (d: ParityDifference): ParityDifference => ({ ...d, staging: d.prod, prod: d.staging });
const byKey = (a: ParityDifference, b: ParityDifference) => `${a.kind}${a.key}`.localeCompare(`${b.kind}${b.key}`);

describe("parity comparison (property-based)", () => {
    it("is symmetric: swapping staging and prod swaps the sides of every difference", () => {
        fc.assert(fc.property(facts, facts, (a, b) => {
            assert.deepStrictEqual(compareReleases(b, a).map(swapSides).sort(byKey), compareReleases(a, b).sort(byKey));
        }));
    });

    it("finds nothing between equal facts, however their resources and keys are ordered", () => {
        const withShuffled = facts.chain((a) =>
            fc.tuple(
                fc.constant(a),
                fc.shuffledSubarray(a.resources, { minLength: a.resources.length }),
                fc.shuffledSubarray(Object.entries(a.parityConfig), { minLength: Object.keys(a.parityConfig).length }),
            ),
        );
        fc.assert(fc.property(withShuffled, ([a, resources, entries]) => {
            assert.deepStrictEqual(compareReleases(a, { ...a, resources, parityConfig: Object.fromEntries(entries) }), []);
        }));
    });

    it("ignores exactly the environment-specific keys and roles", () => {
        fc.assert(fc.property(facts, fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS), value, fc.constantFrom("developer-role", "consumer-read", "qa-x", "oncall-topic", "consumer-role"), (a, key, v, name) => {
            const prod = { ...a, parityConfig: { ...a.parityConfig, [key]: v }, resources: [...a.resources, `aws:iam/role:Role::${name}`] };
            assert.deepStrictEqual(compareReleases(a, prod), []);
        }));
    });

    it("detects any change of any other key, naming it once", () => {
        fc.assert(fc.property(facts, parityKey, value, (a, key, v) => {
            fc.pre(JSON.stringify(a.parityConfig[key]) !== JSON.stringify(v));
            const differences = compareReleases(a, { ...a, parityConfig: { ...a.parityConfig, [key]: v } });
            assert.deepStrictEqual(differences.map((d) => `${d.kind}:${d.key}`), [`config:${key}`]);
        }));
    });

    it("detects any added or removed resource that is not environment-specific", () => {
        fc.assert(fc.property(facts, role, (a, extra) => {
            fc.pre(!a.resources.includes(extra));
            const differences = compareReleases(a, { ...a, resources: [...a.resources, extra] });
            assert.deepStrictEqual(differences, [{ kind: "resource", key: extra, staging: "(absent)", prod: "present" }]);
        }));
    });
});

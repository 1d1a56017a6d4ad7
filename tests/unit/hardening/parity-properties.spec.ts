/**
 * Property-based tests of the staging/prod comparison (policy-pack/src/parity.ts), filling what
 * policy-pack/tests/parity.spec.ts leaves open: order and duplicates never change a result that
 * has differences; a key or role is ignored exactly when the allowed lists say so, whatever its
 * spelling; removals are found like additions; environment-specific changes never mask another
 * difference; and a secret's plain value never reaches a printed difference.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { secretStandIn } from "../../../policy-pack/src/contract/canonical";
import { ENVIRONMENT_SPECIFIC_KEYS, isEnvironmentSpecificKey, isEnvironmentSpecificRole } from "../../../policy-pack/src/contract/environment-keys";
import { ParityValue } from "../../../policy-pack/src/contract/release-facts";
import { ComparedFacts, compareParityConfig, compareReleases, compareResourceSets, describeDifference, ParityDifference } from "../../../policy-pack/src/parity";

const TYPES = ["aws:s3/bucket:Bucket", "aws:glue/job:Job", "aws:iam/role:Role", "atlas:storage:Storage"];
const value: fc.Arbitrary<ParityValue> = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
/** Any key spelling, environment-specific or not, namespaced or not. */
const anyKey = fc.oneof(
    fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS),
    fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS).map((key) => `atlas:${key}`),
    fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS).map((key) => key.toUpperCase()),
    fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS).map((key) => `${key}Extra`),
    fc.stringMatching(/^[a-z][A-Za-z]{0,11}$/),
);
const parityKey = fc.stringMatching(/^[a-z][A-Za-z]{0,11}$/).filter((key) => !isEnvironmentSpecificKey(key));
/** Any logical name, including the allowed role prefixes and near misses of them. */
const anyName = fc.oneof(
    fc.tuple(fc.constantFrom("developer", "qa", "consumer", "oncall", "upstream"), fc.constantFrom("-", "", "_", "s-"), fc.stringMatching(/^[a-z]{0,6}$/)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.stringMatching(/^[a-z][a-z-]{0,10}$/),
);
const role = fc.tuple(fc.constantFrom(...TYPES), anyName).map(([type, name]) => `${type}::${name}`);
const parityRole = role.filter((r) => !isEnvironmentSpecificRole(r.slice(r.lastIndexOf("::") + 2)));
const facts: fc.Arbitrary<ComparedFacts> = fc.record({
    version: fc.constantFrom("1.0.0", "1.1.0"),
    parityConfig: fc.dictionary(anyKey, value, { maxKeys: 8 }),
    resources: fc.uniqueArray(role, { maxLength: 8 }),
});

/** The allowed lists, restated independently of the code under test. */
const allowedKey = (key: string) => ENVIRONMENT_SPECIFIC_KEYS.includes(key.replace(/^atlas:/, ""));
const allowedName = (name: string) => /^(developer|qa|consumer|oncall)-/.test(name);

const sorted = (differences: ParityDifference[]) => [...differences].sort((a, b) => `${a.kind}${a.key}`.localeCompare(`${b.kind}${b.key}`));

function shuffledFacts(a: ComparedFacts): fc.Arbitrary<ComparedFacts> {
    return fc
        .tuple(fc.shuffledSubarray(a.resources, { minLength: a.resources.length }), fc.shuffledSubarray(Object.entries(a.parityConfig), { minLength: Object.keys(a.parityConfig).length }))
        .map(([resources, entries]) => ({ ...a, resources, parityConfig: Object.fromEntries(entries) }));
}

describe("parity comparison (property-based, hardening)", () => {
    it("gives the same differences, in the same order, however both sides' keys and resources are ordered", () => {
        const pair = fc.tuple(facts, facts).chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), shuffledFacts(a), shuffledFacts(b)));
        fc.assert(fc.property(pair, ([a, b, a2, b2]) => {
            assert.deepEqual(compareReleases(a2, b2), compareReleases(a, b));
        }));
    });

    it("is symmetric in its keys: swapping the sides gives the same keys with the values swapped", () => {
        fc.assert(fc.property(facts, facts, (a, b) => {
            const forward = sorted(compareReleases(a, b));
            const backward = sorted(compareReleases(b, a));
            assert.deepEqual(backward.map((d) => d.key), forward.map((d) => d.key));
            assert.deepEqual(backward.map((d) => [d.staging, d.prod]), forward.map((d) => [d.prod, d.staging]));
        }));
    });

    it("ignores a changed config key exactly when the allowed list names it, whatever the spelling", () => {
        fc.assert(fc.property(fc.dictionary(anyKey, value, { maxKeys: 6 }), anyKey, value, value, (base, key, before, after) => {
            fc.pre(JSON.stringify(before) !== JSON.stringify(after));
            const found = compareParityConfig({ ...base, [key]: before }, { ...base, [key]: after }).map((d) => d.key);
            assert.deepEqual(found, allowedKey(key) ? [] : [key], key);
        }));
    });

    it("ignores an added or removed resource exactly when its name matches an allowed role", () => {
        fc.assert(fc.property(fc.uniqueArray(role, { maxLength: 6 }), role, (base, extra) => {
            fc.pre(!base.includes(extra));
            const ignored = allowedName(extra.slice(extra.lastIndexOf("::") + 2));
            assert.deepEqual(compareResourceSets(base, [...base, extra]).map((d) => d.key), ignored ? [] : [extra], extra);
            assert.deepEqual(compareResourceSets([...base, extra], base).map((d) => d.key), ignored ? [] : [extra], extra);
        }));
    });

    it("finds any removed resource that is not environment-specific, as present in staging and absent in prod", () => {
        fc.assert(fc.property(fc.uniqueArray(parityRole, { minLength: 1, maxLength: 8 }), fc.nat(), (resources, pick) => {
            const removed = resources[pick % resources.length];
            assert.deepEqual(compareResourceSets(resources, resources.filter((r) => r !== removed)), [{ kind: "resource", key: removed, staging: "present", prod: "(absent)" }]);
        }));
    });

    it("never lets environment-specific changes mask a parity change made at the same time", () => {
        fc.assert(fc.property(facts, parityKey, value, fc.constantFrom(...ENVIRONMENT_SPECIFIC_KEYS), value, (a, key, v, specific, w) => {
            fc.pre(JSON.stringify(a.parityConfig[key]) !== JSON.stringify(v));
            const prod = { ...a, parityConfig: { ...a.parityConfig, [specific]: w, [key]: v }, resources: [...a.resources, "aws:iam/role:Role::consumer-role"] };
            const staging = { ...a, resources: a.resources.filter((r) => r !== "aws:iam/role:Role::consumer-role") };
            assert.deepEqual(compareReleases(staging, prod).map((d) => d.key), [key]);
        }));
    });

    it("does not change its result when a resource list repeats entries", () => {
        fc.assert(fc.property(fc.array(role, { maxLength: 8 }), fc.array(role, { maxLength: 8 }), (a, b) => {
            assert.deepEqual(compareResourceSets([...a, ...a], [...b, ...b.slice(0, 2)]), compareResourceSets(a, b));
        }));
    });

    it("never prints a secret's plain value, whichever side holds it in plain text", () => {
        const secret = fc.string({ minLength: 6, maxLength: 20 }).filter((s) => s.trim().length >= 6);
        fc.assert(fc.property(parityKey, secret, secret, fc.boolean(), (key, plain, other, plainInProd) => {
            fc.pre(plain !== other);
            const [staging, prod] = plainInProd ? [secretStandIn(other), plain] : [plain, secretStandIn(other)];
            const differences = compareParityConfig({ [key]: staging }, { [key]: prod });
            assert.equal(differences.length, 1);
            const printed = differences.map(describeDifference).join("\n");
            assert.ok(!printed.includes(plain), printed);
            assert.match(printed, /staging \[secret sha256:[0-9a-f]{12}\], prod \[secret sha256:[0-9a-f]{12}\]$/);
        }));
    });
});

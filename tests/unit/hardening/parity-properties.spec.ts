/**
 * Property-based tests of desired-state parity (policy-pack/src/contract/desired-state/compare.ts),
 * over random stacks rendered for staging and for prod from one template: the values of the
 * environment-specific keys are the only thing that differs between the renderings. Then: no
 * difference between the two renderings, whatever the order; exactly one for one changed
 * setting; environment-specific resources never count, others always do; sides swap cleanly;
 * unknown values are compared by their sources, never passed over; secrets never printed.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { compareDesiredState, Difference, ParityComparison } from "../../../policy-pack/src/contract/desired-state/compare";
import { EnvironmentValues } from "../../../policy-pack/src/contract/desired-state/environment";
import { ComparedResource } from "../../../policy-pack/src/contract/desired-state/resources";
import { UNKNOWN_VALUE, secretValue } from "../../../policy-pack/src/contract/desired-state/values";
import { ENVIRONMENT_SPECIFIC_RESOURCES, isEnvironmentSpecificRole } from "../../../policy-pack/src/contract/environment-keys";
import { environmentValuesOf } from "../../../policy-pack/tests/fixtures";

type Side = "staging" | "prod";
const ENV: Record<Side, EnvironmentValues> = { staging: environmentValuesOf("staging"), prod: environmentValuesOf("prod") };
/** What each placeholder of a template renders as, per side: values of environment-specific keys. */
const RENDER: Record<string, Record<Side, string>> = {
    "{prefix}": { staging: ENV.staging.namePrefix as string, prod: ENV.prod.namePrefix as string },
    "{account}": { staging: ENV.staging.awsAccountId as string, prod: ENV.prod.awsAccountId as string },
    "{env}": { staging: "staging", prod: "prod" },
};

const TYPES = ["aws:s3/bucketV2:BucketV2", "aws:glue/job:Job", "aws:iam/role:Role", "aws:sqs/queue:Queue"];

/** A string template: parts joined by `-`, so a word value always stands as a whole word. */
const template = fc
    .array(fc.constantFrom(...Object.keys(RENDER), "data", "etl", "raw", "x1", "arn:aws:s3", "eu-west-1", "42"), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join("-"));
const leaf = fc.oneof(template, fc.integer({ min: -5, max: 100 }), fc.boolean());
const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,7}$/);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 3 }),
    ),
})).node;
/** Names that are neither environment-specific (`qa-…`) nor auto-names (`name-1a2b3c4`): no dashes. */
const logicalName = fc.stringMatching(/^[a-z]{3,8}$/);

interface Template {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}
const stackTemplate: fc.Arbitrary<Template[]> = fc.uniqueArray(
    fc.record({ type: fc.constantFrom(...TYPES), name: logicalName, inputs: fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }) }),
    {
        minLength: 1,
        maxLength: 6,
        selector: (r) => `${r.type}::${r.name}`,
    },
);

function render(value: unknown, side: Side): unknown {
    if (typeof value === "string") {
        return Object.entries(RENDER).reduce((text, [placeholder, values]) => text.split(placeholder).join(values[side]), value);
    }
    if (Array.isArray(value)) {
        return value.map((item) => render(item, side));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, side)]));
    }
    return value;
}

/** One side's resources: staging's as its checkpoint has them (with `computed`), prod's as planned. */
function side(templates: Template[], which: Side, deps: Record<string, Record<string, string[]>> = {}): ComparedResource[] {
    return templates.map((t) => {
        const propertyDependencies = Object.fromEntries(
            Object.entries(deps[t.name] ?? {}).map(([k, names]) => [k, names.map((n) => `urn:pulumi:${which}::atlas::aws:kms/key:Key::${n}`)]),
        );
        return {
            urn: `urn:pulumi:${which}::atlas::${t.type}::${t.name}`,
            type: t.type,
            custom: true,
            inputs: render(t.inputs, which) as Record<string, unknown>,
            ...(which === "staging" ? { computed: {} } : {}),
            dependencies: [...new Set(Object.values(propertyDependencies).flat())],
            propertyDependencies,
            protect: false,
        };
    });
}

function compare(staging: ComparedResource[], prod: ComparedResource[], environments: Record<Side, EnvironmentValues> = ENV): ParityComparison {
    return compareDesiredState({ environment: environments.staging, resources: staging }, { environment: environments.prod, resources: prod });
}

const byPlace = (a: Difference, b: Difference) => `${a.resource} ${a.path}`.localeCompare(`${b.resource} ${b.path}`);

describe("desired-state parity (property-based, hardening)", () => {
    it("finds no difference between a stack rendered for staging and for prod", () => {
        fc.assert(
            fc.property(stackTemplate, (templates) => {
                const result = compare(side(templates, "staging"), side(templates, "prod"));
                assert.deepEqual([result.differences, result.uncompared, result.resourcesCompared], [[], [], templates.length]);
            }),
        );
    });

    it("gives the same result however either side's resources are ordered", () => {
        const pair = fc
            .tuple(stackTemplate, stackTemplate)
            .chain(([a, b]) =>
                fc.tuple(fc.constant(a), fc.constant(b), fc.shuffledSubarray(a, { minLength: a.length }), fc.shuffledSubarray(b, { minLength: b.length })),
            );
        fc.assert(
            fc.property(pair, ([a, b, a2, b2]) => {
                assert.deepEqual(compare(side(a2, "staging"), side(b2, "prod")), compare(side(a, "staging"), side(b, "prod")));
            }),
        );
    });

    it("finds exactly one difference, at its path, for one changed setting", () => {
        fc.assert(
            fc.property(stackTemplate, fc.nat(), fc.integer({ min: 1000, max: 9999 }), (templates, pick, replacement) => {
                const target = templates[pick % templates.length];
                const changedKey = Object.keys(target.inputs)[pick % Object.keys(target.inputs).length];
                const prod = side(templates, "prod").map((r) =>
                    r.urn.endsWith(`::${target.name}`) && r.type === target.type ? { ...r, inputs: { ...r.inputs, [changedKey]: replacement } } : r,
                );
                const { differences } = compare(side(templates, "staging"), prod);
                assert.equal(differences.length, 1, JSON.stringify(differences));
                assert.deepEqual(
                    [differences[0].resource, differences[0].path, differences[0].prod],
                    [`${target.type} "${target.name}"`, changedKey, String(replacement)],
                );
            }),
        );
    });

    it("sets aside a key with property sites (the alert e-mail) only at its sites: routed anywhere else, each side's own value is one difference", () => {
        const email = (which: Side) => ENV[which].teamAlertEmail as string;
        const subscription = (which: Side): ComparedResource => ({
            ...side([{ type: "aws:sns/topicSubscription:TopicSubscription", name: "alerts", inputs: { endpoint: email(which) } }], which)[0],
        });
        fc.assert(
            fc.property(stackTemplate, fc.nat(), template, (templates, pick, text) => {
                const target = templates[pick % templates.length];
                const routed = (which: Side) =>
                    side(templates, which).map((r) =>
                        r.urn.endsWith(`::${target.name}`) && r.type === target.type
                            ? { ...r, inputs: { ...r.inputs, routed: `${render(text, which)}:${email(which)}` } }
                            : r,
                    );
                const { differences } = compare([...routed("staging"), subscription("staging")], [...routed("prod"), subscription("prod")]);
                assert.deepEqual(
                    differences.map((d) => [d.resource, d.path]),
                    [[`${target.type} "${target.name}"`, "routed"]],
                );
            }),
        );
    });

    it("swaps cleanly: comparing the other way round gives the same places with the values swapped", () => {
        const environmentsSwapped = { staging: ENV.prod, prod: ENV.staging };
        fc.assert(
            fc.property(stackTemplate, stackTemplate, (a, b) => {
                const [aStaging, bProd] = [side(a, "staging").map(({ computed: _c, ...r }) => r), side(b, "prod")];
                const forward = compare(aStaging, bProd).differences.sort(byPlace);
                const backward = compare(bProd, aStaging, environmentsSwapped).differences.sort(byPlace);
                assert.deepEqual(
                    backward.map((d) => ({ ...d, staging: d.prod, prod: d.staging })),
                    forward,
                );
            }),
        );
    });

    it("counts an extra resource unless its environment calls for it: an environment-specific role, of a type that role makes, whose key is set there", () => {
        const role = fc.constantFrom(...ENVIRONMENT_SPECIFIC_RESOURCES);
        const anyType = fc.constantFrom(...new Set([...TYPES, ...ENVIRONMENT_SPECIFIC_RESOURCES.flatMap((r) => r.types)]));
        fc.assert(
            fc.property(stackTemplate, role, logicalName, anyType, fc.boolean(), fc.boolean(), (templates, specific, suffix, type, keySet, inProd) => {
                const name = `${specific.pattern.replace("*", "")}${suffix}`;
                assert.ok(isEnvironmentSpecificRole(name) && !isEnvironmentSpecificRole(suffix));
                const where: Side = inProd ? "prod" : "staging";
                const environments = {
                    ...ENV,
                    [where]: {
                        ...ENV[where],
                        [specific.when]: keySet
                            ? specific.when === "routeAlertsToOncall"
                                ? "true"
                                : ["arn:aws:iam::123456789012:role/someone"]
                            : specific.when === "routeAlertsToOncall"
                              ? "false"
                              : [],
                    },
                };
                const extra: Template[] = [...templates, { type, name, inputs: { path: "/" } }];
                const [staging, prod] = inProd ? [templates, extra] : [extra, templates];
                const differences = compare(side(staging, "staging"), side(prod, "prod"), environments).differences.map((d) => [d.resource, d.path]);
                const allowed = keySet && specific.types.includes(type);
                assert.deepEqual(differences, allowed ? [] : [[`${type} "${name}"`, "(resource)"]]);
                // Any other name is always counted.
                const other: Template[] = [...templates, { type, name: suffix, inputs: { path: "/" } }];
                fc.pre(!templates.some((t) => t.name === suffix));
                const [staging2, prod2] = inProd ? [templates, other] : [other, templates];
                assert.deepEqual(
                    compare(side(staging2, "staging"), side(prod2, "prod"), environments).differences.map((d) => [d.resource, d.path]),
                    [[`${type} "${suffix}"`, "(resource)"]],
                );
            }),
        );
    });

    it("compares a value unknown in prod by its sources: the same sources match, none is uncompared, never a silent pass", () => {
        fc.assert(
            fc.property(stackTemplate, fc.nat(), fc.constantFrom<"same" | "other" | "none">("same", "other", "none"), (templates, pick, sources) => {
                const target = templates[pick % templates.length];
                const unknownKey = Object.keys(target.inputs)[0];
                const deps = (names: string[]) => (names.length ? { [target.name]: { [unknownKey]: names } } : {});
                const staging = side(templates, "staging", deps(sources === "none" ? [] : ["data-key"]));
                const prod = side(templates, "prod", deps(sources === "none" ? [] : sources === "same" ? ["data-key"] : ["other-key"])).map((r) =>
                    r.urn.endsWith(`::${target.name}`) && r.type === target.type ? { ...r, inputs: { ...r.inputs, [unknownKey]: UNKNOWN_VALUE } } : r,
                );
                const result = compare(staging, prod);
                const place = { resource: `${target.type} "${target.name}"`, path: unknownKey };
                if (sources === "same") {
                    assert.deepEqual([result.differences, result.comparedByDependency, result.uncompared], [[], [{ ...place, dependsOn: ["data-key"] }], []]);
                } else if (sources === "none") {
                    assert.deepEqual([result.differences, result.uncompared.map(({ resource, path }) => ({ resource, path }))], [[], [place]]);
                } else {
                    assert.ok(
                        result.differences.some((d) => d.resource === place.resource && d.path === `${unknownKey} (computed from)`),
                        JSON.stringify(result.differences),
                    );
                }
            }),
        );
    });

    it("never prints a secret's plain value, whichever side holds it and whether the other side is secret", () => {
        const secret = fc.stringMatching(/^[A-Za-z0-9]{4,16}$/).map((s) => `s3cr3t-${s}`);
        fc.assert(
            fc.property(stackTemplate, secret, secret, fc.boolean(), fc.boolean(), (templates, plain, other, plainInProd, otherIsSecret) => {
                fc.pre(plain !== other);
                const [stagingValue, prodValue] = plainInProd
                    ? [secretValue(other), otherIsSecret ? secretValue(plain) : plain]
                    : [otherIsSecret ? secretValue(plain) : plain, secretValue(other)];
                const withValue = (resources: ComparedResource[], v: unknown) =>
                    resources.map((r, i) => (i === 0 ? { ...r, inputs: { ...r.inputs, token: v, nested: { list: [v] } } } : r));
                const result = compare(withValue(side(templates, "staging"), stagingValue), withValue(side(templates, "prod"), prodValue));
                const printed = JSON.stringify(result.differences);
                assert.equal(result.differences.length, 2, printed);
                assert.ok(!printed.includes(plain) && !printed.includes(other), printed);
                assert.ok(
                    result.differences.every((d) => /^\[secret sha256:[0-9a-f]{12}\]$/.test(d.staging) || d.staging === "[not secret]"),
                    printed,
                );
            }),
        );
    });
});

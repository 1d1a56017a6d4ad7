/**
 * Desired-state parity: staging's resources (as its state records them) against prod's (as the
 * engine plans or records them), property by property, after setting aside what may differ
 * between environments (environment.ts) and what the cloud generates (generated.ts).
 *
 * Every difference is listed with its resource, property path and both values (secrets as
 * digests). A value unknown during preview is compared by the resources it is computed from;
 * one that cannot be compared at all is listed as such, never passed over.
 */
import { environmentSpecificReason } from "../environment-keys";
import { EnvironmentNormaliser, EnvironmentValues } from "./environment";
import { AUTO_NAME_SUFFIX, GeneratedValues, isAutoName, tokensOf } from "./generated";
import { ComparedResource, ResourceOptions, labelOf, logicalNameOf } from "./resources";
import { ASSET, JSON_TEXT, SECRET, UNKNOWN, containsUnknown, markerOf, printable } from "./values";

export interface StackSide {
    /** The stack's values of the environment-specific config keys. */
    environment: EnvironmentValues;
    resources: readonly ComparedResource[];
}

export interface Difference {
    /** `aws:glue/job:Job "etl-job"`. */
    resource: string;
    /** Property path (`numberOfWorkers`, `policy (JSON).Statement[0].Resource`), or what else differs (`(resource)`, `(protect)`). */
    path: string;
    /** The upstream's value (staging's); messages name the side by its stack (describeDifference). */
    staging: string;
    /** The promoted stack's value (prod's, or another gated environment's). */
    prod: string;
}

export interface DependencyMatch {
    resource: string;
    path: string;
    /** The resources both values are computed from. */
    dependsOn: string[];
}

export interface Uncompared {
    resource: string;
    path: string;
    reason: string;
}

export interface ParityComparison {
    differences: Difference[];
    /** Values unknown during preview whose sources match: the update's own policy run sees them. */
    comparedByDependency: DependencyMatch[];
    /** Values that could be compared neither by value nor by dependency. */
    uncompared: Uncompared[];
    /** Resources present in both stacks, compared property by property. */
    resourcesCompared: number;
}

/**
 * One resource with its references normalised. Property values are normalised when they are
 * compared, not kept normalised: a stack of 10,000 resources would otherwise be held twice.
 */
interface Normalised {
    resource: ComparedResource;
    environment: EnvironmentNormaliser;
    logicalName: string;
    dependencies: string[];
    /** A property's dependencies, normalised (read only for values unknown at preview). */
    propertyDependencies: (key: string) => string[];
    provider?: string;
}

type Side = "staging" | "prod";

/** How strings of each side read once generated values are set aside; `equivalent` may accept what still differs. */
export type StringSides = Record<Side, (text: string) => string> & { equivalent?: (staging: string, prod: string) => boolean };

export function compareDesiredState(staging: StackSide, prod: StackSide): ParityComparison {
    const sides = { staging: normaliseSide(staging, prod.environment), prod: normaliseSide(prod, staging.environment) };
    const result: ParityComparison = { differences: [], comparedByDependency: [], uncompared: [], resourcesCompared: 0 };
    const pairs: [Normalised, Normalised][] = [];
    for (const key of [...new Set([...sides.staging.keys(), ...sides.prod.keys()])].sort()) {
        const [s, p] = [sides.staging.get(key), sides.prod.get(key)];
        if (s && p) {
            pairs.push([s, p]);
        } else {
            const only = (s ?? p)!;
            // Allowed only where the environment it exists in calls for it (environment-keys.ts).
            if (!environmentSpecificReason(only.logicalName, only.resource.type, (s ? staging : prod).environment)) {
                result.differences.push({
                    resource: labelOf(only.resource),
                    path: "(resource)",
                    staging: s ? "present" : "(absent)",
                    prod: p ? "present" : "(absent)",
                });
            }
        }
    }
    const generated = new GeneratedValues();
    for (const [s, p] of pairs) {
        pairGenerated(s, p, generated);
    }
    for (const [s, p] of pairs) {
        comparePair(s, p, generated, result);
    }
    result.resourcesCompared = pairs.length;
    return result;
}

function normaliseSide(side: StackSide, other: EnvironmentValues): Map<string, Normalised> {
    const environment = EnvironmentNormaliser.of(side.environment, other);
    const urn = (value: string) => environment.urn(value);
    const byUrn = new Map<string, Normalised>();
    for (const resource of side.resources) {
        byUrn.set(urn(resource.urn), {
            resource,
            environment,
            logicalName: logicalNameOf(resource.urn),
            dependencies: resource.dependencies.length < 2 ? resource.dependencies.map(urn) : [...new Set(resource.dependencies.map(urn))].sort(),
            propertyDependencies: (key) => [...new Set((resource.propertyDependencies[key] ?? []).map(urn))].sort(),
            provider: resource.provider === undefined ? undefined : urn(withoutId(resource.provider)),
        });
    }
    return byUrn;
}

/** A provider reference is `<urn>::<id>` in a checkpoint and `<urn>` in a plan. */
function withoutId(reference: string): string {
    // Cut at the fourth `::`, found without splitting (every resource has a provider reference).
    let at = -2;
    for (let found = 0; found < 4; found++) {
        at = reference.indexOf("::", at + 2);
        if (at < 0) {
            return reference;
        }
    }
    return reference.slice(0, at);
}

/** A property of a resource, environment-normalised: a setting, or (`computed`) a value its provider computed. */
function valueOf(n: Normalised, key: string, computed = false): unknown {
    const record = computed ? n.resource.computed : n.resource.inputs;
    return record === undefined ? undefined : n.environment.property(record, key, n.resource.type);
}

/** Tokens of a resource's own settings (those not computed on staging's side): a token in them is never a generated value. */
function settingsOf(n: Normalised, except: Record<string, unknown> | undefined): Set<string> {
    const settings = new Set<string>();
    for (const key of Object.keys(n.resource.inputs).filter((k) => n.resource.computed !== undefined || !(except && k in except))) {
        tokensOf(valueOf(n, key), settings);
    }
    return settings;
}

/** Registers the generated values that staging's computed identifiers and auto-names hold against prod's. */
function pairGenerated(s: Normalised, p: Normalised, generated: GeneratedValues): void {
    const stagingComputed = s.resource.computed ?? {};
    const settings = lazily(() => [settingsOf(s, undefined), settingsOf(p, stagingComputed)] as const);
    for (const key of Object.keys(stagingComputed).filter(isIdentifierKey)) {
        const prodValue = p.resource.computed?.[key] !== undefined ? valueOf(p, key, true) : valueOf(p, key);
        if (prodValue !== undefined) {
            generated.pair(
                valueOf(s, key, true),
                prodValue,
                () => settings()[0],
                () => settings()[1],
            );
        }
    }
    // Only strings can be auto-names, and only one that already ends like one normalises to one
    // (a set-aside value ends in `>`): the rest need no normalising here.
    const mayBeAutoName = (value: unknown) => typeof value === "string" && AUTO_NAME_SUFFIX.test(value);
    for (const key of Object.keys(s.resource.inputs).filter((k) => mayBeAutoName(s.resource.inputs[k]) && mayBeAutoName(p.resource.inputs[k]))) {
        const [value, prodValue] = [valueOf(s, key), valueOf(p, key)];
        if (isAutoName(value, s.logicalName) && isAutoName(prodValue, p.logicalName) && value !== prodValue) {
            generated.add(value, prodValue);
        }
    }
}

/**
 * Outputs that identify a resource (`arn`, `id`, `keyId`, `uniqueId`, `versionId`, `etag`): the only
 * computed values whose tokens may stand for generated ones. Anything else a provider computes —
 * `tagsAll` above all, which echoes the provider's settings — must never make a setting look generated.
 */
export function isIdentifierKey(key: string): boolean {
    return key === "arn" || key === "id" || key === "etag" || /[a-z](Id|Arn)s?$/.test(key);
}

function lazily<T>(make: () => T): () => T {
    let made: { value: T } | undefined;
    return () => (made ??= { value: make() }).value;
}

function comparePair(s: Normalised, p: Normalised, generated: GeneratedValues, result: ParityComparison): void {
    const resource = labelOf(s.resource);
    const differ = (path: string, stagingValue: string, prodValue: string) =>
        result.differences.push({ resource, path, staging: stagingValue, prod: prodValue });
    compareOptions(s.resource, p.resource, differ);
    if (s.provider !== p.provider) {
        differ("(provider)", s.provider ?? "(default)", p.provider ?? "(default)");
    }
    const [sDeps, pDeps] = [s.dependencies.map((u) => generated.stagingString(u)), p.dependencies.map((u) => generated.prodString(u))];
    if (sDeps.join("\n") !== pDeps.join("\n")) {
        differ(
            "(dependencies)",
            describeUrns(sDeps.filter((u) => !pDeps.includes(u))) || "(no others)",
            describeUrns(pDeps.filter((u) => !sDeps.includes(u))) || "(no others)",
        );
    }
    if (!s.resource.custom || !p.resource.custom) {
        if (s.resource.custom !== p.resource.custom) {
            differ("(kind)", s.resource.custom ? "custom resource" : "component", p.resource.custom ? "custom resource" : "component");
        }
        return; // a component's properties are outputs derived from its children, which are compared
    }
    const strings: StringSides = { staging: (t) => generated.stagingString(t), prod: (t) => generated.prodString(t) };
    const [sr, pr] = [s.resource, p.resource];
    for (const key of keysOfBoth(sr.inputs, pr.inputs)) {
        if (key.startsWith("__")) {
            continue; // engine bookkeeping such as a provider's __internal
        }
        const [sSets, pSets] = [key in sr.inputs, key in pr.inputs];
        const sComputes = !sSets && sr.computed !== undefined && key in sr.computed;
        if (sComputes && (pr.computed === undefined || !pSets)) {
            continue; // computed by the provider on both sides: not a setting
        }
        const stagingValue = valueOf(s, key, !sSets);
        const prodValue = valueOf(p, key, !pSets);
        const unknownPaths: string[] = [];
        compareValues(stagingValue, prodValue, key, strings, (path, a, b) => differ(path, a, b), unknownPaths);
        if (unknownPaths.length > 0) {
            compareByDependency(resource, key, s.propertyDependencies(key), p.propertyDependencies(key), generated, result);
        }
    }
}

/** `protect` and the resource options a checkpoint and a policy both see. */
export function compareOptions(
    staging: Pick<ComparedResource, "protect" | "options">,
    prod: Pick<ComparedResource, "protect" | "options">,
    differ: Report,
): void {
    if (staging.protect !== prod.protect) {
        differ("(protect)", String(staging.protect), String(prod.protect));
    }
    if (staging.options === undefined && prod.options === undefined) {
        return; // most resources set none
    }
    for (const option of Object.keys({ ...staging.options, ...prod.options }).sort()) {
        const [a, b] = [staging.options?.[option as keyof ResourceOptions], prod.options?.[option as keyof ResourceOptions]];
        if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) {
            differ(`(${option})`, printable(a), printable(b));
        }
    }
}

/** A value unknown during preview is the same as staging's when it is computed from the same resources. */
function compareByDependency(
    resource: string,
    key: string,
    stagingDeps: string[],
    prodDeps: string[],
    generated: GeneratedValues,
    result: ParityComparison,
): void {
    const [s, p] = [stagingDeps.map((u) => generated.stagingString(u)), prodDeps.map((u) => generated.prodString(u))];
    if (p.length === 0 && s.length === 0) {
        result.uncompared.push({ resource, path: key, reason: "it is unknown until the update and computed from no resource of the stack" });
    } else if (s.join("\n") === p.join("\n")) {
        result.comparedByDependency.push({ resource, path: key, dependsOn: p.map(logicalNameOf) });
    } else {
        result.differences.push({ resource, path: `${key} (computed from)`, staging: describeUrns(s) || "(nothing)", prod: describeUrns(p) || "(nothing)" });
    }
}

export type Report = (path: string, staging: string, prod: string) => void;

/**
 * The two stacks of a gated promotion as messages name them: the promoted stack and the environment the model
 * promotes it from (prod and staging; prod-us and staging). No message says "prod" for whichever stack is promoted.
 */
export interface PromotionSides {
    target: string;
    upstream: string;
}

/**
 * One difference as every refusal words it, each side named by its stack: `aws:glue/job:Job "etl-job" timeout:
 * staging 120, prod 240` (`staging` holds the upstream's value, `prod` the promoted stack's, whichever they are).
 */
export function describeDifference(d: Difference, sides: PromotionSides): string {
    return `${d.resource} ${d.path}: ${sides.upstream} ${d.staging}, ${sides.target} ${d.prod}`;
}

/** Reports every path where two normalised values differ; a path holding an unknown value goes to `unknownPaths`. */
export function compareValues(a: unknown, b: unknown, path: string, strings: StringSides, report: Report, unknownPaths: string[]): void {
    const [ma, mb] = [markerOf(a), markerOf(b)];
    // An unknown value, or one of another kind than the other side's with an unknown inside: compared by
    // dependency. (Only the second needs a look inside; values of the same kind are compared below, where
    // their unknowns are met one level down.)
    if (ma === UNKNOWN || mb === UNKNOWN || (kindOf(a) !== kindOf(b) && (containsUnknown(a) || containsUnknown(b)))) {
        unknownPaths.push(path);
        return;
    }
    if (ma === JSON_TEXT && mb === JSON_TEXT) {
        compareValues((a as Record<string, unknown>)[JSON_TEXT], (b as Record<string, unknown>)[JSON_TEXT], `${path} (JSON)`, strings, report, unknownPaths);
        return;
    }
    if (ma === SECRET || mb === SECRET || ma === ASSET || mb === ASSET) {
        if (ma !== mb || JSON.stringify(a) !== JSON.stringify(b)) {
            // Never print a plain value beside a secret: it may be the secret under another name.
            const secret = ma === SECRET || mb === SECRET;
            report(path, secret && ma !== SECRET ? "[not secret]" : printable(a), secret && mb !== SECRET ? "[not secret]" : printable(b));
        }
        return;
    }
    if (typeof a === "string" && typeof b === "string") {
        const [x, y] = [strings.staging(a), strings.prod(b)];
        if (x !== y && !strings.equivalent?.(x, y)) {
            report(path, printable(x), printable(y));
        }
        return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            report(
                `${path}`,
                `${a.length} item(s): ${printable(substituteAll(a, strings.staging))}`,
                `${b.length} item(s): ${printable(substituteAll(b, strings.prod))}`,
            );
            return;
        }
        a.forEach((item, i) => compareValues(item, b[i], `${path}[${i}]`, strings, report, unknownPaths));
        return;
    }
    if (kindOf(a) === "object" && kindOf(b) === "object") {
        const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
        for (const key of keysOfBoth(x, y)) {
            compareValues(x[key], y[key], propertyPath(path, key), strings, report, unknownPaths);
        }
        return;
    }
    if (a !== b) {
        report(path, printable(typeof a === "string" ? strings.staging(a) : a), printable(typeof b === "string" ? strings.prod(b) : b));
    }
}

/** The keys of either object, sorted (most pairs have the same keys: then one list is made). */
export function keysOfBoth(x: Readonly<Record<string, unknown>>, y: Readonly<Record<string, unknown>>): string[] {
    const keys = Object.keys(x);
    let extra: string[] | undefined;
    for (const key in y) {
        if (Object.prototype.hasOwnProperty.call(y, key) && !Object.prototype.hasOwnProperty.call(x, key)) {
            (extra ??= []).push(key);
        }
    }
    return (extra ? keys.concat(extra) : keys).sort();
}

/**
 * How parity, drift and promote word a property's path: `key` at the top, `.key` below it, `["key"]` where the key
 * is not an identifier (or is `__proto__`, which no object can hold as a plain property).
 */
export function propertyPath(path: string, key: string): string {
    const segment = pathSegment(key);
    return path === "" && segment.startsWith(".") ? key : `${path}${segment}`;
}

/** Keys recur across a stack, so each is worded once. */
const segments = new Map<string, string>();
function pathSegment(key: string): string {
    let segment = segments.get(key);
    if (segment === undefined) {
        segment = key !== "__proto__" && /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
        segments.set(key, segment);
    }
    return segment;
}

function kindOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    const marker = markerOf(value);
    return marker !== undefined ? marker : typeof value;
}

function substituteAll(value: unknown, string: (text: string) => string): unknown {
    if (typeof value === "string") {
        return string(value);
    }
    if (Array.isArray(value)) {
        return value.map((item) => substituteAll(item, string));
    }
    return value;
}

function describeUrns(urns: string[]): string {
    return urns.map((u) => `"${logicalNameOf(u)}"`).join(", ");
}

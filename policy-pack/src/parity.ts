/**
 * Staging-vs-prod comparison, free of CrossGuard so the `parity` command can reuse it.
 * Every difference is reported, never only the first; secret values appear only as stand-ins.
 */
import { canonicalJson, secretStandIn } from "./contract/canonical";
import { isEnvironmentSpecificKey } from "./contract/environment-keys";
import { ParityValue, ReleaseFacts, parityResources } from "./contract/release-facts";

export interface ParityDifference {
    kind: "config" | "resource" | "version";
    /** Config key, `type::name` role, or `version`. */
    key: string;
    /** Printable: a value, a secret stand-in, "present" or "(absent)". */
    staging: string;
    prod: string;
}

export const ABSENT = "(absent)";
export const PRESENT = "present";

export type ComparedFacts = Pick<ReleaseFacts, "version" | "parityConfig" | "resources">;

/** Every way prod differs from staging in version, parity config and resource set. */
export function compareReleases(staging: ComparedFacts, prod: ComparedFacts): ParityDifference[] {
    const differences: ParityDifference[] = [];
    if (staging.version !== prod.version) {
        differences.push({ kind: "version", key: "version", staging: staging.version, prod: prod.version });
    }
    differences.push(...compareParityConfig(staging.parityConfig, prod.parityConfig));
    differences.push(...compareResourceSets(staging.resources, prod.resources));
    return differences;
}

/** Differences of every key that is not environment-specific. */
export function compareParityConfig(staging: Record<string, ParityValue>, prod: Record<string, ParityValue>): ParityDifference[] {
    const keys = [...new Set([...Object.keys(staging), ...Object.keys(prod)])].filter((key) => !isEnvironmentSpecificKey(key)).sort();
    const differences: ParityDifference[] = [];
    for (const key of keys) {
        const [stagingValue, prodValue] = [staging[key], prod[key]];
        if (stagingValue === undefined || prodValue === undefined || canonicalJson(stagingValue) !== canonicalJson(prodValue)) {
            const secret = isStandIn(stagingValue) || isStandIn(prodValue);
            differences.push({ kind: "config", key, staging: printable(stagingValue, secret), prod: printable(prodValue, secret) });
        }
    }
    return differences;
}

/** Roles present on one side only, environment-specific roles excepted. */
export function compareResourceSets(staging: readonly string[], prod: readonly string[]): ParityDifference[] {
    return onlyInFirst(parityResources(staging), parityResources(prod))
        .map((key): ParityDifference => ({ kind: "resource", key, staging: PRESENT, prod: ABSENT }))
        .concat(onlyInFirst(parityResources(prod), parityResources(staging)).map((key) => ({ kind: "resource", key, staging: ABSENT, prod: PRESENT })))
        .sort((a, b) => a.key.localeCompare(b.key));
}

export function onlyInFirst(first: readonly string[], second: readonly string[]): string[] {
    const others = new Set(second);
    return [...new Set(first)].filter((item) => !others.has(item)).sort();
}

export function describeDifference(difference: ParityDifference): string {
    return `${difference.kind} ${difference.key}: staging ${difference.staging}, prod ${difference.prod}`;
}

/** Values the program recorded as secret stand-ins, e.g. `[secret sha256:0123456789ab]`. */
function isStandIn(value: ParityValue | undefined): boolean {
    return typeof value === "string" && /^\[secret sha256:[0-9a-f]{12}\]$/.test(value);
}

/** When either side is secret, both are shown as stand-ins so a plain-text secret never leaks. */
function printable(value: ParityValue | undefined, secret: boolean): string {
    if (value === undefined) {
        return ABSENT;
    }
    if (secret) {
        return isStandIn(value) ? (value as string) : secretStandIn(value);
    }
    return canonicalJson(value);
}

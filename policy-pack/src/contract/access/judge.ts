/** Judges a role's grants against the access model (contract/access-model.ts): each grant is allowed by a rule, or refused with why not. */
import { ACCESS_MODEL, AccessHolder, AccessRule, AccessTarget, environmentPatterns, targetPatterns } from "../access-model";
import { AtlasNames } from "../resource-names";
import { Grant } from "./grants";
import { covers, matches, overlaps } from "./patterns";

export interface Verdict {
    grant: Grant;
    /** The rule that allows it; undefined: refused. */
    rule?: AccessRule;
    /** The named targets the grant's resource reaches, for messages (`published-zone`, `key`). */
    reaches: AccessTarget[];
}

export function judgeGrant(holder: AccessHolder, grant: Grant, names: AtlasNames): Verdict {
    const rule = ACCESS_MODEL[holder].find((r) => allows(r, grant, names));
    return { grant, rule, reaches: reached(grant, names) };
}

function allows(rule: AccessRule, grant: Grant, names: AtlasNames): boolean {
    const levelOk = rule.levels !== undefined && grant.levels.every((level) => rule.levels!.includes(level));
    const actionOk = !grant.everyAction && (rule.actions ?? []).some((pattern) => matches(pattern, grant.action, true));
    return (levelOk || actionOk) && rule.on.some((target) => holds(target, grant, names));
}

function holds(target: AccessTarget, grant: Grant, names: AtlasNames): boolean {
    if (target === "anywhere") {
        return true;
    }
    if (grant.everyAction) {
        return false;
    }
    if (target === "account-level") {
        return !grant.takesResource && grant.resource === "*";
    }
    const patterns = target === "environment" ? environmentPatterns(names, grant.service) : patternsOf(target, grant.service, names);
    return patterns.some((pattern) => covers(pattern, grant.resource));
}

function patternsOf(target: Exclude<AccessTarget, "environment" | "account-level" | "anywhere">, service: string, names: AtlasNames): string[] {
    return targetPatterns(names)[target].filter((pattern) => pattern.split(":")[2] === service);
}

function reached(grant: Grant, names: AtlasNames): AccessTarget[] {
    return (Object.entries(targetPatterns(names)) as [AccessTarget, string[]][])
        .filter(([, patterns]) => patterns.some((p) => (grant.everyAction || p.split(":")[2] === grant.service) && overlaps(p, grant.resource)))
        .map(([target]) => target);
}

/** A target in words, for messages and the report. */
export function describeTarget(target: AccessTarget): string {
    if (target.endsWith("-zone")) {
        return `the ${target.replace("-zone", "")} zone`;
    }
    return TARGET_WORDS[target as keyof typeof TARGET_WORDS];
}

const TARGET_WORDS = {
    catalog: "the catalog",
    "query-results": "the query-results bucket",
    artifacts: "the artifacts bucket",
    workgroup: "the workgroup",
    key: "the environment's key",
    environment: "the environment's own resources",
    "account-level": "* for actions AWS defines on no resource",
    anywhere: "any resource",
} satisfies Record<Exclude<AccessTarget, `${string}-zone`>, string>;

/** The rules of a holder in words: what it may hold, for a refusal's fix. */
export function describeRules(holder: AccessHolder): string {
    return ACCESS_MODEL[holder]
        .map((rule) => `${[...(rule.levels ?? []), ...(rule.actions ?? [])].join("/")} on ${rule.on.map(describeTarget).join(", ")}`)
        .join("; ");
}

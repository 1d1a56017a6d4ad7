/**
 * The one list of config keys that may differ between staging and prod, and how each key's
 * value shows up in resource properties (so that property-level parity can set it aside).
 *
 * Everything else in the `atlas:` namespace is parity-relevant: capacity, retention,
 * encryption, schedules and job settings must be identical so that staging runs prod's
 * full load. The program's config validation, the parity policy and the `parity` command all
 * read this table; change it here and nowhere else (see docs/environments.md and CONTRIBUTING.md).
 */
import { ENVIRONMENT_MODEL, EnvironmentModel, environmentNames, oneOf } from "./environments";

/**
 * How a key's value appears inside resource properties:
 * - `text`: anywhere inside a string (account ids inside ARNs, name prefixes inside names);
 * - `word`: as a whole word, delimited by anything but a letter or digit (`staging` in
 *   `atlas_staging_landing` or a tag value, but not in `stagingarea`);
 * - `absent`: never inside a property; it decides which resources exist (or names a stack).
 * Values of list keys (principals) are environment-specific members: they are set aside
 * wherever they appear, including as list elements.
 */
export type ValueAppearance = "text" | "word" | "absent";

export interface EnvironmentSpecificKey {
    appears: ValueAppearance;
    /**
     * What each of its values must look like before parity sets it aside: a value that could be
     * anything else (a worker type, a count) would let a stack file hide a real difference.
     */
    shape?: KeyShape;
    /**
     * Where its value may be set aside: the resource properties the program routes the key into.
     * Anywhere else the value compares as a value, so a prod-only e-mail, URL or ARN routed into an
     * unrelated setting (a Glue argument, a tag) is a difference however well-shaped it is. Keys
     * without sites are set aside anywhere: names and ARNs carry them, and their shapes (an account
     * id, a region, a prefix naming the environment, the environment's name) hold nothing else.
     */
    sites?: readonly PropertySite[];
    /**
     * Other spellings of a value that the program derives from it (a Glue database name holds the name prefix with
     * underscores); parity sets each aside as the value itself.
     */
    spellings?: readonly ((value: string) => string)[];
}

export interface KeyShape {
    pattern: RegExp;
    /** The shape in words, for messages: `a 12-digit account id`. */
    description: string;
}

/** A top-level property of a resource type: `aws:sns/topicSubscription:TopicSubscription` `endpoint`. */
export interface PropertySite {
    type: string;
    property: string;
}

const SUBSCRIPTION_ENDPOINT: readonly PropertySite[] = [{ type: "aws:sns/topicSubscription:TopicSubscription", property: "endpoint" }];
const ROLE_TRUST: readonly PropertySite[] = [{ type: "aws:iam/role:Role", property: "assumeRolePolicy" }];

/** What `atlas:environment` may hold: the name of one of the model's environments (contract/environments.ts), nothing else. */
export function environmentNameShape(model: EnvironmentModel): KeyShape {
    const names = environmentNames(model);
    return { pattern: new RegExp(`^(${names.map(escapeRegExp).join("|")})$`), description: oneOf(names) };
}

const PRINCIPAL = { pattern: /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, description: "an IAM role or user ARN" };

export const ENVIRONMENT_SPECIFIC_CONFIG: Readonly<Record<string, EnvironmentSpecificKey>> = {
    environment: { appears: "word", shape: environmentNameShape(ENVIRONMENT_MODEL) },
    awsAccountId: { appears: "text", shape: { pattern: /^\d{12}$/, description: "a 12-digit account id" } },
    awsRegion: { appears: "text", shape: { pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, description: "an AWS region such as eu-west-1" } },
    namePrefix: {
        appears: "text",
        shape: { pattern: /^[a-z][a-z0-9-]{3,25}$/, description: "4-26 lower-case letters, digits or dashes" },
        spellings: [underscored],
    },
    upstreamStack: { appears: "absent" },
    developerPrincipals: { appears: "text", shape: PRINCIPAL, sites: ROLE_TRUST },
    qaPrincipals: { appears: "text", shape: PRINCIPAL, sites: ROLE_TRUST },
    consumerPrincipals: { appears: "text", shape: PRINCIPAL, sites: ROLE_TRUST },
    routeAlertsToOncall: { appears: "absent" },
    oncallEndpoint: { appears: "text", shape: { pattern: /^https:\/\/\S+$/, description: "an https:// URL" }, sites: SUBSCRIPTION_ENDPOINT },
    teamAlertEmail: {
        appears: "text",
        shape: { pattern: /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/, description: "an e-mail address" },
        sites: SUBSCRIPTION_ENDPOINT,
    },
};

/** A name prefix as names that allow no dash spell it (Glue databases: `atlas-us-prod-us` → `atlas_us_prod_us`). */
export function underscored(namePrefix: string): string {
    return namePrefix.replace(/-/g, "_");
}

export const ENVIRONMENT_SPECIFIC_KEYS: readonly string[] = Object.keys(ENVIRONMENT_SPECIFIC_CONFIG);

/**
 * Resources whose existence follows an environment-specific key: they may exist in one of
 * staging/prod and not the other — but only where that key calls for them (`when` is set: a
 * non-empty list, or true) and only of the types the program makes for them. Logical names
 * (roles) use `*` as a wildcard.
 */
export interface EnvironmentSpecificRole {
    pattern: string;
    /** The environment-specific key whose value calls for such resources. */
    when: string;
    types: readonly string[];
}

const ACCESS_ROLE_TYPES = ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"];

export const ENVIRONMENT_SPECIFIC_RESOURCES: readonly EnvironmentSpecificRole[] = [
    { pattern: "developer-*", when: "developerPrincipals", types: ACCESS_ROLE_TYPES },
    { pattern: "qa-*", when: "qaPrincipals", types: ACCESS_ROLE_TYPES },
    { pattern: "consumer-*", when: "consumerPrincipals", types: ACCESS_ROLE_TYPES },
    { pattern: "oncall-*", when: "routeAlertsToOncall", types: ["aws:sns/topicSubscription:TopicSubscription"] },
];

export const ENVIRONMENT_SPECIFIC_RESOURCE_ROLES: readonly string[] = ENVIRONMENT_SPECIFIC_RESOURCES.map((role) => role.pattern);

export function isEnvironmentSpecificKey(key: string): boolean {
    return ENVIRONMENT_SPECIFIC_KEYS.includes(stripNamespace(key));
}

/** The role patterns, compiled once: parity checks match every resource of a stack against them. */
const ROLE_PATTERNS: readonly { role: EnvironmentSpecificRole; pattern: RegExp }[] = ENVIRONMENT_SPECIFIC_RESOURCES.map((role) => ({
    role,
    pattern: wildcardPattern(role.pattern),
}));

export function isEnvironmentSpecificRole(role: string): boolean {
    return ROLE_PATTERNS.some(({ pattern }) => pattern.test(role));
}

/**
 * Why a resource that exists in one environment only may do so, or undefined when nothing allows
 * it: its name has an environment-specific role, its type is one that role makes, and the
 * environment's value of the role's key calls for it.
 */
export function environmentSpecificReason(name: string, type: string, values: Readonly<Record<string, unknown>>): string | undefined {
    const match = ROLE_PATTERNS.find(({ pattern }) => pattern.test(name))?.role;
    if (!match || !match.types.includes(type)) {
        return undefined;
    }
    const value = values[match.when];
    const calledFor = Array.isArray(value) ? value.length > 0 : value === true || value === "true";
    return calledFor ? `${match.pattern} follows atlas:${match.when}` : undefined;
}

/** `atlas:glueNumberOfWorkers` and `glueNumberOfWorkers` name the same key. */
export function stripNamespace(key: string): string {
    const colon = key.indexOf(":");
    return colon >= 0 ? key.slice(colon + 1) : key;
}

function wildcardPattern(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The one list of config keys that may differ between staging and prod.
 *
 * Everything else in the `atlas:` namespace is parity-relevant: capacity, retention,
 * encryption, schedules and job settings must be identical so that staging runs prod's
 * full load. The program's config digest, the parity policy and the `parity` command all
 * read this list; change it here and nowhere else (see README, "Allowed differences").
 */
export const ENVIRONMENT_SPECIFIC_KEYS: readonly string[] = [
    "environment",
    "awsAccountId",
    "awsRegion",
    "namePrefix",
    "upstreamStack",
    "developerPrincipals",
    "qaPrincipals",
    "consumerPrincipals",
    "routeAlertsToOncall",
    "oncallEndpoint",
    "teamAlertEmail",
];

/**
 * Logical names (roles) of resources whose existence follows an environment-specific key.
 * They may exist in one of staging/prod and not the other. Patterns use `*` as a wildcard.
 */
export const ENVIRONMENT_SPECIFIC_RESOURCE_ROLES: readonly string[] = [
    "developer-*",
    "qa-*",
    "consumer-*",
    "oncall-*",
];

export function isEnvironmentSpecificKey(key: string): boolean {
    return ENVIRONMENT_SPECIFIC_KEYS.includes(stripNamespace(key));
}

/** The role patterns, compiled once: parity checks match every resource of a stack against them. */
const ROLE_PATTERNS: readonly RegExp[] = ENVIRONMENT_SPECIFIC_RESOURCE_ROLES.map(wildcardPattern);

export function isEnvironmentSpecificRole(role: string): boolean {
    return ROLE_PATTERNS.some((pattern) => pattern.test(role));
}

/** `atlas:glueNumberOfWorkers` and `glueNumberOfWorkers` name the same key. */
export function stripNamespace(key: string): string {
    const colon = key.indexOf(":");
    return colon >= 0 ? key.slice(colon + 1) : key;
}

function wildcardPattern(pattern: string): RegExp {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`);
}

/**
 * The `environmentIdentity` stack output: who this stack is, as the environment guardrails need
 * it. These values are environment-specific, so they are not part of `release.parityConfig`.
 */
import { ENVIRONMENT_MODEL, environmentNames, environmentOfStack, gatedEnvironments, upstreamOf } from "./environments";
import { Parsed, describeType } from "./release-facts";

export const ENVIRONMENT_IDENTITY_OUTPUT = "environmentIdentity";

/** The environments' names, from the model (policy-pack/src/contract/environments.ts). */
export const ENVIRONMENTS: readonly Environment[] = environmentNames(ENVIRONMENT_MODEL) as Environment[];
export type Environment = (typeof ENVIRONMENT_MODEL)[number]["name"];

/**
 * The environment each environment is promoted from. A promotion to an environment listed here
 * is gated: it must deploy the release its upstream runs, judged by a pack the candidate cannot
 * change (see cli/lib/gate/trusted-gate.ts).
 */
export const UPSTREAM_OF: Readonly<Partial<Record<Environment, Environment>>> = Object.fromEntries(
    gatedEnvironments(ENVIRONMENT_MODEL).map((name) => [name, upstreamOf(name, ENVIRONMENT_MODEL)]),
);

/** The environment a stack name belongs to (`dev-alice` and `pr-42` are dev), or undefined. */
export function environmentOf(stack: string): Environment | undefined {
    return environmentOfStack(stack, ENVIRONMENT_MODEL)?.name as Environment | undefined;
}

export interface EnvironmentIdentity {
    environment: Environment;
    /** The only account this stack may deploy to (12 digits). */
    awsAccountId: string;
    /** Prefix of every physical resource name of this stack, e.g. `atlas-prod`. */
    namePrefix: string;
    /** IAM principal ARNs of developers (`atlas:developerPrincipals`). */
    developerPrincipals: string[];
    /** IAM principal ARNs of data consumers (`atlas:consumerPrincipals`). */
    consumerPrincipals: string[];
}

/**
 * The identity as a stack's config states it: each field is the `atlas:` config key of the same name (lists as JSON),
 * as the program writes it to its ENVIRONMENT_IDENTITY_OUTPUT. For a plan, whose root stack has no outputs yet.
 */
export function environmentIdentityFromConfig(config: Record<string, string>, what: string): Parsed<EnvironmentIdentity> {
    const field = (name: keyof EnvironmentIdentity) => config[`atlas:${name}`];
    const list = (name: keyof EnvironmentIdentity): unknown => {
        try {
            return JSON.parse(field(name) ?? "[]");
        } catch {
            return field(name);
        }
    };
    return parseEnvironmentIdentity(
        {
            environment: field("environment"),
            awsAccountId: field("awsAccountId"),
            namePrefix: field("namePrefix"),
            developerPrincipals: list("developerPrincipals"),
            consumerPrincipals: list("consumerPrincipals"),
        },
        what,
    );
}

export function isEnvironment(value: unknown): value is Environment {
    return (ENVIRONMENTS as readonly unknown[]).includes(value);
}

/** Reads the identity from an untrusted stack output; every problem is reported, none thrown. */
export function parseEnvironmentIdentity(value: unknown, what: string): Parsed<EnvironmentIdentity> {
    if (value === undefined || value === null) {
        return { ok: false, problems: [`${what} is missing`] };
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, problems: [`${what} is not an object (got ${describeType(value)})`] };
    }
    const record = value as Record<string, unknown>;
    const problems: string[] = [];
    if (!isEnvironment(record.environment)) {
        problems.push(`${what}: field "environment" should be one of ${ENVIRONMENTS.join(", ")}`);
    }
    if (typeof record.awsAccountId !== "string" || !/^\d{12}$/.test(record.awsAccountId)) {
        problems.push(`${what}: field "awsAccountId" should be a 12-digit account id`);
    }
    if (typeof record.namePrefix !== "string" || record.namePrefix === "") {
        problems.push(`${what}: field "namePrefix" should be a non-empty string (got ${describeType(record.namePrefix)})`);
    }
    for (const field of ["developerPrincipals", "consumerPrincipals"]) {
        const list = record[field];
        if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
            problems.push(`${what}: field "${field}" should be a list of ARNs (got ${describeType(list)})`);
        }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: record as unknown as EnvironmentIdentity };
}

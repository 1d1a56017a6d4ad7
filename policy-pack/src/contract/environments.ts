/**
 * Every environment of ADR-0041 and what sets it apart, written once. The config schema and its
 * rules, each policy's applicability, the stack-file reader, the CLIs, the offline workspace, the
 * bench and the tests derive from this model; a new environment (a second prod region promoted
 * from staging, say) is one entry here, its stack file and the workflows (docs/environments.md, "Adding an
 * environment"). No `@pulumi` dependency: the program, the pack and the CLIs all read it.
 */

/** Who may be granted access to an environment's resources (config `atlas:<audience>Principals`). */
export type Audience = "developers" | "qa" | "consumers";

/** Guardrails an environment opts into, beyond those every environment has. */
export type Guardrail = "cost-limits";

/** Extra stacks of a non-singleton environment, e.g. `dev-alice` or `pr-42` beside `dev`. */
export interface ExtraStacks {
    /** What these stacks are for, in messages. */
    what: string;
    /** The part of the stack name before the suffix: `dev-`. */
    prefix: string;
    /** The suffix a stack name may carry after the prefix. */
    suffix: RegExp;
    /** How the suffix is spelt, in messages: `a lower-case name of 1–20 letters and digits`. */
    suffixHint: string;
}

export interface EnvironmentSpec {
    /** The environment's name: its singleton stack's name and the value of `atlas:environment`. */
    readonly name: string;
    /** What the environment is for, in the README and messages. */
    readonly purpose: string;
    /** The environment whose release this one must run; a promotion here is gated (the release gate, parity). */
    readonly promotedFrom?: string;
    /** Stacks of the environment besides its own (none: the environment is a singleton). */
    readonly extraStacks: readonly ExtraStacks[];
    /** Audiences that may be granted access; every other audience's grant is refused. */
    readonly audiences: readonly Audience[];
    /** Stateful resources (STATEFUL_RESOURCE_TYPES) must be protected and retained. */
    readonly protectsState: boolean;
    readonly guardrails: readonly Guardrail[];
}

/** The suffix of a developer's stack name, also the last word of its name prefix (which holds 26 characters at most). */
const DEVELOPER_NAME = /^[a-z][a-z0-9]{0,14}$/;

export const ENVIRONMENT_MODEL = [
    {
        name: "dev",
        purpose: "the developers' cloud sandbox: direct access, rapid iteration, allowed to be fragile",
        extraStacks: [
            {
                what: "a developer's stack",
                prefix: "dev-",
                suffix: DEVELOPER_NAME,
                suffixHint: "a lower-case name of 1–15 letters and digits, starting with a letter",
            },
            { what: "a pull request's review stack", prefix: "pr-", suffix: /^[1-9][0-9]{0,8}$/, suffixHint: "the pull request's number" },
        ],
        audiences: ["developers"],
        protectsState: false,
        guardrails: ["cost-limits"],
    },
    {
        name: "staging",
        purpose: "a mirror of prod, not exposed to consumers; developers neither access nor modify it",
        extraStacks: [],
        audiences: ["qa"],
        protectsState: true,
        guardrails: [],
    },
    {
        name: "prod",
        purpose: "exposed to consumers; monitored, secured, scalable, isolated",
        promotedFrom: "staging",
        extraStacks: [],
        audiences: ["consumers"],
        protectsState: true,
        guardrails: [],
    },
] as const satisfies readonly EnvironmentSpec[];

export type EnvironmentModel = readonly EnvironmentSpec[];

/**
 * Resource types that hold data or keys: deleting one loses what cannot be redeployed. The
 * program protects and retains these where the environment protects state (a unit test holds it
 * to this list, both ways), and the pack refuses one that is not protected.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2", // the same AWS bucket under @pulumi/aws's older token
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:cloudwatch/logGroup:LogGroup",
];

/** The names of a model's environments, in promotion order. */
export function environmentNames(model: EnvironmentModel): string[] {
    return model.map((e) => e.name);
}

/**
 * True when a name prefix names the environment: the environment's name is a run of whole dash-delimited words of
 * the prefix (`atlas-us-prod-us` names prod-us; `atlas-prod2` names no environment "prod"). Environment names may
 * themselves hold dashes, so the prefix is not split into words.
 */
export function prefixNamesEnvironment(prefix: string, environment: string): boolean {
    return `-${prefix}-`.includes(`-${environment}-`);
}

/** Names in words, for messages: `dev, staging or prod`. */
export function oneOf(names: readonly string[]): string {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** The environment a stack name belongs to: an environment's own name, or one of its extra stacks. */
export function environmentOfStack(stack: string, model: EnvironmentModel): EnvironmentSpec | undefined {
    return model.find((e) => e.name === stack || e.extraStacks.some((extra) => isExtraStack(stack, extra, model)));
}

function isExtraStack(stack: string, extra: ExtraStacks, model: EnvironmentModel): boolean {
    if (!stack.startsWith(extra.prefix)) {
        return false;
    }
    const suffix = stack.slice(extra.prefix.length);
    // A suffix that names an environment (`dev-prod`) would read as that environment in names and tags.
    return extra.suffix.test(suffix) && !model.some((e) => e.name === suffix);
}

/** The stack names the model accepts, in words, for messages. */
export function describeStackNames(model: EnvironmentModel): string {
    return model.map((e) => [e.name, ...e.extraStacks.map((extra) => `${extra.prefix}<${extra.suffixHint}> (${extra.what})`)].join(", ")).join("; ");
}

/** The environment an environment is promoted from, if its promotion is gated. */
export function upstreamOf(environment: string, model: EnvironmentModel): string | undefined {
    return model.find((e) => e.name === environment)?.promotedFrom;
}

/** Environments whose promotion is gated (they must run their upstream's release). */
export function gatedEnvironments(model: EnvironmentModel): string[] {
    return model.filter((e) => e.promotedFrom !== undefined).map((e) => e.name);
}

/**
 * Environments whose stacks must encrypt their secrets with a KMS key (`awskms://`), never a passphrase: each gated
 * environment and the one it is promoted from, whose state (secrets included) the gate reads. A passphrase is one
 * shared string anyone with the repository's CI secrets can use; a KMS key answers only to the roles its policy names.
 */
export function environmentsNeedingKmsSecrets(model: EnvironmentModel): string[] {
    const onReleasePath = new Set(model.flatMap((e) => (e.promotedFrom === undefined ? [] : [e.name, e.promotedFrom])));
    return model.filter((e) => onReleasePath.has(e.name)).map((e) => e.name);
}

/** The KMS key (an alias) that encrypts a stack's secrets: one key per stack, so a role can be given only its own. */
export function secretsKeyAlias(stack: string): string {
    return `alias/atlas-${stack}-secrets`;
}

/** Environments that may grant an audience access, and those that may not. */
export function environmentsGranting(audience: Audience, model: EnvironmentModel): string[] {
    return model.filter((e) => e.audiences.includes(audience)).map((e) => e.name);
}

export function environmentsDenying(audience: Audience, model: EnvironmentModel): string[] {
    return model.filter((e) => !e.audiences.includes(audience)).map((e) => e.name);
}

export function environmentsProtectingState(model: EnvironmentModel): string[] {
    return model.filter((e) => e.protectsState).map((e) => e.name);
}

export function environmentsWithGuardrail(guardrail: Guardrail, model: EnvironmentModel): string[] {
    return model.filter((e) => e.guardrails.includes(guardrail)).map((e) => e.name);
}

/**
 * Problems with a model, none when it is sound: unique names, an upstream that exists and comes
 * earlier (promotion runs in model order), extra-stack prefixes that no environment's name matches.
 */
export function modelProblems(model: EnvironmentModel): string[] {
    const problems: string[] = [];
    model.forEach((e, index) => {
        if (model.findIndex((other) => other.name === e.name) !== index) {
            problems.push(`environment "${e.name}" is defined twice`);
        }
        if (e.promotedFrom !== undefined && !model.slice(0, index).some((earlier) => earlier.name === e.promotedFrom)) {
            problems.push(`environment "${e.name}" is promoted from "${e.promotedFrom}", which is not an environment defined before it`);
        }
        for (const extra of e.extraStacks) {
            const taken = model.filter((other) => other.name.startsWith(extra.prefix) && extra.suffix.test(other.name.slice(extra.prefix.length)));
            if (taken.length > 0) {
                problems.push(`${extra.what} (${extra.prefix}…) could take the name of ${taken.map((t) => t.name).join(", ")}`);
            }
        }
    });
    return problems;
}

// A model that cannot work stops every program, pack and command that reads it, naming what is wrong.
const MODEL_PROBLEMS = modelProblems(ENVIRONMENT_MODEL);
if (MODEL_PROBLEMS.length > 0) {
    throw new Error(`policy-pack/src/contract/environments.ts: ${MODEL_PROBLEMS.join("; ")}`);
}

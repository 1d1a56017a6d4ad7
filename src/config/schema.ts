/**
 * The one table of Atlas config keys (namespace `atlas`). Pulumi.yaml's `config:` schema, the
 * start-up validation, the typed config and the release facts' parity config all derive from it.
 *
 * Whether a key may differ between staging and prod is NOT decided here: that list is the
 * contract in `policy-pack/src/contract/environment-keys.ts`.
 */
import { ENVIRONMENTS } from "../../policy-pack/src/contract";

export const CONFIG_NAMESPACE = "atlas";

/** Pulumi's project config types. */
export type KeyType = "string" | "integer" | "boolean" | "array";

export interface KeySpec {
    type: KeyType;
    description: string;
    /** Value used when the stack does not set the key; absent on required and optional keys. */
    default?: string | number | boolean | readonly string[];
    /** Must be set in every stack. */
    required?: true;
    /** May be left unset (Pulumi.yaml then declares the empty default `""`). */
    optional?: true;
    /** Must be set with `pulumi config set --secret`. */
    secret?: true;
    enum?: readonly (string | number)[];
    min?: number;
    max?: number;
    /** For strings, and for every item of an array. */
    pattern?: RegExp;
    /** What the pattern means, in words, for messages. */
    patternHint?: string;
    /** A valid value, used in the fix command of messages. */
    example: string;
}

const IAM_PRINCIPAL = /^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,128}$/;
const IAM_PRINCIPAL_HINT = "IAM role or user ARNs (arn:aws:iam::<12 digits>:role/<name>)";

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const CONFIG_KEYS = {
    // Environment-specific: identity, placement, who may access, where alerts go.
    environment: {
        type: "string",
        required: true,
        enum: ENVIRONMENTS,
        example: "staging",
        description: `Which environment this stack is: ${ENVIRONMENTS.join(", ")} (a developer's or review stack is dev).`,
    },
    awsAccountId: {
        type: "string",
        required: true,
        pattern: /^\d{12}$/,
        patternHint: "12 digits",
        example: "222222222222",
        description: "The environment's own AWS account; the provider refuses credentials of any other account.",
    },
    awsRegion: {
        type: "string",
        required: true,
        pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
        patternHint: "an AWS region such as eu-west-1",
        example: "eu-west-1",
        description: "The AWS region the environment deploys to.",
    },
    namePrefix: {
        type: "string",
        required: true,
        pattern: /^[a-z][a-z0-9-]{2,24}[a-z0-9]$/,
        patternHint: "4-26 lower-case letters, digits or dashes, starting with a letter",
        example: "atlas-staging",
        description: "Prefix of every physical resource name; must contain the environment name.",
    },
    upstreamStack: {
        type: "string",
        optional: true,
        pattern: /^([\w.-]+\/){0,2}[\w.-]+$/,
        patternHint: "a stack name, or org/project/stack",
        example: "staging",
        description: "The stack this one is promoted from (prod: staging); its `release` output is carried to the policy pack.",
    },
    developerPrincipals: {
        type: "array",
        default: [],
        pattern: IAM_PRINCIPAL,
        patternHint: IAM_PRINCIPAL_HINT,
        example: "arn:aws:iam::111111111111:role/atlas-developers",
        description: "Principals that may assume the read/write developer role (dev only).",
    },
    qaPrincipals: {
        type: "array",
        default: [],
        pattern: IAM_PRINCIPAL,
        patternHint: IAM_PRINCIPAL_HINT,
        example: "arn:aws:iam::222222222222:role/atlas-qa",
        description: "Principals that may assume the read-only QA role (staging only).",
    },
    consumerPrincipals: {
        type: "array",
        default: [],
        pattern: IAM_PRINCIPAL,
        patternHint: IAM_PRINCIPAL_HINT,
        example: "arn:aws:iam::333333333333:role/analytics-readers",
        description: "Principals that may assume the consumer role reading the published zone (prod only).",
    },
    routeAlertsToOncall: {
        type: "boolean",
        default: false,
        example: "true",
        description: "Subscribe the on-call endpoint to the alert topic (required in prod).",
    },
    oncallEndpoint: {
        type: "string",
        optional: true,
        secret: true,
        pattern: /^https:\/\/\S+$/,
        patternHint: "an https:// URL",
        example: "https://...",
        description: "Secret https endpoint of the on-call pager; set with `pulumi config set --secret`.",
    },
    teamAlertEmail: {
        type: "string",
        required: true,
        pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
        patternHint: "an e-mail address",
        example: "atlas-team@example.com",
        description: "The team's e-mail address subscribed to the alert topic.",
    },

    // Parity-relevant: identical in staging and prod so that staging runs prod's full load.
    protectStatefulResources: {
        type: "boolean",
        required: true,
        example: "true",
        description: "Protect and retain on delete the KMS key, buckets, Glue databases and log groups (required in staging and prod).",
    },
    bucketVersioning: {
        type: "boolean",
        default: true,
        example: "true",
        description: "Enable versioning on every data-lake bucket.",
    },
    landingRetentionDays: {
        type: "integer",
        default: 30,
        min: 1,
        max: 3650,
        example: "30",
        description: "Days a raw third-party drop stays in the landing zone before it expires.",
    },
    noncurrentVersionRetentionDays: {
        type: "integer",
        default: 30,
        min: 1,
        max: 3650,
        example: "30",
        description: "Days a non-current object version is kept in any bucket.",
    },
    queryResultsRetentionDays: {
        type: "integer",
        default: 7,
        min: 1,
        max: 365,
        example: "7",
        description: "Days Athena query results are kept.",
    },
    kmsDeletionWindowDays: {
        type: "integer",
        default: 30,
        min: 7,
        max: 30,
        example: "30",
        description: "Waiting period before a deleted KMS key is destroyed.",
    },
    glueVersion: {
        type: "string",
        default: "5.0",
        enum: ["4.0", "5.0"],
        example: "5.0",
        description: "AWS Glue version of the ETL job.",
    },
    glueWorkerType: {
        type: "string",
        default: "G.1X",
        enum: ["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"],
        example: "G.1X",
        description: "Glue worker type of the ETL job.",
    },
    glueNumberOfWorkers: {
        type: "integer",
        default: 10,
        min: 2,
        max: 299,
        example: "10",
        description: "Number of Glue workers of the ETL job.",
    },
    glueJobTimeoutMinutes: {
        type: "integer",
        default: 60,
        min: 1,
        max: 2880,
        example: "60",
        description: "Minutes before a Glue job run is stopped.",
    },
    glueJobMaxRetries: {
        type: "integer",
        default: 1,
        min: 0,
        max: 10,
        example: "1",
        description: "Retries of a failed Glue job run.",
    },
    pipelineSchedule: {
        type: "string",
        default: "cron(0 3 * * ? *)",
        pattern: /^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
        patternHint: "an EventBridge schedule expression, cron(...) with 6 fields or rate(...)",
        example: "cron(0 3 * * ? *)",
        description: "EventBridge schedule that starts the pipeline state machine.",
    },
    logRetentionDays: {
        type: "integer",
        default: 90,
        enum: LOG_RETENTION_DAYS,
        example: "90",
        description: "Retention of the pipeline's CloudWatch log groups.",
    },
    athenaBytesScannedCutoffMb: {
        type: "integer",
        default: 10240,
        min: 10,
        max: 10485760,
        example: "10240",
        description: "Athena stops any query of the workgroup that scans more than this many MiB.",
    },
    dataQualityMinRowCount: {
        type: "integer",
        default: 1,
        min: 0,
        max: 1000000000,
        example: "1000",
        description: "Data-quality rule: fewest rows a landing drop may have.",
    },
    dataQualityMinCompletenessPercent: {
        type: "integer",
        default: 95,
        min: 0,
        max: 100,
        example: "95",
        description: "Data-quality rule: lowest percentage of non-null record ids in a landing drop.",
    },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

type ValueOf<S> = S extends { type: "integer" }
    ? number
    : S extends { type: "boolean" }
      ? boolean
      : S extends { type: "array" }
        ? string[]
        : S extends { enum: readonly (infer E)[] }
          ? E
          : string;

/** The validated config: every key typed, defaults applied, optional keys possibly undefined. */
export type AtlasConfig = {
    readonly [K in ConfigKey]: (typeof CONFIG_KEYS)[K] extends { optional: true }
        ? ValueOf<(typeof CONFIG_KEYS)[K]> | undefined
        : ValueOf<(typeof CONFIG_KEYS)[K]>;
};

export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

export function specOf(key: ConfigKey): KeySpec {
    return CONFIG_KEYS[key];
}

export function qualified(key: string): string {
    return `${CONFIG_NAMESPACE}:${key}`;
}

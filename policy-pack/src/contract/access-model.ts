/**
 * Who may do what, written once (ADR-0041): for each holder of an IAM role — an audience of the
 * environment model (environments.ts) or the platform's own services — the access levels of AWS's
 * catalogue it may hold, and on which of its environment's resources. The pack's access policy, the
 * `access` command and docs/access.md all read this table; a grant outside it is refused.
 *
 * Levels are AWS's (`iam-data`'s `accessLevel`): List, Read, Write, Permissions management, Tagging.
 * Where a level is too coarse (KMS's Encrypt and Decrypt are "Write", as is its key deletion), a
 * rule names the actions instead. No `@pulumi` dependency.
 */
import { Audience } from "./environments";
import { AtlasNames, DATA_ZONES, DataZone } from "./resource-names";

export const ACCESS_LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Who holds a role: an audience (by the role's logical name, `qa-role`), or the platform's services (a role only services assume). */
export type AccessHolder = Audience | "services";

/** The resources a rule is about. `anywhere` is any ARN, `*` included; `account-level` is an action AWS defines on no resource (granted on `*`). */
export type AccessTarget = `${DataZone}-zone` | "catalog" | "query-results" | "artifacts" | "workgroup" | "key" | "environment" | "account-level" | "anywhere";

export interface AccessRule {
    on: readonly AccessTarget[];
    /** Levels allowed there: an action is allowed when each of its levels is listed. */
    levels?: readonly AccessLevel[];
    /** Actions allowed there whatever their level (IAM wildcards). */
    actions?: readonly string[];
    /** Why, in the words of ADR-0041 or of what the grant is for. */
    why: string;
}

const READING: readonly AccessLevel[] = ["List", "Read"];

/** Exactly what running an Athena query needs: results, the workgroup, the key the data is encrypted with. */
const QUERYING: readonly AccessRule[] = [
    { on: ["query-results"], levels: ["List", "Read", "Write"], why: "Athena writes each query's results there" },
    {
        on: ["workgroup"],
        levels: READING,
        actions: ["athena:StartQueryExecution", "athena:StopQueryExecution"],
        why: "queries run in the environment's workgroup",
    },
    {
        on: ["key"],
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"],
        why: "the data and the results are encrypted with the environment's key (use it, never administer it)",
    },
];

export const ACCESS_MODEL: Readonly<Record<AccessHolder, readonly AccessRule[]>> = {
    developers: [{ on: ["anywhere"], levels: ACCESS_LEVELS, why: "developers read and write in dev (no-developer-access keeps them out elsewhere)" }],
    qa: [{ on: ["landing-zone", "curated-zone", "published-zone", "catalog"], levels: READING, why: "QA has read-only access to staging's data" }, ...QUERYING],
    consumers: [
        { on: ["published-zone", "catalog"], levels: READING, why: "consumers read prod's published data, and nothing of landing, raw or curated" },
        ...QUERYING,
    ],
    services: [
        { on: ["environment"], levels: ACCESS_LEVELS, why: "the pipeline writes only its own environment's resources" },
        { on: ["account-level"], levels: ACCESS_LEVELS, why: "an action AWS defines on no resource can only be granted on *" },
        { on: ["anywhere"], levels: READING, why: "reading is not writing; cross-environment names are refused by no-cross-environment-references" },
        { on: ["anywhere"], actions: ["cloudwatch:PutMetricData"], why: "a metric outside a CloudWatch dataset has no ARN" },
    ],
};

/** How the program names an audience's role (`qa-role`, `qa-policy`): the audience's word, then a dash. */
export const AUDIENCE_ROLE_PREFIX: Readonly<Record<Audience, string>> = { developers: "developer-", qa: "qa-", consumers: "consumer-" };

/** Resource patterns (IAM wildcards) of each named target, for an environment's names; region left open. */
export function targetPatterns(names: AtlasNames): Record<Exclude<AccessTarget, "environment" | "account-level" | "anywhere">, string[]> {
    const bucket = (role: Parameters<AtlasNames["bucketArn"]>[0]) => [names.bucketArn(role), `${names.bucketArn(role)}/*`];
    const zone = (z: DataZone) => [...bucket(z), names.databaseArn(z), names.tablesArn(z)];
    const { accountId } = names.placement;
    return {
        ...(Object.fromEntries(DATA_ZONES.map((z) => [`${z}-zone`, zone(z)])) as Record<`${DataZone}-zone`, string[]>),
        catalog: [names.glueCatalogArn],
        "query-results": bucket("query-results"),
        artifacts: bucket("artifacts"),
        workgroup: [names.workgroupArn],
        key: [`arn:${names.partition}:kms:*:${accountId}:key/*`],
    };
}

/** The environment's own resources for one service: its buckets for S3, its account's ARNs otherwise. */
export function environmentPatterns(names: AtlasNames, service: string): string[] {
    if (service === "s3") {
        return Object.values(targetPatterns(names))
            .flat()
            .filter((p) => p.startsWith(`arn:${names.partition}:s3:`));
    }
    return [`arn:${names.partition}:${service}:*:${names.placement.accountId}:*`];
}

/** Names for the access model from what the pack knows of a stack: its prefix and account (the region stays a wildcard). */
export function namesForAccess(namePrefix: string, accountId: string): AtlasNames {
    return new AtlasNames({ namePrefix, accountId, region: "*" });
}

/**
 * A small compliant Atlas-like platform per environment, and the evidence the release tooling
 * hands the gate for a prod update of it:
 * - prod's plan: resource specs for the helpers (inputs plus the provider's known outputs);
 * - staging's checkpoint: the same platform deployed to staging, as `pulumi stack export
 *   --show-secrets` writes it, and as the ComparedResource[] the tooling passes (`stagingState`);
 * - `promotion`: the candidate release, staging's history ending in a successful release update of
 *   that candidate, and staging's resource count.
 *
 * Everything that differs between the environments is an environment-specific value (account,
 * prefix, environment name, principals, alert e-mail) or a value the cloud generates (the KMS key
 * id inside ARNs, the topic's auto-name, the provider's id). Tests change one thing at a time.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AtlasPolicyPackConfig, buildPromotionConfig } from "../src/config";
import { CheckpointResource, comparedResourcesOf } from "../src/contract/desired-state/checkpoint";
import { EnvironmentValues } from "../src/contract/desired-state/environment";
import { ComparedResource } from "../src/contract/desired-state/resources";
import { Environment, EnvironmentIdentity } from "../src/contract/environment-identity";
import { EVIDENCE_FORMAT, PromotionEvidence, StagingStateEvidence } from "../src/contract/promotion-evidence";
import { RELEASE_FORMAT, ReleaseFacts } from "../src/contract/release-facts";
import { ReleaseIdentity, releaseMessage } from "../src/contract/release-identity";
import { HistoryEntry } from "../src/contract/stack-history";
import { ResourceSpec, SECRET_SIG, SIG, fileAsset, secret, urnOf } from "./helpers";

export const SECRET = "hunter2-webhook-token";
export const REGION = "eu-west-1";
export const ACCOUNTS: Record<Environment, string> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };
export const PREFIXES: Record<Environment, string> = { dev: "atlas-dev", staging: "atlas-staging", prod: "atlas-prod" };
export const DEVELOPER = "arn:aws:iam::111111111111:role/atlas-developers";
export const QA = "arn:aws:iam::222222222222:role/atlas-qa";
export const CONSUMER = "arn:aws:iam::444444444444:role/analytics-consumers";
export const TEAM_EMAILS: Record<Environment, string> = {
    dev: "atlas-dev@example.com",
    staging: "atlas-staging-alerts@example.com",
    prod: "atlas-alerts@example.com",
};
export const PROVIDER = "atlas-aws";
/** The KMS key id AWS generated in each environment. */
export const KEY_IDS: Record<Environment, string> = {
    dev: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    staging: "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d",
    prod: "9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
};
/** The name the AWS provider generated for the alert topic (`<logical name>-<7 hex>`). */
export const TOPIC_NAMES: Record<Environment, string> = { dev: "alerts-0a0b0c0", staging: "alerts-1a2b3c4", prod: "alerts-7f8e9d0" };
/** The id of the provider resource in each stack's checkpoint. */
const PROVIDER_IDS: Record<Environment, string> = {
    dev: "00000000-0000-4000-8000-000000000001",
    staging: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    prod: "6a1f0c2e-7b3d-4e5f-9a8b-7c6d5e4f3a2b",
};
export const ETL_SCRIPT = path.resolve(__dirname, "..", "..", "glue", "atlas_etl.py");

export const STAGING_STACK = "organization/atlas/staging";
export const PROD_STACK = "organization/atlas/prod";

/** The release being promoted, as the tooling measured it from git. */
export const CANDIDATE: ReleaseIdentity = {
    version: "1.4.0",
    commit: "0123456789abcdef0123456789abcdef01234567",
    digest: `sha256:${"5e".repeat(32)}`,
};
export const VERSION = CANDIDATE.version;
/** Another release: a later commit with other deployment inputs. */
export const NEXT: ReleaseIdentity = { version: "1.5.0", commit: "89abcdef0123456789abcdef0123456789abcdef", digest: `sha256:${"7a".repeat(32)}` };

export const ENVIRONMENTS_CONFIG = {
    environments: Object.fromEntries((["dev", "staging", "prod"] as Environment[]).map((e) => [e, { awsAccountId: ACCOUNTS[e], namePrefix: PREFIXES[e] }])),
};

export function identityOf(environment: Environment, overrides: Partial<EnvironmentIdentity> = {}): EnvironmentIdentity {
    return {
        environment,
        awsAccountId: ACCOUNTS[environment],
        namePrefix: PREFIXES[environment],
        developerPrincipals: environment === "dev" ? [DEVELOPER] : [],
        consumerPrincipals: environment === "prod" ? [CONSUMER] : [],
        ...overrides,
    };
}

/** Each environment's values of the environment-specific keys, as its stack file sets them. */
export function environmentValuesOf(environment: Environment): EnvironmentValues {
    return {
        environment,
        awsAccountId: ACCOUNTS[environment],
        awsRegion: REGION,
        namePrefix: PREFIXES[environment],
        ...(environment === "prod" ? { upstreamStack: "staging" } : {}),
        developerPrincipals: environment === "dev" ? [DEVELOPER] : [],
        qaPrincipals: environment === "staging" ? [QA] : [],
        consumerPrincipals: environment === "prod" ? [CONSUMER] : [],
        routeAlertsToOncall: String(environment === "prod"),
        teamAlertEmail: TEAM_EMAILS[environment],
    };
}

export const tlsOnly = (bucket: string, readers: string[] = []) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            { Sid: "Readers", Effect: "Allow", Principal: { AWS: readers }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/published/*` },
        ],
    });

export const trustPolicy = (principal: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }] });

const serviceTrust = (service: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

export function keyArnOf(environment: Environment): string {
    return `arn:aws:kms:${REGION}:${ACCOUNTS[environment]}:key/${KEY_IDS[environment]}`;
}

/** The platform's resources (without the Stack resource), as the engine lists them for a deployed stack. */
export function platform(environment: Environment): ResourceSpec[] {
    const [account, prefix] = [ACCOUNTS[environment], PREFIXES[environment]];
    const bucket = `${prefix}-raw`;
    const protect = environment !== "dev";
    const keyArn = keyArnOf(environment);
    const topicArn = `arn:aws:sns:${REGION}:${account}:${TOPIC_NAMES[environment]}`;
    const roleArn = `arn:aws:iam::${account}:role/${prefix}-glue`;
    const aws = { provider: PROVIDER };
    const specs: ResourceSpec[] = [
        {
            type: "pulumi:providers:aws",
            name: PROVIDER,
            props: { region: REGION, defaultTags: JSON.stringify({ tags: { environment, project: "atlas" } }), allowedAccountIds: JSON.stringify([account]) },
        },
        { type: "atlas:storage:Storage", name: "storage", props: { keyArn, bucketName: bucket } },
        {
            type: "aws:kms/key:Key",
            name: "data-key",
            props: { enableKeyRotation: true, deletionWindowInDays: 30, description: `${prefix} data key` },
            outputs: { arn: keyArn, keyId: KEY_IDS[environment] },
            protect,
            ...aws,
        },
        {
            type: "aws:s3/bucketV2:BucketV2",
            name: "raw",
            props: { bucket, tags: { environment, zone: "raw" } },
            outputs: { arn: `arn:aws:s3:::${bucket}`, id: bucket },
            protect,
            ...aws,
        },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "raw-encryption",
            props: { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }] },
            ...aws,
            dependsOn: { bucket: ["raw"], rules: ["data-key"] },
        },
        {
            type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            name: "raw-public-access",
            props: { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            ...aws,
            dependsOn: { bucket: ["raw"] },
        },
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: "raw-policy",
            props: { bucket, policy: tlsOnly(bucket, []) },
            ...aws,
            dependsOn: { bucket: ["raw"], policy: ["raw"] },
        },
        {
            type: "aws:s3/bucketObjectv2:BucketObjectv2",
            name: "etl-script",
            props: { bucket, key: "scripts/atlas_etl.py", source: fileAsset(ETL_SCRIPT) },
            ...aws,
            dependsOn: { bucket: ["raw"] },
        },
        {
            type: "aws:iam/role:Role",
            name: "glue-role",
            props: { name: `${prefix}-glue`, assumeRolePolicy: serviceTrust("glue.amazonaws.com") },
            outputs: { arn: roleArn },
            ...aws,
        },
        {
            type: "aws:glue/job:Job",
            name: "etl",
            props: {
                name: `${prefix}-etl`,
                numberOfWorkers: 4,
                workerType: "G.1X",
                roleArn,
                command: { scriptLocation: `s3://${bucket}/scripts/atlas_etl.py`, pythonVersion: "3" },
                defaultArguments: { "--environment": environment, "--alerts-topic": topicArn },
            },
            outputs: { arn: `arn:aws:glue:${REGION}:${account}:job/${prefix}-etl` },
            ...aws,
            dependsOn: { roleArn: ["glue-role"], command: ["raw"], defaultArguments: ["alerts"] },
        },
        {
            type: "aws:athena/workgroup:Workgroup",
            name: "queries",
            props: { name: `${prefix}-queries`, configuration: { bytesScannedCutoffPerQuery: 1024 ** 3 } },
            ...aws,
        },
        {
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: "etl-logs",
            props: { name: `/aws-glue/${prefix}`, retentionInDays: 14, kmsKeyId: keyArn },
            ...aws,
            protect, // a log group is stateful (STATEFUL_RESOURCE_TYPES), as the program treats it
            dependsOn: { kmsKeyId: ["data-key"] },
        },
        {
            type: "aws:sns/topic:Topic",
            name: "alerts",
            props: { name: TOPIC_NAMES[environment], kmsMasterKeyId: keyArn },
            outputs: { arn: topicArn },
            ...aws,
            dependsOn: { kmsMasterKeyId: ["data-key"] },
        },
        {
            type: "aws:sns/topicSubscription:TopicSubscription",
            name: "team-email",
            props: { topic: topicArn, protocol: "email", endpoint: TEAM_EMAILS[environment] },
            ...aws,
            dependsOn: { topic: ["alerts"] },
        },
        {
            type: "aws:ssm/parameter:Parameter",
            name: "webhook-token",
            props: { name: `/${prefix}/webhook-token`, type: "SecureString", value: secret(SECRET), keyId: keyArn },
            ...aws,
            dependsOn: { keyId: ["data-key"] },
        },
    ];
    if (environment === "staging") {
        specs.push({
            type: "aws:iam/role:Role",
            name: "qa-read",
            props: { name: `${prefix}-qa`, assumeRolePolicy: trustPolicy(QA) },
            outputs: { arn: `arn:aws:iam::${account}:role/${prefix}-qa` },
            ...aws,
        });
    }
    if (environment === "prod") {
        specs.push({
            type: "aws:iam/role:Role",
            name: "consumer-read",
            props: { name: `${prefix}-consumer`, assumeRolePolicy: trustPolicy(CONSUMER) },
            outputs: { arn: `arn:aws:iam::${account}:role/${prefix}-consumer` },
            ...aws,
        });
    }
    return specs;
}

/** What a stack's program says it deployed (its `release` output). */
export function releaseFacts(environment: Environment, identity: ReleaseIdentity = CANDIDATE): ReleaseFacts {
    return {
        format: RELEASE_FORMAT,
        project: "atlas",
        stack: environment,
        environment,
        version: identity.version,
        commit: identity.commit,
        digest: identity.digest,
    };
}

export function stackResource(environment: Environment, outputs: Record<string, unknown>): ResourceSpec {
    return { type: "pulumi:pulumi:Stack", name: `atlas-${environment}`, props: outputs };
}

/** A compliant stack: the Stack resource with its outputs, then the platform. */
export function compliantStack(environment: Environment, outputs: Record<string, unknown> = {}): ResourceSpec[] {
    const base: Record<string, unknown> = { release: releaseFacts(environment), environmentIdentity: identityOf(environment) };
    if (environment === "prod") {
        base.upstreamStack = STAGING_STACK;
        base.upstreamRelease = releaseFacts("staging");
    }
    return [stackResource(environment, { ...base, ...outputs }), ...platform(environment)];
}

/** Replaces one resource of a stack (by name) with a changed copy. */
export function withResource(specs: ResourceSpec[], name: string, change: (spec: ResourceSpec) => ResourceSpec): ResourceSpec[] {
    if (!specs.some((spec) => spec.name === name)) {
        throw new Error(`test stack has no resource named "${name}"`);
    }
    return specs.map((spec) => (spec.name === name ? change(spec) : spec));
}

/** Changes some inputs of one resource. */
export function withProps(specs: ResourceSpec[], name: string, props: Record<string, unknown>): ResourceSpec[] {
    return withResource(specs, name, (spec) => ({ ...spec, props: { ...spec.props, ...props } }));
}

// ---- staging's checkpoint, as the tooling reads it ----

/** A stack's resources as `pulumi stack export --show-secrets` writes them. */
export function checkpointOf(stack: Environment, specs: ResourceSpec[]): CheckpointResource[] {
    const byName = new Map(specs.map((spec) => [spec.name, spec]));
    return specs.map((spec): CheckpointResource => {
        const urn = urnOf(stack, spec);
        const inputs = exported(spec.props ?? {}) as Record<string, unknown>;
        const dependsOn = Object.fromEntries(
            Object.entries(spec.dependsOn ?? {}).map(([key, names]) => [key, names.map((name) => urnOf(stack, byName.get(name)!))]),
        );
        return {
            urn,
            type: spec.type,
            custom: spec.provider !== undefined || spec.type.startsWith("pulumi:providers:"),
            inputs,
            outputs: { ...inputs, ...(exported(spec.outputs ?? {}) as Record<string, unknown>) },
            dependencies: [...new Set(Object.values(dependsOn).flat())],
            propertyDependencies: dependsOn,
            protect: spec.protect ?? false,
            ...(spec.provider ? { provider: `${urnOf(stack, byName.get(spec.provider)!)}::${PROVIDER_IDS[stack]}` } : {}),
        };
    });
}

/** Wire form → export form: a secret with its plain text (as --show-secrets writes it), an asset with its hash. */
function exported(value: unknown): unknown {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(exported);
    }
    const record = value as Record<string, unknown>;
    if (record[SIG] === SECRET_SIG) {
        return { [SIG]: SECRET_SIG, plaintext: JSON.stringify(record.value) };
    }
    if (typeof record[SIG] === "string" && typeof record.path === "string") {
        return { ...record, hash: createHash("sha256").update(fs.readFileSync(record.path)).digest("hex") };
    }
    if (typeof record[SIG] === "string" && typeof record.text === "string") {
        return { ...record, hash: createHash("sha256").update(record.text).digest("hex") };
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, exported(item)]));
}

/** Staging deployed at the candidate: its whole checkpoint (the Stack resource included). */
export function stagingCheckpoint(specs: ResourceSpec[] = compliantStack("staging")): CheckpointResource[] {
    return checkpointOf("staging", specs);
}

/** Staging's resources as the tooling passes them (`stagingState.resources`). */
export function stagingResources(specs?: ResourceSpec[]): ComparedResource[] {
    return comparedResourcesOf(stagingCheckpoint(specs));
}

export function stagingState(resources: ComparedResource[] = stagingResources()): StagingStateEvidence {
    return { environments: { staging: environmentValuesOf("staging"), prod: environmentValuesOf("prod") }, resources };
}

// ---- staging's history ----

/** How many resources staging's checkpoint holds (the Stack resource included). */
export const STAGING_RESOURCE_COUNT = stagingCheckpoint().length;

let minute = 0;
/** A distinct, increasing start time for each entry made. */
function nextTime(): string {
    minute += 1;
    return new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString();
}

export function historyEntry(kind: string, result: string, resourceChanges: Record<string, number>, message = ""): HistoryEntry {
    return { kind, result, message, resourceChanges, startTime: nextTime() };
}

/** A successful update `promote` made (its message records the release), leaving `count` resources. */
export function releaseUpdate(identity: ReleaseIdentity = CANDIDATE, count = STAGING_RESOURCE_COUNT): HistoryEntry {
    return historyEntry("update", "succeeded", { same: count - 2, update: 2 }, releaseMessage(identity, { source: "bootstrap", commit: identity.commit }));
}

/** A nightly `pulumi refresh` that found nothing to change. */
export function quietRefresh(count = STAGING_RESOURCE_COUNT): HistoryEntry {
    return historyEntry("refresh", "succeeded", { same: count });
}

/** The checkout promote measured: this repository (file assets of the fixtures resolve against it). */
export const CANDIDATE_DIRECTORY = path.resolve(__dirname, "..", "..");

/** The evidence `promote` passes: staging's newest state change is a successful release update of the candidate. */
export function promotion(overrides: Partial<PromotionEvidence> = {}): PromotionEvidence {
    return {
        format: EVIDENCE_FORMAT,
        targetStack: PROD_STACK,
        stagingStack: STAGING_STACK,
        candidate: CANDIDATE,
        candidateDirectory: CANDIDATE_DIRECTORY,
        stagingChanges: [releaseUpdate()],
        stagingResourceCount: STAGING_RESOURCE_COUNT,
        ...overrides,
    };
}

/** The whole policy config `promote` builds for a prod update (plus the guardrails' environments). */
export function gateConfig(evidence: { promotion?: unknown; stagingState?: unknown } = {}, extra: AtlasPolicyPackConfig = {}): AtlasPolicyPackConfig {
    const config = buildPromotionConfig(
        (evidence.promotion ?? promotion()) as PromotionEvidence,
        (evidence.stagingState ?? stagingState()) as StagingStateEvidence,
        extra,
    );
    return { ...config, "no-cross-environment-references": ENVIRONMENTS_CONFIG };
}

/** One policy's block of a policy config, as the engine hands it to that policy (without its enforcement level). */
export function blockFor(policy: string, config: object = gateConfig()): object {
    const block = (config as Record<string, unknown>)[policy];
    if (block === undefined || typeof block === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...fields } = block as Record<string, unknown>;
    return fields;
}

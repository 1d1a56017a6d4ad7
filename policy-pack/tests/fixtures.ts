/** A small compliant Atlas-like stack per environment, and the facts that describe it. */
import { digestOf, secretStandIn } from "../src/contract/canonical";
import { Environment, EnvironmentIdentity } from "../src/contract/environment-identity";
import { ReleaseFacts, isTrackedType, resourceRole, resourcesDigestOf } from "../src/contract/release-facts";
import { StagingEvidence } from "../src/config";
import { ResourceSpec } from "./helpers";

export const VERSION = "1.4.0";
export const SECRET = "hunter2-webhook-token";
export const ACCOUNTS: Record<Environment, string> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };
export const PREFIXES: Record<Environment, string> = { dev: "atlas-dev", staging: "atlas-stg", prod: "atlas-prd" };
export const DEVELOPER = "arn:aws:iam::111111111111:role/atlas-developers";
export const CONSUMER = "arn:aws:iam::444444444444:role/analytics-consumers";
export const PROVIDER = "atlas-aws";

export const PARITY_CONFIG = { glueNumberOfWorkers: 4, glueWorkerType: "G.1X", logRetentionDays: 14, alertWebhook: secretStandIn(SECRET) };

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

const tlsOnly = (bucket: string) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });

export const trustPolicy = (principal: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }] });

/** The platform's resources (without the Stack resource), as the engine would list them. */
export function platform(environment: Environment): ResourceSpec[] {
    const prefix = PREFIXES[environment];
    const bucket = `${prefix}-raw`;
    const stateful = environment === "prod";
    return [
        { type: "pulumi:providers:aws", name: PROVIDER, props: { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { environment } }), allowedAccountIds: JSON.stringify([ACCOUNTS[environment]]) } },
        { type: "atlas:storage:Storage", name: "storage" },
        { type: "aws:kms/key:Key", name: "data-key", props: { enableKeyRotation: true, deletionWindowInDays: 30 }, protect: stateful, provider: PROVIDER },
        { type: "aws:s3/bucketV2:BucketV2", name: "raw", props: { bucket, id: bucket }, protect: stateful, provider: PROVIDER },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "raw-encryption",
            props: { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:eu-west-1:${ACCOUNTS[environment]}:key/1` } }] },
            provider: PROVIDER,
            dependsOn: { bucket: ["raw"] },
        },
        { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "raw-public-access", props: { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, provider: PROVIDER, dependsOn: { bucket: ["raw"] } },
        { type: "aws:s3/bucketPolicy:BucketPolicy", name: "raw-policy", props: { bucket, policy: tlsOnly(bucket) }, provider: PROVIDER, dependsOn: { bucket: ["raw"] } },
        { type: "aws:iam/role:Role", name: "glue-role", props: { name: `${prefix}-glue`, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }, provider: PROVIDER },
        { type: "aws:glue/job:Job", name: "etl", props: { name: `${prefix}-etl`, numberOfWorkers: 4, workerType: "G.1X" }, provider: PROVIDER },
        { type: "aws:athena/workgroup:Workgroup", name: "queries", props: { name: `${prefix}-queries`, configuration: { bytesScannedCutoffPerQuery: 1024 ** 3 } }, provider: PROVIDER },
        { type: "aws:cloudwatch/logGroup:LogGroup", name: "etl-logs", props: { name: `/aws-glue/${prefix}`, retentionInDays: 14 }, provider: PROVIDER },
        ...(environment === "prod"
            ? [{ type: "aws:iam/role:Role", name: "consumer-read", props: { name: `${prefix}-consumer`, assumeRolePolicy: trustPolicy(CONSUMER) }, provider: PROVIDER }]
            : []),
    ];
}

export function releaseOf(environment: Environment, resources: ResourceSpec[], overrides: Partial<ReleaseFacts> = {}): ReleaseFacts {
    const roles = resources.filter((r) => isTrackedType(r.type)).map((r) => resourceRole(r.type, r.name)).sort();
    const parityConfig = overrides.parityConfig ?? PARITY_CONFIG;
    return {
        format: "atlas.release/v1",
        project: "atlas",
        stack: environment,
        environment,
        version: VERSION,
        promotable: true,
        parityConfig,
        configDigest: digestOf(parityConfig),
        resources: roles,
        resourcesDigest: resourcesDigestOf(roles),
        ...overrides,
    };
}

export const STAGING_RELEASE = releaseOf("staging", platform("staging"));

export function stackResource(environment: Environment, outputs: Record<string, unknown>): ResourceSpec {
    return { type: "pulumi:pulumi:Stack", name: `atlas-${environment}`, props: outputs };
}

/** A compliant stack: platform resources plus the Stack resource with its outputs. */
export function compliantStack(environment: Environment, outputs: Record<string, unknown> = {}): ResourceSpec[] {
    const resources = platform(environment);
    const base: Record<string, unknown> = { release: releaseOf(environment, resources), environmentIdentity: identityOf(environment) };
    if (environment === "prod") {
        base.upstreamStack = "organization/atlas/staging";
        base.upstreamRelease = STAGING_RELEASE;
    }
    return [stackResource(environment, { ...base, ...outputs }), ...resources];
}

export function evidence(overrides: Partial<StagingEvidence> = {}): StagingEvidence {
    return {
        targetStack: "organization/atlas/prod",
        stagingStack: "organization/atlas/staging",
        stagingRelease: STAGING_RELEASE,
        stagingLastUpdate: { result: "succeeded", updateVersion: 7, releaseVersion: VERSION },
        ...overrides,
    };
}

/** Replaces one resource of a stack (by name) with a changed copy. */
export function withResource(specs: ResourceSpec[], name: string, change: (spec: ResourceSpec) => ResourceSpec): ResourceSpec[] {
    return specs.map((spec) => (spec.name === name ? change(spec) : spec));
}

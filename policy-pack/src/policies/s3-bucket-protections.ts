import { PolicyResource } from "@pulumi/policy";
import { resourceLabel } from "../identity";
import { Statement, parsePolicyDocument } from "../policy-documents";
import { Finding, stackPolicy } from "../policy-kit";
import { isUnknownValue, rawProps } from "../unknowns";
import { EVERY_ENVIRONMENT } from "../applicability";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const ENCRYPTION_TYPES = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Guardrail: every bucket is KMS-encrypted, closed to the public and reachable over TLS only. */
export const s3BucketProtections = stackPolicy<object>({
    name: "s3-bucket-protections",
    description:
        "Every S3 bucket needs aws:kms default encryption, a public access block with all four flags true, and a bucket policy denying non-TLS access.",
    environments: EVERY_ENVIRONMENT,
    remediationSteps: "Create the bucket through the storage component, which adds the encryption configuration, public access block and TLS-only policy.",
    check: (view) => {
        const buckets = view.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        const companionsOf = groupCompanions(view.resources, buckets);
        return buckets.flatMap((bucket) => {
            const companions = companionsOf.get(bucket) ?? [];
            return [
                ...checkEncryption(
                    bucket,
                    companions.filter((r) => ENCRYPTION_TYPES.includes(r.type)),
                ),
                ...checkPublicAccessBlock(
                    bucket,
                    companions.filter((r) => r.type === PUBLIC_ACCESS_BLOCK_TYPE),
                ),
                ...checkTlsOnly(
                    bucket,
                    companions.filter((r) => r.type === BUCKET_POLICY_TYPE),
                ),
            ];
        });
    },
});

const COMPANION_TYPES = new Set([...ENCRYPTION_TYPES, PUBLIC_ACCESS_BLOCK_TYPE, BUCKET_POLICY_TYPE]);

/** Each bucket's companions, found in one pass over the stack (the check stays linear in its size). */
function groupCompanions(resources: PolicyResource[], buckets: PolicyResource[]): Map<PolicyResource, PolicyResource[]> {
    const bucketSet = new Set(buckets);
    const byName = new Map<unknown, PolicyResource>();
    for (const bucket of buckets) {
        const props = rawProps(bucket.props);
        for (const name of [props.bucket, props.id]) {
            if (typeof name === "string") {
                byName.set(name, bucket);
            }
        }
    }
    const groups = new Map<PolicyResource, PolicyResource[]>();
    for (const companion of resources.filter((r) => COMPANION_TYPES.has(r.type))) {
        for (const bucket of ownersOf(companion, bucketSet, byName)) {
            groups.set(bucket, [...(groups.get(bucket) ?? []), companion]);
        }
    }
    return groups;
}

/**
 * A companion names its bucket in `bucket`. In preview that name is often unknown (it is the new
 * bucket's id), so the engine's dependency record decides; the name only where it is known.
 */
function ownersOf(companion: PolicyResource, buckets: Set<PolicyResource>, byName: Map<unknown, PolicyResource>): PolicyResource[] {
    const viaBucketProperty = companion.propertyDependencies.bucket ?? [];
    if (viaBucketProperty.length > 0) {
        return viaBucketProperty.filter((r) => buckets.has(r));
    }
    const name = rawProps(companion.props).bucket;
    if (name === undefined || isUnknownValue(name)) {
        return companion.dependencies.filter((r) => buckets.has(r));
    }
    const owner = byName.get(name);
    return owner ? [owner] : [];
}

function checkEncryption(bucket: PolicyResource, configurations: PolicyResource[]): Finding[] {
    const algorithms = configurations.flatMap((c) =>
        (c.props.rules ?? []).map(
            (rule: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
        ),
    );
    return algorithms.length > 0 && algorithms.every((a) => a === "aws:kms")
        ? []
        : [
              {
                  resource: bucket,
                  problem: `${resourceLabel(bucket)} has no default encryption with aws:kms (found: ${algorithms.length > 0 ? algorithms.join(", ") : "none"})`,
                  fix: "add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and the stack's KMS key",
              },
          ];
}

function checkPublicAccessBlock(bucket: PolicyResource, blocks: PolicyResource[]): Finding[] {
    const open = blocks.length === 0 ? PUBLIC_ACCESS_FLAGS : PUBLIC_ACCESS_FLAGS.filter((flag) => !blocks.some((b) => b.props[flag] === true));
    return open.length === 0
        ? []
        : [
              {
                  resource: bucket,
                  problem: `${resourceLabel(bucket)} does not block public access: ${blocks.length === 0 ? "no BucketPublicAccessBlock" : `${open.join(", ")} not true`}`,
                  fix: "add a BucketPublicAccessBlock with all four flags true",
              },
          ];
}

function checkTlsOnly(bucket: PolicyResource, policies: PolicyResource[]): Finding[] {
    const documents = policies.map((p) => parsePolicyDocument(p.props.policy));
    if (documents.some((d) => d.ok && d.statements.some(deniesInsecureTransport))) {
        return [];
    }
    const invalid = documents.find((d) => !d.ok);
    return [
        {
            resource: bucket,
            problem: `${resourceLabel(bucket)} has no bucket policy statement denying requests without TLS${invalid && !invalid.ok ? ` (its bucket policy ${invalid.problem})` : ""}`,
            fix: 'add a Deny statement for Principal "*", Action "s3:*", Condition {"Bool": {"aws:SecureTransport": "false"}}',
        },
    ];
}

function deniesInsecureTransport(statement: Statement): boolean {
    const secureTransport = statement.condition.Bool?.["aws:SecureTransport"];
    return (
        statement.effect === "Deny" &&
        statement.principals.includes("*") &&
        statement.actions.some((a) => a === "s3:*" || a === "*") &&
        (secureTransport === "false" || secureTransport === false)
    );
}

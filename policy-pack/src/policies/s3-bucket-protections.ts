import { PolicyResource } from "@pulumi/policy";
import { BUCKET_TYPES, bucketSettings, PUBLIC_ACCESS_BLOCK_TYPE, publicAccessFindings } from "../bucket-settings";
import { resourceLabel } from "../identity";
import { Statement, parsePolicyDocument } from "../policy-documents";
import { Finding, stackPolicy } from "../policy-kit";
import { EVERY_ENVIRONMENT } from "../applicability";

const ENCRYPTION_TYPES = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";

/** Guardrail: every bucket is KMS-encrypted, closed to the public and reachable over TLS only. */
export const s3BucketProtections = stackPolicy<object>({
    name: "s3-bucket-protections",
    description:
        "Every S3 bucket needs aws:kms default encryption, a public access block with all four flags true, and a bucket policy denying non-TLS access.",
    environments: EVERY_ENVIRONMENT,
    remediationSteps: "Create the bucket through the storage component, which adds the encryption configuration, public access block and TLS-only policy.",
    check: (view) => {
        const buckets = view.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        const companionsOf = bucketSettings(view.resources, buckets, COMPANION_TYPES);
        return buckets.flatMap((bucket) => {
            const companions = companionsOf.get(bucket) ?? [];
            return [
                ...checkEncryption(
                    bucket,
                    companions.filter((r) => ENCRYPTION_TYPES.includes(r.type)),
                ),
                ...publicAccessFindings(
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

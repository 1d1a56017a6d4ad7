/**
 * An S3 bucket's settings are resources of their own (encryption, public access block, versioning, policy), each
 * naming its bucket; this finds each bucket's, and judges the public access block, for every pack that guards
 * buckets (s3-bucket-protections here, the state bucket's policy in bootstrap/policy-pack).
 */
import { PolicyResource } from "@pulumi/policy";
import { resourceLabel } from "./identity";
import { Finding } from "./policy-kit";
import { isUnknownValue, rawProps } from "./unknowns";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Each bucket's settings of the given types, found in one pass over the stack (a check stays linear in its size). */
export function bucketSettings(resources: PolicyResource[], buckets: PolicyResource[], types: ReadonlySet<string>): Map<PolicyResource, PolicyResource[]> {
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
    for (const setting of resources.filter((r) => types.has(r.type))) {
        for (const bucket of ownersOf(setting, bucketSet, byName)) {
            groups.set(bucket, [...(groups.get(bucket) ?? []), setting]);
        }
    }
    return groups;
}

/**
 * A setting names its bucket in `bucket`. In preview that name is often unknown (it is the new
 * bucket's id), so the engine's dependency record decides; the name only where it is known.
 */
function ownersOf(setting: PolicyResource, buckets: Set<PolicyResource>, byName: Map<unknown, PolicyResource>): PolicyResource[] {
    const viaBucketProperty = setting.propertyDependencies.bucket ?? [];
    if (viaBucketProperty.length > 0) {
        return viaBucketProperty.filter((r) => buckets.has(r));
    }
    const name = rawProps(setting.props).bucket;
    if (name === undefined || isUnknownValue(name)) {
        return setting.dependencies.filter((r) => buckets.has(r));
    }
    const owner = byName.get(name);
    return owner ? [owner] : [];
}

/** A bucket is closed to the public when a public access block sets all four flags. */
export function publicAccessFindings(bucket: PolicyResource, blocks: PolicyResource[]): Finding[] {
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

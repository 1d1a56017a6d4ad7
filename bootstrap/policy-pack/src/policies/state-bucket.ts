import { BUCKET_TYPES, bucketSettings, PUBLIC_ACCESS_BLOCK_TYPE, publicAccessFindings, VERSIONING_TYPES } from "../../../../policy-pack/src/bucket-settings";
import { resourceLabel } from "../../../../policy-pack/src/identity";
import { Finding } from "../../../../policy-pack/src/policy-kit";
import { bootstrapPolicy } from "../bootstrap-policy";

const SETTING_TYPES = new Set([...VERSIONING_TYPES, PUBLIC_ACCESS_BLOCK_TYPE]);

/**
 * Guardrail: a bucket of the bootstrap holds every release's state and history, so it is versioned (an overwritten
 * or deleted checkpoint can be recovered), closed to the public (all four flags of a public access block), and
 * protected (no `pulumi destroy` or replacement deletes it).
 */
export const stateBucket = bootstrapPolicy({
    name: "bootstrap-state-bucket",
    description: "The state bucket is versioned, blocks all public access (all four flags) and is protected.",
    remediationSteps:
        "Keep the state bucket's BucketVersioning (Enabled), its BucketPublicAccessBlock (all four flags true) and protect: true (bootstrap/src/tooling-stack.ts).",
    check: ({ resources }) => {
        const buckets = resources.filter((r) => BUCKET_TYPES.includes(r.type));
        const settingsOf = bucketSettings(resources, buckets, SETTING_TYPES);
        return buckets.flatMap((bucket): Finding[] => {
            const settings = settingsOf.get(bucket) ?? [];
            const versioned =
                bucket.props.versioning?.enabled === true ||
                settings.some((s) => VERSIONING_TYPES.includes(s.type) && s.props.versioningConfiguration?.status === "Enabled");
            return [
                ...(versioned
                    ? []
                    : [
                          {
                              resource: bucket,
                              problem: `${resourceLabel(bucket)} holds the release's state but is not versioned: an overwritten or deleted checkpoint could not be recovered`,
                              fix: "add a BucketVersioning with versioningConfiguration.status Enabled",
                          },
                      ]),
                ...publicAccessFindings(
                    bucket,
                    settings.filter((s) => s.type === PUBLIC_ACCESS_BLOCK_TYPE),
                ),
                ...(bucket.opts.protect
                    ? []
                    : [
                          {
                              resource: bucket,
                              problem: `${resourceLabel(bucket)} holds the release's state but is not protected: a pulumi destroy or a replacement would delete every release's history`,
                              fix: "create it with protect: true (and retainOnDelete: true)",
                          },
                      ]),
            ];
        });
    },
});

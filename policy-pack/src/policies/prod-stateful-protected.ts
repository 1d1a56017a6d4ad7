import { resourceLabel } from "../identity";
import { stackPolicy } from "../policy-kit";

/** Resources that hold data or keys: deleting one loses what cannot be redeployed. */
export const STATEFUL_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:kms/key:Key",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable",
    "aws:dynamodb/table:Table",
];

/** Guardrail: in prod, the engine refuses to delete stateful resources. */
export const prodStatefulProtected = stackPolicy<object>({
    name: "prod-stateful-protected",
    description: "In prod, every stateful resource (buckets, KMS keys, Glue catalog, tables) must be protected.",
    environments: ["prod"],
    remediationSteps: "Set atlas:protectStatefulResources to true (it is a parity key, so set it in staging too).",
    check: (view) =>
        view.resources
            .filter((r) => STATEFUL_TYPES.includes(r.type) && !r.opts.protect)
            .map((resource) => ({
                resource,
                problem: `${resourceLabel(resource)} is not protected`,
                fix: "set atlas:protectStatefulResources: true so the program passes protect: true",
            })),
});

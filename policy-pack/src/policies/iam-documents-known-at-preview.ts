import { denying } from "../applicability";
import { resourceLabel } from "../identity";
import { iamDocuments } from "../policy-documents";
import { Finding, stackPolicy } from "../policy-kit";

/**
 * Gate: in staging and prod every IAM policy document is known at preview. The engine runs stack
 * policies after an update's steps, so a document it cannot read at preview (computed from another
 * resource's output, e.g. a key's ARN on a first deployment) would be judged by iam-actions-exist
 * and access-within-model only once it had been applied. Refusing it here keeps those judgements
 * before anything changes. Dev and review stacks may use outputs: they are judged after the update.
 */
export const iamDocumentsKnownAtPreview = stackPolicy<object>({
    name: "iam-documents-known-at-preview",
    description: "In staging and prod, every IAM policy document must be known at preview, so the access policies judge it before it is applied.",
    // Where developers have no access, an access change is judged before it applies.
    environments: denying("developers"),
    remediationSteps:
        "Build the document from names and config (the ARNs of AtlasNames, the data key by its alias: dataKeyUse in src/components/iam.ts), not from another resource's outputs.",
    check: (view) =>
        iamDocuments(view.resources)
            .filter((d) => !d.known)
            .map(({ resource, what, property }): Finding => ({
                resource,
                problem: `the ${what} of ${resourceLabel(resource)} is unknown at preview${computedFrom(resource.propertyDependencies[property]?.map((d) => d.name) ?? [])}, so what it grants could be judged only after the update applied it`,
                fix: "build it from names and config known at preview (AtlasNames' ARNs; the data key by its alias, as dataKeyUse in src/components/iam.ts does), not from another resource's outputs",
            })),
});

function computedFrom(dependencies: string[]): string {
    return dependencies.length > 0 ? ` (computed from ${dependencies.map((d) => `"${d}"`).join(", ")})` : "";
}

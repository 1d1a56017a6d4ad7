/**
 * Where a stack's IAM policy documents are, and which role each identity policy gives permissions
 * to, over any view of a stack's resources (the pack's, at preview; a checkpoint's, for the
 * `access` command). A document is tied to its role by the property it was computed from (the
 * role's name, the policy's ARN), or, with no dependency recorded, by the value itself.
 */
import { AUDIENCE_ROLE_PREFIX, AccessHolder } from "../access-model";
import { Audience } from "../environments";
import { parsePolicyDocument } from "./documents";

export interface IamResource {
    urn: string;
    type: string;
    /** The logical name. */
    name: string;
    /** Inputs (and outputs, where known); values may be placeholders for unknowns. */
    props: Record<string, unknown>;
    /** URNs of the resources a property was computed from. */
    dependsOn(property: string): string[];
}

/** Documents by resource type and property; `principals` marks those that name whom they let in (resource and trust policies). */
export const DOCUMENT_PROPERTIES: Readonly<Record<string, { property: string; what: string; principals: boolean }>> = {
    "aws:iam/role:Role": { property: "assumeRolePolicy", what: "trust policy", principals: true },
    "aws:s3/bucketPolicy:BucketPolicy": { property: "policy", what: "bucket policy", principals: true },
    "aws:kms/key:Key": { property: "policy", what: "key policy", principals: true },
    "aws:sns/topicPolicy:TopicPolicy": { property: "policy", what: "topic policy", principals: true },
    "aws:iam/rolePolicy:RolePolicy": { property: "policy", what: "inline policy", principals: false },
    "aws:iam/policy:Policy": { property: "policy", what: "managed policy", principals: false },
};

export interface FoundDocument<R extends IamResource = IamResource> {
    resource: R;
    what: string;
    /** The property that holds it (`policy`, `assumeRolePolicy`, `inlinePolicies`). */
    property: string;
    /** The document as the resource holds it: a JSON string, an object, or an unknown's placeholder. */
    value: unknown;
}

/** Every IAM policy document a resource holds: its policy property, and a role's `inlinePolicies`. */
export function documentsOf<R extends IamResource>(resource: R): FoundDocument<R>[] {
    const source = DOCUMENT_PROPERTIES[resource.type];
    const found: FoundDocument<R>[] =
        source && resource.props[source.property] !== undefined
            ? [{ resource, what: source.what, property: source.property, value: resource.props[source.property] }]
            : [];
    if (resource.type === "aws:iam/role:Role" && Array.isArray(resource.props.inlinePolicies)) {
        for (const inline of resource.props.inlinePolicies as { name?: unknown; policy?: unknown }[]) {
            found.push({ resource, what: `inline policy "${String(inline?.name)}"`, property: "inlinePolicies", value: inline?.policy });
        }
    }
    return found;
}

export interface RoleWithDocuments<R extends IamResource> {
    role: R;
    /** Undefined: held by nobody the access model knows. */
    holder?: AccessHolder;
    /** Its identity policies (the trust policy is not one). */
    documents: FoundDocument<R>[];
}

export function rolesWithDocuments<R extends IamResource>(resources: R[]): RoleWithDocuments<R>[] {
    const documents = resources.flatMap((r) => documentsOf(r));
    const attachments = resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    return resources
        .filter((r) => r.type === "aws:iam/role:Role")
        .map((role) => {
            const attached = attachments.filter((a) => linkedTo(a, "role", role, "name"));
            const own = documents.filter(
                (d) =>
                    (d.resource === role && d.what !== "trust policy") ||
                    (d.resource.type === "aws:iam/rolePolicy:RolePolicy" && linkedTo(d.resource, "role", role, "name")) ||
                    (d.resource.type === "aws:iam/policy:Policy" && attached.some((a) => linkedTo(a, "policyArn", d.resource, "arn"))),
            );
            return { role, holder: holderOf(role), documents: own };
        });
}

/** True when `resource`'s property was computed from `target`, or (no dependency recorded) holds target's `key` value. */
function linkedTo(resource: IamResource, property: string, target: IamResource, key: string): boolean {
    const from = resource.dependsOn(property);
    const value = target.props[key];
    return from.length > 0 ? from.includes(target.urn) : value !== undefined && resource.props[property] === value;
}

/** An audience's role by its logical name (`qa-role`); else a role only AWS services assume is the services'. */
export function holderOf(role: IamResource): AccessHolder | undefined {
    const audience = (Object.entries(AUDIENCE_ROLE_PREFIX) as [Audience, string][]).find(([, prefix]) => role.name.startsWith(prefix));
    if (audience) {
        return audience[0];
    }
    const trust = parsePolicyDocument(role.props.assumeRolePolicy);
    const allows = trust.ok ? trust.statements.filter((s) => s.effect === "Allow") : [];
    return allows.length > 0 && allows.every((s) => s.principalKinds.length > 0 && s.principalKinds.every((kind) => kind === "Service"))
        ? "services"
        : undefined;
}

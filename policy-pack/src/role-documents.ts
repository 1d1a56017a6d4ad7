/** The stack's IAM roles with their holders and identity policies (contract/access/roles.ts), over the resources the engine passes. */
import { PolicyResource } from "@pulumi/policy";
import { AccessHolder } from "./contract/access-model";
import { IamResource, rolesWithDocuments } from "./contract/access/roles";
import { IamDocument, judgedDocument } from "./policy-documents";
import { rawProps } from "./unknowns";

export interface RoleDocuments {
    role: PolicyResource;
    /** Undefined: the role is held by nobody the model knows (people outside every audience). */
    holder?: AccessHolder;
    documents: IamDocument[];
}

/** A resource as the contract reads it: its raw props (unknowns stay placeholders) and its property dependencies. */
export function asIamResource(resource: PolicyResource): IamResource & { resource: PolicyResource } {
    return {
        resource,
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        props: rawProps(resource.props),
        dependsOn: (property) => (resource.propertyDependencies[property] ?? []).map((d) => d.urn),
    };
}

export function roleDocuments(resources: PolicyResource[]): RoleDocuments[] {
    return rolesWithDocuments(resources.map(asIamResource)).map(({ role, holder, documents }) => ({
        role: role.resource,
        holder,
        documents: documents.map((d) => judgedDocument(d.resource.resource, d.what, d.property, d.value)),
    }));
}

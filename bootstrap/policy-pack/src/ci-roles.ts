/**
 * The IAM roles of a bootstrap stack, each with what its name says it is (a CI role of an environment, deploy or
 * preview: the contract's ci-identity.ts): the guardrails judge a role by the kind it is named, and refuse a role
 * that names none (bootstrap-roles-are-ci-roles), so renaming a role cannot take it out of their sight.
 */
import { PolicyResource } from "@pulumi/policy";
import { CiRole, ciRoleOf } from "../../../policy-pack/src/contract";
import { resourceLabel } from "../../../policy-pack/src/identity";
import { isUnknownValue, rawProps } from "../../../policy-pack/src/unknowns";

export const ROLE_TYPE = "aws:iam/role:Role";

export interface BootstrapRole {
    resource: PolicyResource;
    /** The role's name in AWS; undefined when the program leaves it to AWS or it is unknown at preview. */
    name?: string;
    /** What the name says: the environment and kind of CI role; undefined for any other name. */
    ci?: { environment: string; role: CiRole };
}

export function bootstrapRoles(resources: PolicyResource[]): BootstrapRole[] {
    return resources
        .filter((r) => r.type === ROLE_TYPE)
        .map((resource) => {
            const name = rawProps(resource.props).name;
            const known = typeof name === "string" && !isUnknownValue(name) ? name : undefined;
            const ci = known === undefined ? undefined : ciRoleOf(known);
            return { resource, ...(known === undefined ? {} : { name: known }), ...(ci ? { ci } : {}) };
        });
}

/** `the deploy role github-actions-prod-deploy (aws:iam/role:Role "prod-deploy-role")`. */
export function describeRole(role: BootstrapRole): string {
    return `the ${role.ci ? `${role.ci.role} role ` : "role "}${role.name ?? "(unnamed)"} (${resourceLabel(role.resource)})`;
}

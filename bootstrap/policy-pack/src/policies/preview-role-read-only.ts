import { PolicyResource } from "@pulumi/policy";
import { Grant, allowedGrants, isKmsKeyArn, SECRETS_KEY_ACTIONS } from "../../../../policy-pack/src/contract";
import { resourceLabel } from "../../../../policy-pack/src/identity";
import { Finding } from "../../../../policy-pack/src/policy-kit";
import { roleDocuments } from "../../../../policy-pack/src/role-documents";
import { rawProps } from "../../../../policy-pack/src/unknowns";
import { bootstrapPolicy } from "../bootstrap-policy";
import { BootstrapRole, bootstrapRoles, describeRole } from "../ci-roles";

const READ_LEVELS = ["List", "Read"];
const ATTACHMENT_TYPES = ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"];
const POLICY_TYPE = "aws:iam/policy:Policy";
const SHOWN = 4;

/**
 * Guardrail: a preview role only reads. Pull requests (any branch's) and the gate assume it, so a Write, Permissions
 * management or Tagging action there (by AWS's catalogue levels, as access-within-model reads them) would let an
 * unreviewed change reach the environment. The one exception is its secrets key: kms:Decrypt (filed under Write)
 * on KMS keys, which reading a stack with secrets needs. Every policy it holds must be one the pack can read.
 */
export const previewRoleReadOnly = bootstrapPolicy({
    name: "bootstrap-preview-role-read-only",
    description: "A CI preview role may hold List and Read actions only (and kms:Decrypt on KMS keys, for its stacks' secrets), in policies of its own stack.",
    remediationSteps:
        "Give the preview role only the List and Read actions of the deploy table (bootstrap/src/role-policies.ts previewActions); changes are the deploy role's.",
    check: async ({ resources }) => {
        const previewRoles = bootstrapRoles(resources).filter((role) => role.ci?.role === "preview");
        const documentsOf = new Map(roleDocuments(resources).map((d) => [d.role, d.documents]));
        const findings: Finding[] = [];
        for (const role of previewRoles) {
            const documents = documentsOf.get(role.resource) ?? [];
            for (const { what, resource, document } of documents) {
                if (!document.ok) {
                    findings.push({
                        resource: role.resource,
                        problem: `the ${what} of ${resourceLabel(resource)}, which ${describeRole(role)} holds, ${document.problem}, so what it grants cannot be checked`,
                        fix: "build the policy from config and the catalogue, known at preview (bootstrap/src/role-policies.ts)",
                    });
                }
            }
            findings.push(...unreadableAttachments(role, resources));
            const statements = documents.flatMap((d) => (d.document.ok ? d.document.statements : []));
            const writes = (await allowedGrants(statements)).filter((grant) => !readsOnly(grant));
            if (writes.length > 0) {
                findings.push({
                    resource: role.resource,
                    problem: `${describeRole(role)} may ${listed(writes)}, but pull requests and the gate assume it: it may only read`,
                    fix: "remove those actions; a preview role holds List and Read actions only (and kms:Decrypt on its secrets key), changes are the deploy role's",
                });
            }
        }
        return findings;
    },
});

/** List or Read alone, or the secrets key's own use. */
function readsOnly(grant: Grant): boolean {
    const secretsKeyUse = SECRETS_KEY_ACTIONS.preview.some((a) => a.toLowerCase() === grant.action.toLowerCase()) && isKmsKeyArn(grant.resource);
    return secretsKeyUse || grant.levels.every((level) => READ_LEVELS.includes(level));
}

/** `s3:PutObject [Write] on A and B, …`: each action once, with every resource it is allowed on. */
function listed(grants: Grant[]): string {
    const byAction = new Map<string, Grant[]>();
    grants.forEach((g) => byAction.set(g.action, [...(byAction.get(g.action) ?? []), g]));
    const actions = [...byAction.values()].map((same) => `${same[0].action} [${same[0].levels.join(", ")}] on ${same.map((g) => g.resource).join(" and ")}`);
    const shown = actions.slice(0, SHOWN);
    return actions.length > SHOWN ? `${shown.join(", ")} and ${actions.length - SHOWN} more action(s)` : shown.join(", ");
}

/**
 * Policies attached from outside the stack (an AWS managed policy's ARN, `managedPolicyArns`): the pack cannot read
 * what they grant, so a preview role may not hold them.
 */
function unreadableAttachments(role: BootstrapRole, resources: PolicyResource[]): Finding[] {
    const isStackPolicy = (attachment: PolicyResource) => (attachment.propertyDependencies.policyArn ?? []).some((d) => d.type === POLICY_TYPE);
    const attachedToRole = (attachment: PolicyResource) => {
        const props = rawProps(attachment.props);
        const named = (value: unknown) => value === role.name || (Array.isArray(value) && value.includes(role.name));
        const via = [...(attachment.propertyDependencies.role ?? []), ...(attachment.propertyDependencies.roles ?? [])];
        return via.includes(role.resource) || (role.name !== undefined && (named(props.role) || named(props.roles)));
    };
    const outside = resources.filter((r) => ATTACHMENT_TYPES.includes(r.type) && attachedToRole(r) && !isStackPolicy(r));
    const managed = rawProps(role.resource.props).managedPolicyArns;
    const fix = "attach only policies of this stack (aws.iam.Policy, with a RolePolicyAttachment), whose documents the pack reads";
    return [
        ...outside.map((attachment) => ({
            resource: role.resource,
            problem: `${resourceLabel(attachment)} attaches ${String(rawProps(attachment.props).policyArn)} to ${describeRole(role)}: a policy from outside the stack, whose grants the pack cannot read`,
            fix,
        })),
        ...(Array.isArray(managed) && managed.length > 0
            ? [
                  {
                      resource: role.resource,
                      problem: `${describeRole(role)} lists managedPolicyArns (${managed.join(", ")}), whose grants the pack cannot read`,
                      fix,
                  },
              ]
            : []),
    ];
}

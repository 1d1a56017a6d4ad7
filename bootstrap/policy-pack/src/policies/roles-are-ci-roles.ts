import { ciRoleName, ENVIRONMENTS } from "../../../../policy-pack/src/contract";
import { bootstrapPolicy } from "../bootstrap-policy";
import { bootstrapRoles, describeRole } from "../ci-roles";

/**
 * Guardrail: every IAM role the bootstrap makes is a CI role of an environment of the model, by its name
 * (`github-actions-<env>-deploy` or `-preview`). The other guardrails judge a role by that name; a role named
 * otherwise would escape them.
 */
export const rolesAreCiRoles = bootstrapPolicy({
    name: "bootstrap-roles-are-ci-roles",
    description: "Every IAM role of the bootstrap is a CI role named github-actions-<environment>-deploy or -preview, for an environment of the model.",
    remediationSteps: "Name the role with ciRoleName (policy-pack/src/contract/ci-identity.ts), or make it outside the bootstrap.",
    check: ({ resources }) =>
        bootstrapRoles(resources)
            .filter((role) => !role.ci || !(ENVIRONMENTS as readonly string[]).includes(role.ci.environment))
            .map((role) => ({
                resource: role.resource,
                problem: `${describeRole(role)} ${
                    role.name === undefined
                        ? "has no name known at preview"
                        : role.ci
                          ? `names environment "${role.ci.environment}", which the model does not have (${ENVIRONMENTS.join(", ")})`
                          : "is not named as a CI role"
                }, so the bootstrap's guardrails cannot tell what it may be trusted with`,
                fix: `name it as a CI role of an environment (${ciRoleName(ENVIRONMENTS[0], "deploy")}, ${ciRoleName(ENVIRONMENTS[0], "preview")}, …), or make it outside the bootstrap`,
            })),
});

import { environmentSubject, GITHUB_SUBJECT_KEY } from "../../../../policy-pack/src/contract";
import { judgedDocument } from "../../../../policy-pack/src/policy-documents";
import { Finding } from "../../../../policy-pack/src/policy-kit";
import { rawProps } from "../../../../policy-pack/src/unknowns";
import { bootstrapPolicy } from "../bootstrap-policy";
import { bootstrapRoles, describeRole } from "../ci-roles";
import { deployTrustProblems } from "../deploy-trust";

/**
 * Guardrail: a deploy role is assumed only by its own GitHub environment's jobs, by exact subject. The environment
 * is what GitHub guards with reviewers and branch rules; a deploy role that trusted `pull_request`, a branch or a
 * pattern would let an unreviewed run change the environment.
 */
export const deployRoleTrust = bootstrapPolicy({
    name: "bootstrap-deploy-role-trust",
    description: `A CI deploy role may be assumed only by its own GitHub environment's jobs: ${GITHUB_SUBJECT_KEY} exactly repo:<owner>/<name>:environment:<env>.`,
    remediationSteps: "Trust only the environment's subject (bootstrap/src/github-oidc.ts, deploySubjects); pull requests and the gate use the preview role.",
    check: ({ resources }) =>
        bootstrapRoles(resources)
            .filter((role) => role.ci?.role === "deploy")
            .flatMap((role): Finding[] => {
                const environment = role.ci!.environment;
                const fix = `trust only ${environmentSubject("<owner>/<name>", environment)}, with StringEquals on ${GITHUB_SUBJECT_KEY}; pull requests, branches and the gate assume the preview role`;
                const trust = judgedDocument(role.resource, "trust policy", "assumeRolePolicy", rawProps(role.resource.props).assumeRolePolicy);
                if (!trust.document.ok) {
                    return [
                        {
                            resource: role.resource,
                            problem: `the trust policy of ${describeRole(role)} ${trust.document.problem}, so who may deploy cannot be checked`,
                            fix,
                        },
                    ];
                }
                return deployTrustProblems(trust.document.statements, environment).map((problem) => ({
                    resource: role.resource,
                    problem: `${describeRole(role)} ${problem}`,
                    fix,
                }));
            }),
});

/**
 * The bootstrap's guardrails (bootstrap/policy-pack) on stacks built from the bootstrap program's own functions:
 * the real stacks pass every policy; each bad change is refused by the policy that guards it, naming what is wrong.
 * tests/engine/bootstrap.spec.ts shows the same refusals on the real engine.
 */
import { strict as assert } from "assert";
import { StackValidationPolicy } from "@pulumi/policy";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";
import { messagesOf, onlyMessage, ResourceSpec, UNKNOWN_STRING } from "../../../policy-pack/tests/helpers";
import { BOOTSTRAP_ENFORCEMENT_LEVELS } from "../src/enforcement";
import { BOOTSTRAP_POLICIES } from "../src/policies";
import { deployRoleTrust } from "../src/policies/deploy-role-trust";
import { previewRoleReadOnly } from "../src/policies/preview-role-read-only";
import { rolesAreCiRoles } from "../src/policies/roles-are-ci-roles";
import { stateBucket } from "../src/policies/state-bucket";
import { accountStack, REPOSITORY, roleName, toolingStack, trustWith, withChanged } from "./fixtures";

const setProps = (props: Record<string, unknown>) => (spec: ResourceSpec) => ({ ...spec, props: { ...spec.props, ...props } });

/** prod's account stack with its deploy role trusting these subject conditions. */
async function prodDeployTrusting(subjects: Record<string, string | string[]>): Promise<ResourceSpec[]> {
    return withChanged(await accountStack("prod"), roleName("prod", "deploy"), setProps({ assumeRolePolicy: JSON.stringify(trustWith("prod", subjects)) }));
}

/** prod's account stack with one more statement in the preview role's first managed policy. */
async function prodPreviewAlso(statement: object): Promise<ResourceSpec[]> {
    return withChanged(await accountStack("prod"), "prod-preview-policy-1", (spec) => {
        const document = JSON.parse(String(spec.props!.policy)) as { Statement: object[] };
        return setProps({ policy: JSON.stringify({ ...document, Statement: [...document.Statement, statement] }) })(spec);
    });
}

describe("the bootstrap's guardrails", () => {
    it("let the bootstrap's own stacks through: every account stack and the tooling stack", async () => {
        for (const [stack, specs] of [
            ...(await Promise.all(ENVIRONMENTS.map(async (e) => [e, await accountStack(e)] as const))),
            ["tooling", toolingStack()] as const,
        ]) {
            for (const policy of BOOTSTRAP_POLICIES as StackValidationPolicy[]) {
                assert.deepEqual(await messagesOf(policy, stack, specs), [], `${policy.name} on ${stack}`);
            }
        }
    });

    it("are the pack's policies, each at the level its table sets (all mandatory)", () => {
        assert.deepEqual(BOOTSTRAP_POLICIES.map((p) => p.name).sort(), Object.keys(BOOTSTRAP_ENFORCEMENT_LEVELS).sort());
        assert.deepEqual(new Set(BOOTSTRAP_POLICIES.map((p) => p.enforcementLevel)), new Set(["mandatory"]));
    });

    describe("bootstrap-deploy-role-trust", () => {
        it("refuses a deploy role trusting pull requests, saying which subject and how to fix it", async () => {
            const message = await onlyMessage(deployRoleTrust, "prod", await prodDeployTrusting({ StringEquals: `repo:${REPOSITORY}:pull_request` }));
            assert.match(
                message,
                /^Refused for bootstrap stack "prod": the deploy role github-actions-prod-deploy \(aws:iam\/role:Role "prod-deploy-role"\) trusts pull requests/,
            );
            assert.match(message, /To fix: trust only repo:<owner>\/<name>:environment:prod, with StringEquals/);
        });

        it("refuses a branch, a tag, another environment or a wildcard instead of its environment", async () => {
            const cases: [Record<string, string | string[]>, RegExp][] = [
                [
                    { StringEquals: `repo:${REPOSITORY}:ref:refs/heads/main` },
                    /trusts branch main \(repo:.*:ref:refs\/heads\/main\): any workflow run on it could deploy/,
                ],
                [{ StringEquals: `repo:${REPOSITORY}:ref:refs/tags/v1.0.0` }, /trusts tag v1\.0\.0/],
                [{ StringEquals: `repo:${REPOSITORY}:environment:staging` }, /trusts GitHub environment "staging" .*, not its own "prod"/],
                [{ StringLike: `repo:${REPOSITORY}:*` }, /trusts the pattern repo:example-org\/atlas-release-environments:\*/],
                [{ StringLike: `repo:${REPOSITORY}:environment:prod*` }, /trusts the pattern .*:environment:prod\*/],
            ];
            for (const [subjects, expected] of cases) {
                assert.match(await onlyMessage(deployRoleTrust, "prod", await prodDeployTrusting(subjects)), expected);
            }
        });

        it("refuses the extra subject beside its environment's, and only that", async () => {
            const subjects = [`repo:${REPOSITORY}:environment:prod`, `repo:${REPOSITORY}:pull_request`];
            assert.match(await onlyMessage(deployRoleTrust, "prod", await prodDeployTrusting({ StringEquals: subjects })), /trusts pull requests/);
        });

        it("refuses a trust with no subject condition, a negated one, or a principal other than GitHub's", async () => {
            assert.match(
                await onlyMessage(deployRoleTrust, "prod", await prodDeployTrusting({})),
                /sets no condition on token\.actions\.githubusercontent\.com:sub, so a workflow of any repository/,
            );
            assert.match(
                await onlyMessage(deployRoleTrust, "prod", await prodDeployTrusting({ StringNotEquals: `repo:${REPOSITORY}:pull_request` })),
                /tests token\.actions\.githubusercontent\.com:sub with StringNotEquals/,
            );
            const anAccount = withChanged(await accountStack("prod"), roleName("prod", "deploy"), (spec) => {
                const trust = JSON.parse(String(spec.props!.assumeRolePolicy)) as { Statement: { Principal: Record<string, unknown> }[] };
                trust.Statement[0].Principal = { ...trust.Statement[0].Principal, AWS: "arn:aws:iam::999999999999:root" };
                return setProps({ assumeRolePolicy: JSON.stringify(trust) })(spec);
            });
            assert.match(await onlyMessage(deployRoleTrust, "prod", anAccount), /lets arn:aws:iam::999999999999:root assume it, not only GitHub's jobs/);
        });

        it("refuses a trust policy unknown at preview: who may deploy must be checked before anything runs", async () => {
            const stack = withChanged(await accountStack("prod"), roleName("prod", "deploy"), setProps({ assumeRolePolicy: UNKNOWN_STRING }));
            assert.match(
                await onlyMessage(deployRoleTrust, "prod", stack),
                /the trust policy of the deploy role github-actions-prod-deploy .* is unknown during preview/,
            );
        });

        it("leaves preview roles' trust to them: pull requests may assume a preview role", async () => {
            const stack = withChanged(
                await accountStack("prod"),
                roleName("prod", "preview"),
                setProps({ assumeRolePolicy: JSON.stringify(trustWith("prod", { StringEquals: `repo:${REPOSITORY}:pull_request` })) }),
            );
            assert.deepEqual(await messagesOf(deployRoleTrust, "prod", stack), []);
        });
    });

    describe("bootstrap-preview-role-read-only", () => {
        it("refuses a Write, a Permissions management and a Tagging action, each with its catalogue level", async () => {
            const stack = await prodPreviewAlso({
                Effect: "Allow",
                Action: ["s3:PutObject", "iam:PutRolePolicy", "s3:PutBucketTagging"],
                Resource: ["arn:aws:s3:::atlas-prod-*", "arn:aws:iam::333333333333:role/atlas-prod-*"],
            });
            const message = await onlyMessage(previewRoleReadOnly, "prod", stack);
            assert.match(message, /the preview role github-actions-prod-preview \(aws:iam\/role:Role "prod-preview-role"\) may /);
            assert.match(message, /s3:PutObject \[Write\]/);
            assert.match(message, /iam:PutRolePolicy \[Permissions management, Write\]/);
            assert.match(message, /s3:PutBucketTagging \[Tagging/);
            assert.match(message, /but pull requests and the gate assume it: it may only read/);
        });

        it("refuses every action (*), and kms:Decrypt anywhere but on KMS keys", async () => {
            assert.match(
                await onlyMessage(previewRoleReadOnly, "prod", await prodPreviewAlso({ Effect: "Allow", Action: "*", Resource: "*" })),
                /may \* \[List, Read, Write/,
            );
            assert.match(
                await onlyMessage(previewRoleReadOnly, "prod", await prodPreviewAlso({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" })),
                /may kms:Decrypt \[Write\] on \*/,
            );
        });

        it("refuses a policy attached from outside the stack, whose grants it cannot read", async () => {
            const stack: ResourceSpec[] = [
                ...(await accountStack("prod")),
                {
                    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    name: "prod-preview-readonly",
                    props: { role: "github-actions-prod-preview", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
                    provider: "aws",
                    dependsOn: { role: [roleName("prod", "preview")] },
                },
            ];
            assert.match(
                await onlyMessage(previewRoleReadOnly, "prod", stack),
                /attaches arn:aws:iam::aws:policy\/PowerUserAccess to the preview role github-actions-prod-preview .*: a policy from outside the stack/,
            );
            const listed = withChanged(
                await accountStack("prod"),
                roleName("prod", "preview"),
                setProps({ managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
            );
            assert.match(await onlyMessage(previewRoleReadOnly, "prod", listed), /lists managedPolicyArns \(arn:aws:iam::aws:policy\/PowerUserAccess\)/);
        });
    });

    describe("bootstrap-roles-are-ci-roles", () => {
        it("refuses a role not named as a CI role of an environment of the model, so none escapes the guardrails", async () => {
            const rename = async (name: unknown) => withChanged(await accountStack("prod"), roleName("prod", "deploy"), setProps({ name }));
            assert.match(
                await onlyMessage(rolesAreCiRoles, "prod", await rename("release-deployer")),
                /the role release-deployer .* is not named as a CI role/,
            );
            assert.match(
                await onlyMessage(rolesAreCiRoles, "prod", await rename("github-actions-qa-deploy")),
                /names environment "qa", which the model does not have/,
            );
            assert.match(await onlyMessage(rolesAreCiRoles, "prod", await rename(UNKNOWN_STRING)), /has no name known at preview/);
        });
    });

    describe("bootstrap-state-bucket", () => {
        it("refuses a state bucket without versioning, or with versioning suspended", async () => {
            const without = withChanged(toolingStack(), "state-versioning", () => undefined);
            assert.match(
                await onlyMessage(stateBucket, "tooling", without),
                /aws:s3\/bucket:Bucket "state-bucket" holds the release's state but is not versioned/,
            );
            const suspended = withChanged(toolingStack(), "state-versioning", setProps({ versioningConfiguration: { status: "Suspended" } }));
            assert.match(await onlyMessage(stateBucket, "tooling", suspended), /is not versioned/);
        });

        it("refuses a public access block that is missing or not complete, naming the open flags", async () => {
            const partial = withChanged(toolingStack(), "state-public-access-block", setProps({ restrictPublicBuckets: false }));
            assert.match(await onlyMessage(stateBucket, "tooling", partial), /does not block public access: restrictPublicBuckets not true/);
            const without = withChanged(toolingStack(), "state-public-access-block", () => undefined);
            assert.match(await onlyMessage(stateBucket, "tooling", without), /does not block public access: no BucketPublicAccessBlock/);
        });

        it("refuses an unprotected state bucket", async () => {
            const unprotected = withChanged(toolingStack(), "state-bucket", (spec) => ({ ...spec, protect: false }));
            assert.match(
                await onlyMessage(stateBucket, "tooling", unprotected),
                /is not protected: a pulumi destroy or a replacement would delete every release's history/,
            );
        });
    });
});

/**
 * The bootstrap program (bootstrap/) on the real engine: every bootstrap stack deployed beside the suite's deployed
 * release, in the same offline workspace, as `npm run bootstrap -- up` deploys it (a preview with the bootstrap's
 * policy pack, then the update held to its plan); then the state pinned. Trust: each deploy role only its GitHub
 * environment, by exact StringEquals. Permissions: scoped to the environment's account and name prefix, `*` only
 * for actions AWS's catalogue scopes to no resource. The state bucket: versioned, encrypted, public access blocked,
 * protected. Coverage: every resource type the stand-in wrote into staging's and prod's accounts for the release
 * (its cloud: tools/stand-in-aws/cloud.ts) has its row of deploy actions, each held by that environment's deploy role.
 * Guardrails: bad commits of bootstrap/ (a deploy role trusting pull requests, a branch and a pattern; a preview
 * role given Write, Permissions management and Tagging actions; a state bucket unversioned and partly public) are
 * refused by the pack at the preview, in a copy of the workspace, with nothing deployed.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lookUpAction } from "../../policy-pack/src/contract";
import { DEPLOY_ACTIONS } from "../../bootstrap/src/deploy-actions";
import { BootstrapDeployment, deployBootstrapStack } from "../../cli/lib/bootstrap";
import { bootstrapStacksFor } from "../../cli/lib/stacks";
import { withOfflineWorkspace } from "./support/offline-release";

const ROOT = path.resolve(__dirname, "..", "..");
const REPOSITORY = "example-org/atlas-release-environments";
const ACCOUNTS: Record<string, string> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };
const STACKS = ["dev", "staging", "prod", "tooling"];

interface StateResource {
    urn: string;
    type: string;
    protect?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
interface Statement {
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const named = (resources: StateResource[], type: string, logical: string) => {
    const found = resources.find((r) => r.type === type && r.urn.endsWith(`::${logical}`));
    assert.ok(found, `no ${type} ${logical} among ${resources.map((r) => r.urn.split("::").pop()).join(", ")}`);
    return found;
};
const document = (resource: StateResource, property: string) => JSON.parse(String(resource.outputs?.[property])) as { Statement: Statement[] };

describe("the bootstrap program, on the real engine", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const state: Record<string, StateResource[]> = {};
    const outputs: Record<string, Record<string, unknown>> = {};

    // As the rehearsal's first step does it (npm run rehearse bootstraps the accounts before dev).
    before(async function () {
        this.timeout(900_000);
        const step = fixture.system.rehearsal.STEPS[0];
        assert.equal(step.name, "bootstrap", "the rehearsal bootstraps the accounts first");
        const result = await fixture.system.runStep(step);
        assert.deepEqual(result.mismatches, []);
        assert.deepEqual(
            result.bootstrap?.map((d) => d.stack),
            STACKS,
        );
        const stacks = await bootstrapStacksFor(fixture.system.workspace.dir, fixture.system.source().checkout);
        for (const deployment of result.bootstrap!) {
            const name = deployment.stack;
            assert.ok(deployment.succeeded, `bootstrap stack ${name}: ${JSON.stringify(deployment, null, 2)}`);
            assert.deepEqual([...deployment.preview.violations, ...deployment.update!.violations], [], `the pack finds nothing in bootstrap stack ${name}`);
            const stack = await stacks.stack(name);
            state[name] = ((await stack.exportStack()).deployment as { resources: StateResource[] }).resources;
            outputs[name] = Object.fromEntries(Object.entries(await stack.outputs()).map(([key, output]) => [key, output.value]));
        }
    });

    it("gives each environment's account an OIDC provider for GitHub, and outputs each role's ARN", () => {
        for (const environment of ["dev", "staging", "prod"]) {
            const provider = named(state[environment], "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github-oidc");
            assert.equal(provider.outputs?.url, "https://token.actions.githubusercontent.com");
            assert.deepEqual(provider.outputs?.clientIdLists, ["sts.amazonaws.com"]);
            assert.equal(provider.outputs?.arn, `arn:aws:iam::${ACCOUNTS[environment]}:oidc-provider/token.actions.githubusercontent.com`);
            assert.deepEqual(outputs[environment].deployRoleArns, {
                [environment]: `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-deploy`,
            });
            assert.deepEqual(outputs[environment].previewRoleArns, {
                [environment]: `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-preview`,
            });
        }
    });

    it("lets only the environment's own GitHub environment assume its deploy role (exact sub and aud, StringEquals)", () => {
        for (const environment of ["dev", "staging", "prod"]) {
            const trust = document(named(state[environment], "aws:iam/role:Role", `${environment}-deploy-role`), "assumeRolePolicy");
            assert.deepEqual(trust.Statement, [
                {
                    Effect: "Allow",
                    Principal: { Federated: `arn:aws:iam::${ACCOUNTS[environment]}:oidc-provider/token.actions.githubusercontent.com` },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                            "token.actions.githubusercontent.com:sub": `repo:${REPOSITORY}:environment:${environment}`,
                        },
                    },
                },
            ]);
        }
    });

    it("lets pull requests, <env>-preview and the downstream's jobs assume the preview role, by exact subject", () => {
        const subjects = (environment: string) =>
            document(named(state[environment], "aws:iam/role:Role", `${environment}-preview-role`), "assumeRolePolicy").Statement[0].Condition?.StringEquals[
                "token.actions.githubusercontent.com:sub"
            ];
        assert.deepEqual(subjects("prod"), [`repo:${REPOSITORY}:pull_request`, `repo:${REPOSITORY}:environment:prod-preview`]);
        assert.deepEqual(subjects("staging"), [
            `repo:${REPOSITORY}:pull_request`,
            `repo:${REPOSITORY}:environment:staging-preview`,
            `repo:${REPOSITORY}:environment:prod-preview`,
            `repo:${REPOSITORY}:environment:prod`,
        ]);
    });

    /** The statements of a role's managed policies, from the account stack's state. */
    const grants = (environment: string, role: "deploy" | "preview"): Statement[] =>
        state[environment]
            .filter((r) => r.type === "aws:iam/policy:Policy" && r.urn.includes(`::${environment}-${role}-policy-`))
            .flatMap((r) => document(r, "policy").Statement);

    it("scopes prod's deploy role to prod's account and name prefix; `*` only where the catalogue scopes an action to no resource", async () => {
        const statements = grants("prod", "deploy");
        assert.ok(statements.length > 10, `${statements.length} statements`);
        const allowed = statements.filter((s) => s.Effect === "Allow");
        const resources = allowed.flatMap((s) => list(s.Resource));
        for (const other of ["111111111111", "222222222222", "atlas-staging", "atlas?staging", "atlas-dev", "atlas?dev"]) {
            assert.deepEqual(
                resources.filter((r) => r.includes(other)),
                [],
                `nothing of ${other}`,
            );
        }
        const stateBucket = "arn:aws:s3:::atlas-pulumi-state-444444444444";
        const secretsKeys = "arn:aws:kms:eu-west-1:444444444444:key/*";
        assert.deepEqual(
            resources.filter((r) => r !== "*" && !r.startsWith(stateBucket) && r !== secretsKeys && !r.includes("333333333333") && !r.includes("*atlas?prod*")),
            [],
        );
        const unscoped = allowed.filter((s) => list(s.Resource).includes("*")).flatMap((s) => list(s.Action));
        for (const action of unscoped) {
            const found = await lookUpAction(action);
            assert.ok(found.kind === "actions" && found.actions[0].resourceTypes.length === 0, `${action} is granted on * though the catalogue scopes it`);
        }
        assert.ok(
            statements.some((s) => s.Effect === "Deny" && list(s.Resource).includes("arn:aws:iam::333333333333:role/github-actions-*")),
            "the deploy role may not change the CI roles",
        );
        // prod reads staging's state (the gate's evidence), and writes only its own.
        const stateWrites = allowed.filter((s) => list(s.Action).includes("s3:PutObject")).flatMap((s) => list(s.Resource));
        assert.ok(stateWrites.length > 0 && stateWrites.every((r) => !r.includes("/staging")), stateWrites.join(", "));
        assert.ok(
            allowed.some((s) => list(s.Resource).includes(`${stateBucket}/.pulumi/stacks/atlas/staging.*`)),
            "reads staging's state",
        );
    });

    it("gives the preview roles List and Read actions only, besides decrypting their stacks' secrets", async () => {
        const secretsKeys = "arn:aws:kms:eu-west-1:444444444444:key/*";
        for (const environment of ["dev", "staging", "prod"]) {
            const [keyUse, ...rest] = [true, false].map((onKey) =>
                grants(environment, "preview").filter((s) => list(s.Resource).includes(secretsKeys) === onKey),
            );
            // AWS files kms:Decrypt under Write; the key's policy gives it on the environment's own key only.
            assert.deepEqual(keyUse.flatMap((s) => list(s.Action)).sort(), ["kms:Decrypt", "kms:DescribeKey"]);
            for (const action of rest.flat().flatMap((s) => list(s.Action))) {
                const found = await lookUpAction(action);
                assert.ok(found.kind === "actions", action);
                assert.deepEqual(
                    found.actions.flatMap((a) => a.levels).filter((level) => level !== "List" && level !== "Read"),
                    [],
                    `${environment}'s preview role holds ${action}`,
                );
            }
        }
    });

    it("keeps the state in a protected, versioned, encrypted bucket with public access blocked, and one secrets key per environment", () => {
        const tooling = state.tooling;
        const bucket = named(tooling, "aws:s3/bucket:Bucket", "state-bucket");
        assert.equal(bucket.protect, true);
        assert.equal(bucket.outputs?.bucket, "atlas-pulumi-state-444444444444");
        assert.deepEqual(named(tooling, "aws:s3/bucketVersioning:BucketVersioning", "state-versioning").outputs?.versioningConfiguration, {
            status: "Enabled",
        });
        const block = named(tooling, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state-public-access-block").outputs ?? {};
        assert.deepEqual(
            ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].map((key) => block[key]),
            [true, true, true, true],
        );
        const sse = named(tooling, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state-encryption");
        assert.match(JSON.stringify(sse.outputs?.rules), /"sseAlgorithm":"AES256"/);
        assert.equal(outputs.tooling.backendUrl, "s3://atlas-pulumi-state-444444444444");
        for (const environment of ["dev", "staging", "prod"]) {
            const key = named(tooling, "aws:kms/key:Key", `${environment}-secrets-key`);
            assert.equal(key.protect, true);
            const principals = document(key, "policy")
                .Statement.map((s) => (s as unknown as { Principal: { AWS: string } }).Principal.AWS)
                .filter((p) => p.includes(":role/"));
            assert.deepEqual(principals, [
                `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-deploy`,
                `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-preview`,
            ]);
            assert.equal((outputs.tooling.secretsProviders as Record<string, string>)[environment], `awskms:///${String(key.outputs?.arn)}?region=eu-west-1`);
        }
    });

    it("grants each deploy role every action of every resource type the stand-in wrote for the release in its account", () => {
        // The stand-in's cloud: <account>/<urn>/<id>.json for every resource it created or updated (tools/stand-in-aws/cloud.ts).
        const cloud = fixture.system.workspace.cloudDir;
        for (const environment of ["staging", "prod"]) {
            const urns = fs.readdirSync(path.join(cloud, ACCOUNTS[environment])).map(decodeURIComponent);
            const types = [...new Set(urns.filter((urn) => urn.includes("::atlas::")).map((urn) => urn.split("::")[2].split("$").pop()!))].sort();
            assert.ok(types.length >= 20, types.join(", "));
            assert.deepEqual(
                types.filter((type) => !(type in DEPLOY_ACTIONS)),
                [],
                "each type the release created has a row in bootstrap/src/deploy-actions.ts",
            );
            const granted = new Set(
                grants(environment, "deploy")
                    .filter((s) => s.Effect === "Allow")
                    .flatMap((s) => list(s.Action)),
            );
            assert.deepEqual(
                types.flatMap((type) => DEPLOY_ACTIONS[type].filter((action) => !granted.has(action)).map((action) => `${type}: ${action}`)),
                [],
            );
        }
    });

    it("prints the GitHub variables from the deployed stacks: npm run bootstrap -- variables", () => {
        const printed = execFileSync(
            path.join(ROOT, "node_modules", ".bin", "ts-node"),
            ["-T", path.join(ROOT, "cli", "bootstrap.ts"), "variables", "--format", "json", "--workspace", fixture.system.workspace.dir],
            {
                cwd: ROOT,
                encoding: "utf8",
            },
        );
        const variables = JSON.parse(printed) as {
            repository: Record<string, string>;
            environments: Record<string, Record<string, string>>;
            secretsProviders: Record<string, string>;
        };
        assert.deepEqual(variables.repository, {
            PULUMI_BACKEND_URL: "s3://atlas-pulumi-state-444444444444",
            AWS_REGION: "eu-west-1",
            ...Object.fromEntries(
                Object.entries(ACCOUNTS).map(([environment, account]) => [
                    `AWS_PREVIEW_ROLE_ARN_${environment}`,
                    `arn:aws:iam::${account}:role/github-actions-${environment}-preview`,
                ]),
            ),
        });
        assert.deepEqual(
            variables.environments,
            Object.fromEntries(
                Object.entries(ACCOUNTS).map(([environment, account]) => [
                    environment,
                    { AWS_DEPLOY_ROLE_ARN: `arn:aws:iam::${account}:role/github-actions-${environment}-deploy` },
                ]),
            ),
        );
        assert.deepEqual(variables.secretsProviders, outputs.tooling.secretsProviders);
    });

    describe("a bad commit of bootstrap/, in a copy of the deployed workspace", () => {
        let attacks: string;
        /** The preview and (never) update of a stack of the commit, and the stand-in's cloud and the stack's state before and after. */
        const attempt = async (edits: Record<string, (text: string) => string>, message: string, stack: string) => {
            const checkout = fixture.system.repository.checkoutAt(fixture.system.commit(edits, message));
            const stacks = await bootstrapStacksFor(attacks, checkout);
            const snapshot = async () => ({
                state: JSON.stringify((await (await stacks.stack(stack)).exportStack()).deployment),
                cloud: fs.readdirSync(path.join(attacks, "cloud"), { recursive: true }).sort().join("\n"),
            });
            const before = await snapshot();
            const deployment = await deployBootstrapStack(stacks, stack);
            return { deployment, before, after: await snapshot() };
        };
        const refusals = (deployment: BootstrapDeployment, policy: string) =>
            deployment.preview.violations.filter((v) => v.policy === policy && v.level === "mandatory").map((v) => v.message);

        before(() => {
            attacks = fs.mkdtempSync(path.join(path.dirname(fixture.system.workspace.dir), "bootstrap-attacks-"));
            fs.cpSync(fixture.system.workspace.dir, attacks, { recursive: true, verbatimSymlinks: true });
        });
        after(() => fs.rmSync(attacks, { recursive: true, force: true }));

        it("is refused at the preview when the deploy role trusts pull requests, a branch or a pattern, or the preview role may write", async () => {
            const { deployment, before, after } = await attempt(
                {
                    "bootstrap/src/github-oidc.ts": (text) =>
                        text.replace(
                            "return [environmentSubject(repository, account.environment)];",
                            "return [environmentSubject(repository, account.environment), pullRequestSubject(repository), `repo:${repository}:ref:refs/heads/main`, `repo:${repository}:*`];",
                        ),
                    "bootstrap/src/role-policies.ts": (text) =>
                        text.replace(
                            '...(await scopedStatements(await previewActions(), account, "Read")),',
                            '...(await scopedStatements([...(await previewActions()), "s3:PutObject", "iam:PutRolePolicy", "s3:PutBucketTagging"], account, "Read")),',
                        ),
                },
                "bootstrap: let pull requests, main and any job deploy; let previews write",
                "prod",
            );
            assert.equal(deployment.update, null, "the update did not run");
            assert.equal(deployment.succeeded, false);
            const trust = refusals(deployment, "bootstrap-deploy-role-trust");
            assert.equal(trust.length, 3, trust.join("\n"));
            assert.match(trust.join("\n"), /trusts pull requests \(repo:example-org\/atlas-release-environments:pull_request\)/);
            assert.match(trust.join("\n"), /trusts branch main/);
            assert.match(trust.join("\n"), /trusts the pattern repo:example-org\/atlas-release-environments:\*/);
            const writes = refusals(deployment, "bootstrap-preview-role-read-only");
            assert.equal(writes.length, 1, writes.join("\n"));
            assert.match(writes[0], /the preview role github-actions-prod-preview .* may /);
            assert.match(writes[0], /s3:PutObject \[Write\]/);
            assert.match(writes[0], /iam:PutRolePolicy \[Permissions management/);
            assert.match(writes[0], /s3:PutBucketTagging \[Tagging/);
            assert.deepEqual(after, before, "nothing deployed: prod's bootstrap state and the stand-in's cloud are as they were");
        });

        it("is refused at the preview when the state bucket loses its versioning and part of its public access block", async () => {
            const { deployment, before, after } = await attempt(
                {
                    "bootstrap/src/tooling-stack.ts": (text) =>
                        text
                            .replace(/ {4}new aws\.s3\.BucketVersioning\([^\n]*\n/, "")
                            .replace("ignorePublicAcls: true, restrictPublicBuckets: true", "ignorePublicAcls: true, restrictPublicBuckets: false"),
                },
                "bootstrap: the state bucket without versioning, its public access block relaxed",
                "tooling",
            );
            assert.equal(deployment.update, null, "the update did not run");
            const bucket = refusals(deployment, "bootstrap-state-bucket");
            assert.equal(bucket.length, 2, bucket.join("\n"));
            assert.match(bucket.join("\n"), /"state-bucket" holds the release's state but is not versioned/);
            assert.match(bucket.join("\n"), /does not block public access: restrictPublicBuckets not true/);
            assert.deepEqual(after, before, "nothing deployed: the tooling stack's state and the stand-in's cloud are as they were");
        });
    });
});

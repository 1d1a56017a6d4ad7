/**
 * `npm run bootstrap -- variables` without the engine: the names it prints are the workflows' own, filled in from
 * the bootstrap stacks' outputs; what the bootstrap does not make is named as an admin's; a stack that is missing,
 * never deployed or behind the model is refused with the command that fixes it. tests/engine/bootstrap.spec.ts runs
 * the command on deployed stacks.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { AccountOutputs, ToolingOutputs } from "../../../bootstrap/src/outputs";
import {
    BootstrapOutputs,
    githubVariables,
    readBootstrapOutputs,
    variablesRead,
    variablesScript,
    variablesText,
    workflowVariables,
} from "../../../cli/lib/bootstrap";
import { BootstrapStacks, bootstrapStackNames } from "../../../cli/lib/stacks";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const REPOSITORY = "example-org/atlas-release-environments";
const ACCOUNTS: Record<string, string> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };

function accountOutputs(environment: string, overrides: Partial<AccountOutputs> = {}): AccountOutputs {
    return {
        accountId: ACCOUNTS[environment],
        githubRepository: REPOSITORY,
        deployRoleArns: { [environment]: `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-deploy` },
        previewRoleArns: { [environment]: `arn:aws:iam::${ACCOUNTS[environment]}:role/github-actions-${environment}-preview` },
        regions: { [environment]: "eu-west-1" },
        ...overrides,
    };
}

const TOOLING: ToolingOutputs = {
    backendUrl: "s3://atlas-pulumi-state-444444444444",
    secretsProviders: Object.fromEntries(ENVIRONMENTS.map((e) => [e, `awskms:///arn:aws:kms:eu-west-1:444444444444:key/${e}-key?region=eu-west-1`])),
};

const deployed = (): BootstrapOutputs => ({ accounts: Object.fromEntries(ENVIRONMENTS.map((e) => [e, accountOutputs(e)])), tooling: TOOLING });

/** Bootstrap stacks that exist with these outputs (a stack left out does not exist). */
function fakeStacks(outputs: Record<string, Record<string, unknown>>): BootstrapStacks {
    return {
        description: "a test backend",
        flags: " --workspace /tmp/w",
        checkout: ROOT,
        names: bootstrapStackNames(ROOT),
        existing: async () => new Set(Object.keys(outputs)),
        stack: async (name) =>
            ({
                outputs: async () => Object.fromEntries(Object.entries(outputs[name]).map(([key, value]) => [key, { value, secret: false }])),
            }) as unknown as Stack,
    };
}

const asOutputs = (outputs: BootstrapOutputs): Record<string, Record<string, unknown>> => ({
    ...(outputs.accounts as unknown as Record<string, Record<string, unknown>>),
    tooling: outputs.tooling as unknown as Record<string, unknown>,
});

describe("npm run bootstrap -- variables", () => {
    const read = workflowVariables(ROOT);

    it("prints every variable the workflows read, but the gate's commit and a pack change's approval, which an admin sets", () => {
        assert.ok(read.includes("AWS_DEPLOY_ROLE_ARN") && read.includes("AWS_PREVIEW_ROLE_ARN_prod"), read.join(", "));
        const variables = githubVariables(deployed(), read);
        const printed = [...Object.keys(variables.repository), ...Object.values(variables.environments).flatMap(Object.keys)];
        assert.deepEqual([...new Set(printed)].sort(), read.filter((name) => !variables.notFromBootstrap.includes(name)).sort());
        assert.deepEqual(variables.notFromBootstrap, ["ATLAS_GATE_COMMIT", "ATLAS_PACK_CHANGE_APPROVED"]);
        assert.deepEqual(Object.keys(variables.environments), [...ENVIRONMENTS]);
        assert.equal(variables.environments.prod.AWS_DEPLOY_ROLE_ARN, "arn:aws:iam::333333333333:role/github-actions-prod-deploy");
        assert.equal(variables.repository.AWS_PREVIEW_ROLE_ARN_staging, "arn:aws:iam::222222222222:role/github-actions-staging-preview");
        assert.equal(variables.repository.AWS_REGION, "eu-west-1");
        assert.equal(variables.repository.PULUMI_BACKEND_URL, "s3://atlas-pulumi-state-444444444444");
    });

    it("prints only what the workflows read: a variable they stop reading is not printed", () => {
        const variables = githubVariables(
            deployed(),
            read.filter((name) => name !== "AWS_REGION"),
        );
        assert.equal("AWS_REGION" in variables.repository, false);
        assert.ok("PULUMI_BACKEND_URL" in variables.repository);
    });

    it("reads vars.NAME and the per-environment vars[format('NAME_{0}', …)], and refuses any other computed name", () => {
        assert.deepEqual(variablesRead(["${{ vars.X }} ${{ vars[format('Y_{0}', matrix.stack)] }}"], ["dev", "prod"]), ["X", "Y_dev", "Y_prod"]);
        assert.throws(() => variablesRead(["${{ vars[matrix.name] }}"]), /reads a variable by a computed name \(vars\[matrix\.name\]\)/);
    });

    it("lays the variables out as GitHub's settings pages group them, and as gh commands", () => {
        const variables = githubVariables(deployed(), read);
        const text = variablesText(variables);
        assert.match(text, /^repository example-org\/atlas-release-environments, variables \(Settings → Secrets and variables → Actions → Variables\):$/m);
        assert.match(
            text,
            /^environment prod \(Settings → Environments → prod → Environment variables\):\n {2}AWS_DEPLOY_ROLE_ARN=arn:aws:iam::333333333333:role\/github-actions-prod-deploy$/m,
        );
        assert.match(text, /^ {2}prod=awskms:\/\/\/arn:aws:kms:eu-west-1:444444444444:key\/prod-key\?region=eu-west-1$/m);
        assert.match(text, /^not from the bootstrap, set by an admin when needed \(docs\/ci\.md\): ATLAS_GATE_COMMIT, ATLAS_PACK_CHANGE_APPROVED$/m);
        const script = variablesScript(variables);
        assert.match(
            script,
            /^gh variable set AWS_DEPLOY_ROLE_ARN --repo example-org\/atlas-release-environments --env prod --body arn:aws:iam::333333333333:role\/github-actions-prod-deploy$/m,
        );
        assert.match(
            script,
            /^gh variable set PULUMI_BACKEND_URL --repo example-org\/atlas-release-environments --body s3:\/\/atlas-pulumi-state-444444444444$/m,
        );
        // Secrets providers hold `?`: a comment, never a command.
        assert.deepEqual(
            script.split("\n").filter((line) => !line.startsWith("#") && !line.startsWith("gh variable set ")),
            [],
        );
    });

    it("refuses environments in several regions, or stacks trusting different repositories, saying what to change", () => {
        const outputs = deployed();
        outputs.accounts.prod = accountOutputs("prod", { regions: { prod: "us-east-1" } });
        assert.throws(
            () => githubVariables(outputs, read),
            /the environments are in eu-west-1, us-east-1, but the workflows read one repository variable AWS_REGION/,
        );
        const forked = deployed();
        forked.accounts.dev = accountOutputs("dev", { githubRepository: "someone/fork" });
        assert.throws(() => githubVariables(forked, read), /trust different repositories \(dev: someone\/fork, staging: example-org/);
    });
});

describe("the bootstrap stacks' outputs", () => {
    it("are read from every stack and checked against the model", async () => {
        const outputs = await readBootstrapOutputs(fakeStacks(asOutputs(deployed())));
        assert.deepEqual(outputs, deployed());
    });

    it("refuse a missing stack, naming it and the command that deploys it", async () => {
        const { tooling: _tooling, ...accounts } = asOutputs(deployed());
        await assert.rejects(
            readBootstrapOutputs(fakeStacks(accounts)),
            /^Error: bootstrap stack\(s\) tooling do not exist in a test backend; deploy each: npm run bootstrap -- up --stack tooling --workspace \/tmp\/w \(the account stacks dev, staging, prod before tooling\)$/,
        );
    });

    it("refuse a stack created but never deployed, and one deployed before an environment was added", async () => {
        await assert.rejects(
            readBootstrapOutputs(fakeStacks({ ...asOutputs(deployed()), staging: {} })),
            /bootstrap stack staging has no outputs: it was created but never deployed; deploy it: npm run bootstrap -- up --stack staging/,
        );
        const behind = deployed();
        behind.accounts.prod = accountOutputs("prod", { deployRoleArns: {} });
        behind.tooling = { ...TOOLING, secretsProviders: { dev: TOOLING.secretsProviders.dev } };
        await assert.rejects(readBootstrapOutputs(fakeStacks(asOutputs(behind))), (error: Error) => {
            assert.match(error.message, /^the bootstrap stacks are behind the environment model:/);
            assert.match(error.message, /environment prod has no CI roles in bootstrap stack prod; npm run bootstrap -- up --stack prod/);
            assert.match(error.message, /environment staging has no secrets key in bootstrap stack tooling; npm run bootstrap -- up --stack tooling/);
            return true;
        });
    });
});

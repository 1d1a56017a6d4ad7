/**
 * Doctor's CI check (cli/lib/preflight/workflow-variables.ts): the variables the workflows read, derived from the
 * workflow and action files (never a list kept by hand), each set when doctor runs in GitHub Actions.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { ciFindings, variablesRead, workflowVariables } from "../../../../cli/lib/preflight/workflow-variables";
import { ENVIRONMENTS } from "../../../../policy-pack/src/contract";

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");

const WORKFLOW = `
jobs:
  preview:
    strategy:
      matrix:
        stack: [dev, staging, prod]
    env:
      PULUMI_BACKEND_URL: \${{ vars.PULUMI_BACKEND_URL }}
      ATLAS_GATE_COMMIT: \${{ vars.ATLAS_GATE_COMMIT }}
      ATLAS_PACK_CHANGE_APPROVED: \${{ vars.ATLAS_PACK_CHANGE_APPROVED }}
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: \${{ vars[format('AWS_PREVIEW_ROLE_ARN_{0}', matrix.stack)] }}
          aws-region: \${{ vars.AWS_REGION }}
      - run: gh issue create
        env:
          GH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
          PAGER_KEY: \${{ secrets.PAGER_KEY }}
`;

describe("doctor: the variables the workflows read", () => {
    it("are every vars.NAME and secrets.NAME, and a format('NAME_{0}', …) name once per environment; the gate's settings and the token are optional", () => {
        assert.deepEqual(variablesRead(WORKFLOW, ["dev", "staging", "prod"]), [
            "AWS_PREVIEW_ROLE_ARN_dev",
            "AWS_PREVIEW_ROLE_ARN_prod",
            "AWS_PREVIEW_ROLE_ARN_staging",
            "AWS_REGION",
            "PAGER_KEY",
            "PULUMI_BACKEND_URL",
        ]);
    });

    it("are read from this repository's workflows and actions: the backend, the region, the deploy role and each environment's preview role", () => {
        const names = workflowVariables(ROOT);
        for (const name of ["PULUMI_BACKEND_URL", "AWS_REGION", "AWS_DEPLOY_ROLE_ARN", ...ENVIRONMENTS.map((e) => `AWS_PREVIEW_ROLE_ARN_${e}`)]) {
            assert.ok(names.includes(name), `${name} is not among ${names.join(", ")}`);
        }
        assert.ok(!names.some((name) => ["ATLAS_GATE_COMMIT", "ATLAS_PACK_CHANGE_APPROVED", "GITHUB_TOKEN"].includes(name)), names.join(", "));
    });

    describe("from a checkout's .github", () => {
        let checkout: string;
        beforeEach(() => (checkout = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-workflows-"))));
        afterEach(() => fs.rmSync(checkout, { recursive: true, force: true }));
        const write = (file: string, text: string) => {
            fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
            fs.writeFileSync(path.join(checkout, file), text);
        };

        it("are those of the workflows and of each composite action's action.yml, nothing else", () => {
            write(".github/workflows/a.yml", "x: ${{ vars.FROM_WORKFLOW }}\n");
            write(".github/workflows/b.yaml", "x: ${{ secrets.FROM_YAML }}\n");
            write(".github/workflows/notes.md", "${{ vars.FROM_NOTES }}\n");
            write(".github/actions/login/action.yml", "x: ${{ vars.FROM_ACTION }}\n");
            write(".github/actions/login/sample.yml", "x: ${{ vars.FROM_SAMPLE }}\n");
            assert.deepEqual(workflowVariables(checkout), ["FROM_ACTION", "FROM_WORKFLOW", "FROM_YAML"]);
        });

        it("are none without a .github directory", () => {
            assert.deepEqual(workflowVariables(checkout), []);
        });
    });

    describe("in CI", () => {
        const NAMES = ["AWS_REGION", "AWS_DEPLOY_ROLE_ARN", "PULUMI_BACKEND_URL"];
        const CI = {
            GITHUB_ACTIONS: "true",
            AWS_REGION: "eu-west-1",
            AWS_DEPLOY_ROLE_ARN: "arn:aws:iam::333333333333:role/deploy",
            PULUMI_BACKEND_URL: "s3://state",
        };

        it("is ok when each is set", () => {
            assert.deepEqual(ciFindings(NAMES, CI).map(findingLine), ["ok  CI variables (all 3 the workflows read are set)"]);
        });

        it("is a problem naming each one unset or empty, with where to set it", () => {
            const [line] = ciFindings(NAMES, { ...CI, AWS_REGION: undefined, PULUMI_BACKEND_URL: "" }).map(findingLine);
            assert.match(
                line,
                /^✘ {3}CI variables: 2 of the 3 variables the workflows read are not set: AWS_REGION, PULUMI_BACKEND_URL; to fix: set each in the repository's or the environment's variables/,
            );
            assert.match(ciFindings(NAMES, { ...CI, AWS_REGION: "" }).map(findingLine)[0], /1 of the 3 variables the workflows read is not set: AWS_REGION;/);
        });

        it("is not checked outside GitHub Actions, and lists what it would check there", () => {
            assert.deepEqual(ciFindings(NAMES, { GITHUB_ACTIONS: "" }).map(findingLine), [
                "??  CI variables: not checked: not in GitHub Actions (GITHUB_ACTIONS is not true); there, doctor checks the 3 the workflows read: AWS_REGION, AWS_DEPLOY_ROLE_ARN, PULUMI_BACKEND_URL",
            ]);
        });
    });
});

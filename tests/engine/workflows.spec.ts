/**
 * The GitHub Actions workflows are linted with actionlint (built from the Go module proxy on
 * first use), and their release-safety properties are asserted directly.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PACK_CHANGE_ENV, PINNED_GATE_ENV } from "../../cli/lib/trusted-gate";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

type Workflow = { on: Record<string, unknown>; jobs: Record<string, Record<string, unknown>>; permissions?: Record<string, string> };

function load(name: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
}

describe("GitHub Actions workflows", function () {
    this.timeout(300_000);

    it("pass actionlint", () => {
        const actionlint = execFileSync("bash", [path.join(ROOT, "scripts", "ensure-actionlint.sh")], { encoding: "utf8" }).trim();
        const result = spawnSync(actionlint, ["-no-color"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("release deploys dev, then staging, then prod, each after the one before", () => {
        const jobs = load("release.yml").jobs;
        assert.deepEqual(jobs.staging.needs, ["version", "dev"]);
        assert.deepEqual(jobs.prod.needs, ["version", "staging"]);
        for (const stack of ["dev", "staging", "prod"]) {
            assert.equal(jobs[stack].uses, "./.github/workflows/deploy-stack.yml");
            assert.equal((jobs[stack].with as Record<string, string>).stack, stack);
        }
    });

    it("never updates a stack from two runs at once, and runs each in its GitHub environment", () => {
        const deploy = load("deploy-stack.yml").jobs.deploy;
        assert.deepEqual(deploy.concurrency, { group: "atlas-stack-${{ inputs.stack }}", "cancel-in-progress": false });
        assert.equal(deploy.environment, "${{ inputs.stack }}");
        const steps = deploy.steps as Array<{ run?: string }>;
        assert.ok(steps.some((s) => s.run?.includes("npm run --silent promote")), "deploys through promote");
    });

    it("checks out the whole history (the trusted gate is the pack of prod's release) and passes the pinned gate and the pack-change approval from the environment only", () => {
        for (const [file, job] of [["deploy-stack.yml", "deploy"], ["pull-request.yml", "preview"]]) {
            const steps = load(file).jobs[job].steps as Array<{ uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; run?: string }>;
            assert.equal(steps.find((s) => s.uses === "actions/checkout@v4")?.with?.["fetch-depth"], 0, file);
        }
        const promote = (load("deploy-stack.yml").jobs.deploy.steps as Array<{ run?: string; env?: Record<string, string> }>).find((s) => s.run?.includes("promote"));
        assert.deepEqual(promote?.env, { [PINNED_GATE_ENV]: `\${{ vars.${PINNED_GATE_ENV} }}`, [PACK_CHANGE_ENV]: `\${{ vars.${PACK_CHANGE_ENV} }}` });
    });

    it("uses OIDC roles and no long-lived cloud secrets", () => {
        for (const file of fs.readdirSync(WORKFLOWS)) {
            const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
            assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN|secrets\./, file);
        }
        const preview = load("pull-request.yml").jobs.preview;
        assert.equal((preview.permissions as Record<string, string>)["id-token"], "write");
    });

    it("previews all three stacks on pull requests with the release gate advisory", () => {
        const workflow = load("pull-request.yml");
        const preview = workflow.jobs.preview as { strategy: { matrix: { stack: string[] } }; steps: Array<{ run?: string }> };
        assert.deepEqual(preview.strategy.matrix.stack, ["dev", "staging", "prod"]);
        assert.ok(preview.steps.some((s) => s.run?.includes("--pull-request-check")));
        const test = workflow.jobs.test as { steps: Array<{ run?: string }> };
        assert.ok(test.steps.some((s) => s.run === "npm run --silent parity"), "stack-file drift between staging and prod fails the pull request");
    });
});

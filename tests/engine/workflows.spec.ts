/**
 * The GitHub Actions workflows are linted with actionlint (built from the Go module proxy on
 * first use), and their release-safety properties are asserted directly.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { UPSTREAM_PROFILE_ENV } from "../../cli/lib/gate/promote";
import { PACK_CHANGE_ENV, PINNED_GATE_ENV } from "../../cli/lib/gate/trusted-gate";
import { ENVIRONMENT_MODEL, ENVIRONMENTS, environmentsDenying, gatedEnvironments, upstreamOf } from "../../policy-pack/src/contract";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

type Workflow = { on: Record<string, unknown>; jobs: Record<string, Record<string, unknown>>; permissions?: Record<string, string> };

function load(name: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
}

type Step = {
    uses?: string;
    with?: Record<string, string>;
    run?: string;
    id?: string;
    if?: string;
    env?: Record<string, string>;
    "working-directory"?: string;
    "continue-on-error"?: boolean;
};

function stepsOf(job: Record<string, unknown>): Step[] {
    return job.steps as Step[];
}

/** The `run:` lines of a repository action a step uses (`./.github/actions/…`); none for another action. */
function localActionLines(uses: string | undefined): string[] {
    if (!uses?.startsWith("./")) {
        return [];
    }
    const action = yaml.load(fs.readFileSync(path.join(ROOT, uses, "action.yml"), "utf8")) as { runs: { steps: Step[] } };
    return action.runs.steps.flatMap((s) => (s.run ?? "").split("\n"));
}

describe("GitHub Actions workflows", function () {
    this.timeout(300_000);

    it("pass actionlint", () => {
        const actionlint = execFileSync("bash", [path.join(ROOT, "scripts", "ensure-actionlint.sh")], { encoding: "utf8" }).trim();
        const result = spawnSync(actionlint, ["-no-color"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("release deploys dev, then staging; prod is promoted by its own run, from what staging runs, never waiting in the release run", () => {
        const jobs = load("release.yml").jobs;
        assert.deepEqual(jobs.staging.needs, ["version", "dev"]);
        assert.equal(jobs.prod, undefined, "the release run has no prod job: prod's approval never holds up dev and staging");
        for (const stack of ["dev", "staging"]) {
            assert.equal(jobs[stack].uses, "./.github/workflows/deploy-stack.yml");
            assert.equal((jobs[stack].with as Record<string, string>).stack, stack);
        }
        const promoteProd = load("promote-prod.yml");
        assert.deepEqual((promoteProd.on.workflow_run as { workflows: string[] }).workflows, ["release"]);
        const prod = promoteProd.jobs.prod;
        assert.equal(prod.environment, "prod");
        assert.deepEqual(prod.concurrency, { group: "atlas-stack-prod", "cancel-in-progress": false }, "shares deploy-stack.yml's lock of prod");
        for (const [name, job] of Object.entries(promoteProd.jobs)) {
            const steps = stepsOf(job);
            const reads = steps.findIndex((s) => s.uses === "./.github/actions/prod-candidate");
            const promotes = steps.findIndex((s) =>
                s.run?.includes('--stack prod --version "${{ steps.candidate.outputs.version }}" --checkout "$RUNNER_TEMP/candidate"'),
            );
            assert.ok(
                reads >= 0 && reads < promotes,
                `${name}: reads staging's release from staging, checks out its commit and the judging commit, then promotes it`,
            );
            assert.equal(steps[promotes]["working-directory"], "${{ runner.temp }}/gate", `${name}: the judging commit's tooling promotes the candidate`);
        }
        const action = fs.readFileSync(path.join(ROOT, ".github", "actions", "prod-candidate", "action.yml"), "utf8");
        assert.match(
            action,
            /newest_release staging\)[\s\S]*newest_release prod\)/,
            "the candidate is read from staging's history, the judging commit from prod's",
        );
        assert.match(action, /git worktree add --detach "\$RUNNER_TEMP\/gate" "\$\{\{ steps\.releases\.outputs\.judging \}\}"/);
    });

    it("judges prod's candidate with prod's read-only role before anyone approves; only a candidate that passed reaches the deploy role, the release the gate judged", () => {
        const { gate, prod } = load("promote-prod.yml").jobs;
        assert.equal(gate.environment, "prod-preview");
        assert.equal(prod.needs, "gate");
        const roles = (job: Record<string, unknown>) =>
            stepsOf(job)
                .filter((s) => s.uses === "aws-actions/configure-aws-credentials@v4")
                .map((s) => s.with?.["role-to-assume"]);
        assert.deepEqual(roles(gate), ["${{ vars.AWS_PREVIEW_ROLE_ARN_prod }}"], "the gate job never holds the deploy role");
        assert.deepEqual(roles(prod), ["${{ vars.AWS_DEPLOY_ROLE_ARN }}"]);
        assert.ok(
            stepsOf(gate).some((s) => s.run?.includes("npm run --silent promote") && s.run.includes("--preview-only")),
            "the gate job only previews",
        );
        assert.equal(stepsOf(prod).find((s) => s.uses === "./.github/actions/prod-candidate")?.with?.["expected-version"], "${{ needs.gate.outputs.version }}");
    });

    it("runs none of the candidate's code in prod's jobs before the judging commit's tooling: no npm script, no install script", () => {
        for (const [name, job] of Object.entries(load("promote-prod.yml").jobs)) {
            const steps = stepsOf(job);
            const promotes = steps.findIndex((s) => s.run?.includes("npm run --silent promote"));
            const before = steps.slice(0, promotes).flatMap((s) => [...(s.run ?? "").split("\n"), ...localActionLines(s.uses)]);
            assert.ok(
                before.some((line) => line.includes("npm ci --ignore-scripts")),
                `${name}: (precondition) the local action's lines are read`,
            );
            assert.deepEqual(
                before.filter((line) => /\bnpm (run|test|start|exec)\b|\bnpx\b/.test(line)),
                [],
                `${name}: an npm script of the default checkout (the newest main) runs with prod's role`,
            );
            assert.deepEqual(
                before.filter((line) => /\bnpm (ci|install)\b/.test(line) && !line.includes("--ignore-scripts")),
                [],
                `${name}: an install script runs with prod's role`,
            );
        }
    });

    it("write the release status to the job summary after each deployment, never failing the job, and embed it in the pull-request comment", () => {
        const STATUS = 'npm run --silent status -- --format markdown >> "$GITHUB_STEP_SUMMARY"';
        for (const [file, job] of [
            ["deploy-stack.yml", "deploy"],
            ["promote-prod.yml", "prod"],
        ]) {
            const steps = stepsOf(load(file).jobs[job]);
            const status = steps.findIndex((s) => s.run === STATUS);
            assert.ok(status > steps.findIndex((s) => s.run?.includes("npm run --silent promote")), `${file}: the status follows the promote`);
            assert.match(String(steps[status].if), /^always\(\)/, `${file}: after a failed promote too`);
            assert.equal(steps[status]["continue-on-error"], true, `${file}: never fails the job`);
        }
        const prod = stepsOf(load("promote-prod.yml").jobs.prod);
        assert.equal(prod.find((s) => s.run === STATUS)?.["working-directory"], "${{ runner.temp }}/gate", "prod's job runs the judging commit's tooling only");
        const preview = stepsOf(load("pull-request.yml").jobs.preview);
        const status = preview.find((s) => s.run?.includes('npm run --silent status -- --format markdown > "reports/status-${{ matrix.stack }}.md" || true'));
        assert.equal(status?.if, "matrix.upstream", "read where the job holds a promoted environment's preview role");
        assert.ok(
            preview.some((s) => s.uses === "actions/upload-artifact@v4" && s.with?.path === "reports/"),
            "the status goes with the reports",
        );
        const comment = stepsOf(load("pull-request.yml").jobs.comment);
        assert.ok(
            comment.some((s) => s.run?.includes("npm run --silent pr-comment -- --reports reports")),
            "the comment folds every report it is given",
        );
    });

    it("never updates a stack from two runs at once, and runs each in its GitHub environment", () => {
        const deploy = load("deploy-stack.yml").jobs.deploy;
        assert.deepEqual(deploy.concurrency, { group: "atlas-stack-${{ inputs.stack }}", "cancel-in-progress": false });
        assert.equal(deploy.environment, "${{ inputs.stack }}");
        const steps = deploy.steps as Array<{ run?: string }>;
        assert.ok(
            steps.some((s) => s.run?.includes("npm run --silent promote")),
            "deploys through promote",
        );
    });

    it("checks out the whole history (the trusted gate is the pack of prod's release) and passes the pinned gate and the pack-change approval from the environment only", () => {
        for (const [file, job] of [
            ["deploy-stack.yml", "deploy"],
            ["pull-request.yml", "preview"],
            ["promote-prod.yml", "prod"],
        ]) {
            const steps = load(file).jobs[job].steps as Array<{ uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; run?: string }>;
            assert.equal(steps.find((s) => s.uses === "actions/checkout@v4")?.with?.["fetch-depth"], 0, file);
        }
        const promote = (load("deploy-stack.yml").jobs.deploy.steps as Array<{ run?: string; env?: Record<string, string> }>).find((s) =>
            s.run?.includes("promote"),
        );
        assert.deepEqual(promote?.env, { [PINNED_GATE_ENV]: `\${{ vars.${PINNED_GATE_ENV} }}`, [PACK_CHANGE_ENV]: `\${{ vars.${PACK_CHANGE_ENV} }}` });
        for (const job of Object.values(load("promote-prod.yml").jobs)) {
            const prodPromote = stepsOf(job).find((s) => s.run?.includes("npm run --silent promote"));
            assert.deepEqual(prodPromote?.env, {
                [PINNED_GATE_ENV]: `\${{ vars.${PINNED_GATE_ENV} }}`,
                [PACK_CHANGE_ENV]: `\${{ vars.${PACK_CHANGE_ENV} }}`,
                [UPSTREAM_PROFILE_ENV]: "atlas-upstream-read",
            });
        }
    });

    it("uses OIDC roles and no long-lived cloud secrets", () => {
        for (const file of fs.readdirSync(WORKFLOWS)) {
            const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
            assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN|secrets\./, file);
        }
        const preview = load("pull-request.yml").jobs.preview;
        assert.equal((preview.permissions as Record<string, string>)["id-token"], "write");
    });

    it("previews every environment of the model on pull requests with the release gate advisory, each promoted one beside its upstream", () => {
        const workflow = load("pull-request.yml");
        const preview = workflow.jobs.preview as {
            strategy: { matrix: { stack: string[]; include: { stack: string; upstream: string }[] } };
            steps: Array<{ run?: string }>;
        };
        assert.deepEqual(preview.strategy.matrix.stack, ENVIRONMENTS, "every environment of the model");
        assert.deepEqual(
            preview.strategy.matrix.include,
            gatedEnvironments(ENVIRONMENT_MODEL).map((stack) => ({ stack, upstream: upstreamOf(stack, ENVIRONMENT_MODEL) })),
            "the upstream of each promoted environment, as the model has it",
        );
        assert.ok(preview.steps.some((s) => s.run?.includes("--pull-request-check") && s.run.includes('--json "reports/${{ matrix.stack }}.json"')));
        const test = workflow.jobs.test as { steps: Array<{ run?: string }> };
        assert.ok(
            test.steps.some((s) => s.run === "npm run --silent parity"),
            "stack-file drift between staging and prod fails the pull request",
        );
    });

    it("pull-request.yml names no environment outside its preview matrix (the comment's rows come from the model)", () => {
        const workflow = load("pull-request.yml");
        assert.deepEqual(environmentsNamedOutsideMatrix(workflow), []);
        const naming = load("pull-request.yml");
        (naming.jobs.comment.steps as Step[]).push({ if: "matrix.stack == 'prod'", run: "for stack in dev staging; do cat $stack.md; done" });
        assert.deepEqual(
            environmentsNamedOutsideMatrix(naming),
            ["dev", "staging", "prod"].filter((e) => ENVIRONMENTS.includes(e as never)),
            "a made-up step naming environments is found",
        );
    });

    it("checks staging and prod for drift every day, keeping one issue per drifted stack open and closing it when the drift is gone", () => {
        const workflow = load("drift.yml");
        assert.ok(Array.isArray(workflow.on.schedule), "scheduled");
        const job = workflow.jobs.drift as { strategy: { matrix: { stack: string[] } }; steps: Array<{ run?: string; if?: string; name?: string }> };
        assert.deepEqual(job.strategy.matrix.stack, environmentsDenying("developers", ENVIRONMENT_MODEL), "every environment developers do not touch");
        assert.ok(job.steps.some((s) => s.run?.includes('npm run --silent drift -- --stack "${{ matrix.stack }}" --format markdown')));
        assert.ok(job.steps.some((s) => s.if === "steps.drift.outputs.exit == '1'" && s.run?.includes("gh issue create")));
        assert.ok(job.steps.some((s) => s.if === "steps.drift.outputs.exit == '0'" && s.run?.includes("gh issue close")));
        assert.ok(
            job.steps.some((s) => s.if?.includes("!= '0'") && s.if.includes("!= '1'") && s.run?.includes("exit 1")),
            "a check that cannot run fails the job",
        );
    });

    it("deploys a labelled pull request's review stack pr-<n> into the dev account only, comments on it, and destroys and removes it when the pull request closes or loses the label", () => {
        const workflow = load("review-stack.yml");
        const types = (workflow.on.pull_request as { types: string[] }).types;
        for (const type of ["opened", "synchronize", "labeled", "unlabeled", "closed"]) {
            assert.ok(types.includes(type), type);
        }
        const { deploy, destroy } = workflow.jobs as Record<string, Record<string, unknown> & { if: string }>;
        assert.match(deploy.if, /contains\(github\.event\.pull_request\.labels\.\*\.name, 'review-stack'\)/, "opt-in by label");
        assert.match(destroy.if, /github\.event\.action == 'closed'/);
        assert.match(destroy.if, /github\.event\.action == 'unlabeled' && github\.event\.label\.name == 'review-stack'/);
        for (const job of [deploy, destroy]) {
            assert.equal(job.environment, "dev", "the dev environment's variables: its role reaches the dev account only");
            assert.deepEqual(job.concurrency, { group: "atlas-stack-pr-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
            const roles = stepsOf(job)
                .filter((s) => s.uses === "aws-actions/configure-aws-credentials@v4")
                .map((s) => s.with?.["role-to-assume"]);
            assert.deepEqual(roles, ["${{ vars.AWS_DEPLOY_ROLE_ARN }}"]);
        }
        const deployRuns = stepsOf(deploy).map((s) => s.run ?? "");
        const creates = deployRuns.findIndex((r) => r.includes('npm run --silent dev-stack -- --pull-request "$PR"'));
        const promotes = deployRuns.findIndex((r) => r.includes('npm run --silent promote -- --stack "pr-$PR"'));
        assert.ok(creates >= 0 && creates < promotes, "creates the review stack from dev's stack file, then deploys it with the pack");
        assert.ok(
            deployRuns.some((r) => r.includes("gh pr comment") && r.includes("review.md") && r.includes("pulumi stack output --json")),
            "comments the policy results and outputs",
        );
        assert.ok(stepsOf(destroy).some((s) => s.run === 'npm run --silent dev-stack -- --pull-request "$PR" --destroy'));
    });

    it("run only commands and flags that exist and that an offline test exercises", () => {
        const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        const tests = testSources();
        const calls = workflowCommandLines().flatMap(({ file, line }) =>
            [...line.matchAll(/npm run (?:--silent )?([\w:-]+)((?: -- [^|;&>\n]*)?)/g)].map((m) => ({
                file,
                script: m[1],
                flags: [...(m[2] ?? "").matchAll(/(?<=\s|^)(--[a-z][\w-]*)/g)].map((f) => f[1]),
            })),
        );
        const npmLines = workflowCommandLines().filter(({ line }) => /\bnpm run\b/.test(line) && !line.trimStart().startsWith("#"));
        assert.ok(
            calls.length >= npmLines.length && calls.length > 0,
            `read every npm run line of the workflows (${calls.length} calls on ${npmLines.length} lines)`,
        );
        const problems: string[] = [];
        for (const { file, script, flags } of calls) {
            if (!scripts[script]) {
                problems.push(`${file}: npm run ${script}: package.json has no such script`);
                continue;
            }
            const command = /^ts-node (cli\/[\w-]+\.ts)$/.exec(scripts[script])?.[1];
            const usage = command ? fs.readFileSync(path.join(ROOT, command), "utf8") : "";
            const exercising = tests.filter((t) => t.text.includes(`"${script}"`));
            if (command && exercising.length === 0) {
                problems.push(`${file}: npm run ${script}: no offline test runs it`);
            }
            for (const flag of flags) {
                if (!usage.includes(`${flag} `) && !usage.includes(`${flag}\n`)) {
                    problems.push(`${file}: npm run ${script} ${flag}: the command's usage has no such flag`);
                } else if (!exercising.some((t) => t.text.includes(`"${flag}"`))) {
                    problems.push(`${file}: npm run ${script} ${flag}: no offline test that runs ${script} passes ${flag}`);
                }
            }
        }
        assert.deepEqual(problems, []);
    });
});

/** The environments of the model a workflow names anywhere but its preview job's matrix (comments aside). */
function environmentsNamedOutsideMatrix(workflow: Workflow): string[] {
    const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
    delete (copy.jobs.preview.strategy as { matrix?: unknown }).matrix;
    const text = JSON.stringify(copy);
    return ENVIRONMENTS.filter((environment) => new RegExp(`(?<![\\w-])${environment}(?![\\w-])`).test(text));
}

/** Every `run:` line of the workflows and the repository's own actions. */
function workflowCommandLines(): { file: string; line: string }[] {
    const files = [
        ...fs.readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f)),
        ...fs.readdirSync(path.join(ROOT, ".github", "actions")).map((d) => path.join(ROOT, ".github", "actions", d, "action.yml")),
    ];
    const runs = (node: unknown): string[] =>
        Array.isArray(node)
            ? node.flatMap(runs)
            : node !== null && typeof node === "object"
              ? Object.entries(node).flatMap(([key, value]) => (key === "run" && typeof value === "string" ? [value] : runs(value)))
              : [];
    return files.flatMap((file) =>
        runs(yaml.load(fs.readFileSync(file, "utf8"))).flatMap((text) => text.split("\n").map((line) => ({ file: path.basename(file), line }))),
    );
}

/** The offline tests' sources (engine and unit), where a command and its flags are run. */
function testSources(): { file: string; text: string }[] {
    const walk = (dir: string): string[] =>
        fs
            .readdirSync(dir, { withFileTypes: true })
            .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    return walk(path.join(ROOT, "tests")).map((file) => ({ file, text: fs.readFileSync(file, "utf8") }));
}

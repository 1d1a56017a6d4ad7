/**
 * The pull-request comment, from real pull-request checks on the real engine: every environment of the model
 * previewed with the release gate advisory (as pull-request.yml's matrix does), each check's JSON report written,
 * and the comment assembled from them by `npm run pr-comment`. Two pull requests: one that rewords an alarm in both
 * environments and sets a prod-only Glue worker count (the comment's first screen names that one difference, once),
 * and one that only rewords the alarm (the table says prod waits for staging, nothing would refuse).
 *
 * Starts from the suite's deployed release (staging and prod at 1.0.0 of the snapshot); previews only.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PULL_REQUEST_OVERRIDES } from "../../cli/lib/gate/promote";
import { checkReportOf, CheckReport, readCheckReport } from "../../cli/lib/gate/check-report";
import { ENVIRONMENTS, gatedEnvironments, ENVIRONMENT_MODEL, upstreamOf } from "../../policy-pack/src/contract";
import { runCommand } from "./hardening/harness";
import { withOfflineWorkspace } from "./support/offline-release";

const REWORDED_ALARM = {
    "src/components/observability.ts": (text: string) => text.replace('"A pipeline run failed"', '"A pipeline run failed: see its execution history"'),
};
const PROD_ONLY_WORKERS = {
    "Pulumi.prod.yaml": (text: string) => text.replace("atlas:glueNumberOfWorkers: 10", "atlas:glueNumberOfWorkers: 12"),
};

/** The comment's first screen: everything before the first folded block. */
function firstScreen(comment: string): string {
    return comment.slice(0, comment.indexOf("<details>"));
}

/** Every bulleted line of the comment outside its folded blocks. */
function visibleItems(comment: string): string[] {
    return firstScreen(comment)
        .split("\n")
        .filter((line) => /^\s*- /.test(line));
}

describe("the pull-request comment of real pull-request checks (real engine)", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;
    const [gated] = gatedEnvironments(ENVIRONMENT_MODEL);
    const upstream = upstreamOf(gated, ENVIRONMENT_MODEL)!;

    /** Each environment's check of `commit`, in-process as the CLI runs it, reported as `--json` writes it, in `dir`. */
    async function checkAll(commit: string, dir: string, environments: readonly string[]): Promise<CheckReport[]> {
        const reports: CheckReport[] = [];
        for (const environment of environments) {
            const promotion = await sys().promote(environment, "0.0.0-pr.7", { commit, previewOnly: true, policyOverrides: { ...PULL_REQUEST_OVERRIDES } });
            const report = checkReportOf(promotion, sys().source(commit).checkout);
            fs.writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(report));
            reports.push(report);
        }
        return reports;
    }

    /** `npm run pr-comment` as the workflow runs it: the comment to a file, nothing on standard output. */
    async function comment(dir: string): Promise<string> {
        const output = path.join(dir, "..", `${path.basename(dir)}-comment.md`);
        const result = await runCommand("pr-comment", ["--reports", dir, "--output", output]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.equal(result.stdout, "");
        try {
            return fs.readFileSync(output, "utf8");
        } finally {
            fs.rmSync(output, { force: true });
        }
    }

    describe("a prod-only Glue worker count beside an alarm reworded in both environments", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pr-comment-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        let text: string;

        before(async function () {
            this.timeout(900_000);
            const pr = sys().commit({ ...REWORDED_ALARM, ...PROD_ONLY_WORKERS }, "PR 7: reword the pipeline alarm; 12 Glue workers in prod");
            await checkAll(
                pr,
                dir,
                ENVIRONMENTS.filter((e) => e !== gated),
            );
            // The gated environment as the workflow runs it: the CLI, writing its JSON report (offline, it takes the
            // trusted path: the judging commit's promote, with --checkout the pull request's commit).
            const checkout = sys().source(pr).checkout;
            const cli = await runCommand(
                "promote",
                [
                    "--stack",
                    gated,
                    "--version",
                    "0.0.0-pr.7",
                    "--preview-only",
                    "--pull-request-check",
                    "--json",
                    // Relative to the checkout, as in the workflow: the judging commit's promote runs elsewhere.
                    path.relative(checkout, path.join(dir, `${gated}.json`)),
                    "--workspace",
                    sys().workspace.dir,
                ],
                { root: checkout },
            );
            assert.equal(cli.code, 0, cli.stdout + cli.stderr);
            text = await comment(dir);
        });

        it("opens with the table, one row per environment of the model, then the one difference", () => {
            const screen = firstScreen(text);
            const rows = screen.split("\n").filter((line) => /^\| (?!environment|---)/.test(line));
            assert.deepEqual(
                rows.map((line) => line.split("|")[1].trim()),
                ENVIRONMENTS,
                text,
            );
            assert.match(rows[(ENVIRONMENTS as readonly string[]).indexOf(gated)], /would be refused/);
            assert.match(screen, new RegExp(`${gated} would run \`numberOfWorkers\` 12 where ${upstream} runs 10`));
            assert.match(screen, /aws:glue\/job:Job "etl-job"/);
            assert.match(screen, /set by `atlas:glueNumberOfWorkers` in `Pulumi\.prod\.yaml`/);
            assert.doesNotMatch(screen, /[Ww]ould refuse \(advisory|Refused for stack/, "no release-gate paragraph before the folded reports");
        });

        it("lists no finding twice, and the release gate's expected findings not at all", () => {
            const items = visibleItems(text);
            assert.equal(items.filter((line) => /numberOfWorkers/.test(line)).length, 1, items.join("\n"));
            assert.deepEqual(
                items.filter((line, i) => items.indexOf(line) !== i),
                [],
            );
            assert.doesNotMatch(firstScreen(text), /prod-references-staging|prod-release-matches-staging/);
            const report = readCheckReport(path.join(dir, `${gated}.json`));
            assert.equal(report.waitsForUpstream, true);
            assert.deepEqual(
                report.findings
                    .filter((f) => f.kind === "expected")
                    .map((f) => f.policy)
                    .sort(),
                ["prod-references-staging", "prod-release-matches-staging"],
                "the pack's real wording of a commit staging does not run yet is recognised",
            );
            // Parity compares prod's plan with what staging runs now, so the reworded alarm is listed there too; the
            // comment sets it aside because staging's own plan sets the same description.
            assert.deepEqual(report.differences.map((d) => [d.resource, d.path, d.staging, d.prod]).sort(), [
                [
                    'aws:cloudwatch/metricAlarm:MetricAlarm "state-machine-failure-alarm"',
                    "alarmDescription",
                    '"A pipeline run failed"',
                    '"A pipeline run failed: see its execution history"',
                ],
                ['aws:glue/job:Job "etl-job"', "numberOfWorkers", "10", "12"],
            ]);
            const upstreamPlan = readCheckReport(path.join(dir, `${upstream}.json`)).plannedValues;
            assert.equal(
                upstreamPlan?.['aws:cloudwatch/metricAlarm:MetricAlarm "state-machine-failure-alarm"']?.alarmDescription,
                '"A pipeline run failed: see its execution history"',
            );
            assert.doesNotMatch(firstScreen(text), /alarmDescription/);
        });

        it("folds every environment's full report, and holds no secret", () => {
            for (const environment of ENVIRONMENTS) {
                assert.match(text, new RegExp(`<summary>${environment}: the full report</summary>`));
            }
            assert.ok(!text.includes(sys().oncallSecret), "the on-call secret appears in the comment");
        });
    });

    describe("an alarm reworded in both environments, and nothing else", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pr-comment-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        let text: string;

        before(async function () {
            this.timeout(900_000);
            await checkAll(sys().commit(REWORDED_ALARM, "PR 8: reword the pipeline alarm"), dir, ENVIRONMENTS);
            text = await comment(dir);
        });

        it("says in its table that prod waits for staging, with no would-refuse paragraph in view", () => {
            const screen = firstScreen(text);
            assert.match(
                screen,
                new RegExp(
                    `\\| ${gated} \\| [^|]*update[^|]* \\| ◷ \\*\\*waits for ${upstream}\\*\\* \\| ${gated} will accept this commit once ${upstream} runs it \\|`,
                ),
            );
            assert.doesNotMatch(screen, /would be refused|[Ww]ould refuse|Needs attention|would differ/);
            for (const environment of ENVIRONMENTS.filter((e) => e !== gated)) {
                assert.match(screen, new RegExp(`\\| ${environment} \\| [^|]+ \\| ✔ \\*\\*passes\\*\\*`));
            }
        });
    });
});

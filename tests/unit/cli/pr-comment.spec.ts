/**
 * The pull-request comment: check reports built from promote's reports (findings classified, parity differences
 * read back, stack files compared), assembled into one comment per pull request, and rendered by a CommonMark/GFM
 * renderer as a reader sees it. The pack's side of the wordings read here is pinned by policy-pack/tests and, with
 * the real engine, by tests/engine/pr-comment.spec.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import MarkdownIt from "markdown-it";
import { PromoteReport } from "../../../cli/lib/gate/promote";
import { checkReportOf, CheckReport, readCheckReport } from "../../../cli/lib/gate/check-report";
import { classifyViolation, differencesListed, parseDifference } from "../../../cli/lib/gate/check-findings";
import { prComment, readCommentInput, waitingReason } from "../../../cli/lib/gate/pr-comment";
import { Difference, describeDifference, ENVIRONMENT_MODEL, ENVIRONMENTS, EnvironmentModel } from "../../../policy-pack/src/contract";
import { formatFinding } from "../../../policy-pack/src/policy-kit";
import { MAX_LISTED } from "../../../policy-pack/src/parity-check";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SIDES = { target: "prod", upstream: "staging" };
const PR = { version: "0.0.0-pr.7", commit: "a7f2".padEnd(40, "0"), digest: `sha256:${"cd".repeat(32)}` };
const STAGING = { version: "1.3.0", commit: "89c1".padEnd(40, "0"), digest: `sha256:${"ab".repeat(32)}` };
const WORKERS: Difference = { resource: 'aws:glue/job:Job "etl-job"', path: "numberOfWorkers", staging: "10", prod: "12" };

/** A parity finding as the pack words it (staging-prod-parity.ts and -at-step.ts: the kit's prefix, one line per difference). */
function parityMessage(differences: readonly Difference[], extra = ""): string {
    const listed = differences.map((d) => `  - ${describeDifference(d, SIDES)}`).join("\n");
    return formatFinding(
        'stack "prod"',
        {
            problem: `prod differs from what staging runs in ${differences.length} place(s) (environment-specific values set aside)${extra}:\n${listed}`,
            fix: "make the code and Pulumi.prod.yaml produce what staging runs",
        },
        "mandatory",
    );
}

/** The two release-gate findings of a commit staging does not run yet, as the pack words them. */
const WAITING = [
    {
        policy: "prod-references-staging",
        level: "advisory",
        message: formatFinding(
            'stack "prod"',
            {
                problem:
                    "prod's StackReference reads staging's `release` at version 1.3.0, commit 89c100000000, but prod deploys version 0.0.0-pr.7, commit a7f200000000",
                fix: "deploy this release to staging first",
            },
            "mandatory",
        ),
    },
    {
        policy: "prod-release-matches-staging",
        level: "advisory",
        message: formatFinding(
            'stack "prod"',
            {
                problem:
                    "prod would deploy release 0.0.0-pr.7 (commit a7f200000000, digest sha256:cdcdcdcdcdcd) but staging runs 1.3.0 (commit 89c100000000, digest sha256:abababababab): the version, commit, digest differ",
                fix: "deploy this commit to staging first",
            },
            "mandatory",
        ),
    },
];

interface Scenario {
    violations?: { policy: string; level: string; message: string }[];
    advisories?: string[];
    succeeded?: boolean;
    changes?: Record<string, number>;
    stagingRuns?: boolean;
    /** The inputs the stack's plan would set, by resource (its preview's steps). */
    steps?: { urn: string; type: string; inputs: Record<string, unknown> }[];
}

function promoteReport(target: string, scenario: Scenario = {}): PromoteReport {
    const gated = target === "prod";
    const violations = scenario.violations ?? (gated ? WAITING : []);
    return {
        target: `organization/atlas/${target}`,
        version: PR.version,
        release: PR,
        gate: gated ? { source: "prod-release", commit: STAGING.commit } : null,
        upstream: gated
            ? {
                  stack: "organization/atlas/staging",
                  running:
                      scenario.stagingRuns === false
                          ? { runs: false, problem: "staging has never been updated", fix: "deploy it" }
                          : { runs: true, identity: STAGING, entry: { kind: "update", result: "succeeded", message: "", resourceChanges: {}, startTime: "" } },
                  resources: 75,
                  seconds: 0.4,
              }
            : null,
        ...(scenario.advisories ? { advisories: scenario.advisories } : {}),
        policyConfig: { "staging-prod-parity": { stagingState: "[evidence]" } },
        preview: {
            stack: target,
            operation: "preview",
            succeeded: scenario.succeeded ?? true,
            violations,
            errors: [],
            changes: scenario.changes ?? { update: 1, same: 74 },
            seconds: 3,
            ...(scenario.steps ? { steps: scenario.steps } : {}),
        },
        update: null,
        succeeded: scenario.succeeded ?? true,
    };
}

function reports(prod: Scenario = {}, others: Record<string, Scenario> = {}, projectDir = ROOT): CheckReport[] {
    return ENVIRONMENTS.map((e) => checkReportOf(promoteReport(e, e === "prod" ? prod : (others[e] ?? {})), projectDir));
}

function comment(prod: Scenario = {}, others: Record<string, Scenario> = {}, projectDir = ROOT): string {
    return prComment({ reports: reports(prod, others, projectDir), attachments: [] });
}

/** The comment's table rows, as cells, and what a reader sees before the first folded block. */
function tableOf(text: string): string[][] {
    return text
        .split("\n")
        .filter((line) => /^\| (?!environment \||---)/.test(line))
        .map((line) =>
            line
                .slice(2, -2)
                .split(/(?<!\\)\|/)
                .map((cell) => cell.trim()),
        );
}

function firstScreen(text: string): string {
    return text.slice(0, text.indexOf("<details>"));
}

/** A copy of the stack files with prod's edited, as a pull request would change them. */
function stackFilesWith(edit: (prod: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pr-comment-"));
    for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f))) {
        fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    const prod = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(prod, edit(fs.readFileSync(prod, "utf8")));
    return dir;
}

describe("the pull-request comment", () => {
    describe("reads the parity policies' differences back", () => {
        it("as describeDifference words them, whatever the path or values hold", () => {
            const differences: Difference[] = [
                WORKERS,
                { resource: 'aws:iam/role:Role "reader"', path: "inlinePolicy (JSON).Statement[0].Resource", staging: '"arn:a, prod x"', prod: '"arn:b"' },
                { resource: 'aws:s3/bucketV2:BucketV2 "raw"', path: "(resource)", staging: "present", prod: "(absent)" },
                { resource: 'aws:glue/job:Job "etl-job"', path: 'tags["a: staging b"]', staging: "(absent)", prod: '"x"' },
            ];
            for (const d of differences) {
                assert.deepEqual(parseDifference(describeDifference(d, SIDES), SIDES), d);
            }
            assert.equal(parseDifference("3 value(s) could not be compared", SIDES), undefined);
        });

        it("counting the lines that are not differences (a list cut at MAX_LISTED)", () => {
            const many = Array.from({ length: MAX_LISTED + 1 }, (_, i) => ({ ...WORKERS, path: `tags.k${i}` }));
            const message = parityMessage(many.slice(0, MAX_LISTED)).replace("\nTo fix:", `\n  - … and 1 more\nTo fix:`);
            const read = differencesListed(message, SIDES);
            assert.equal(read.differences.length, MAX_LISTED);
            assert.equal(read.unread, 1);
            const { finding } = classifyViolation({ policy: "staging-prod-parity", level: "advisory", message }, SIDES, true);
            assert.equal(finding.kind, "attention", "a list not read in full stays in view");
        });

        it("as expected only while staging runs another known release", () => {
            for (const violation of WAITING) {
                assert.equal(classifyViolation(violation, SIDES, true).finding.kind, "expected", violation.policy);
                assert.equal(classifyViolation(violation, SIDES, false).finding.kind, "attention", violation.policy);
            }
            const claim = {
                policy: "prod-references-staging",
                level: "advisory",
                message:
                    "Refused for stack \"prod\": prod's `release` output claims version 1.5.0, but its StackReference reads staging's `release` at version 1.4.0: prod would report a release staging never ran.\nTo fix: x.",
            };
            assert.equal(classifyViolation(claim, SIDES, true).finding.kind, "attention", "a release claim staging never ran is not expected");
        });
    });

    describe("a change both environments take alike", () => {
        const text = comment();

        it("says in its table that prod waits for staging, and nothing would refuse", () => {
            const rows = tableOf(text);
            assert.deepEqual(
                rows.map((r) => r[0]),
                ENVIRONMENTS,
            );
            assert.deepEqual(rows[2], ["prod", "1 to update", "◷ **waits for staging**", waitingReason({ stack: "prod", upstream: "staging" })]);
            assert.equal(rows[0][2], "✔ **passes**");
            assert.doesNotMatch(firstScreen(text), /would be refused|[Ww]ould refuse|Needs attention|would differ|prod-release-matches-staging/);
        });

        it("keeps the findings in prod's folded report", () => {
            const folded = text.slice(text.indexOf("<summary>prod: the full report</summary>"));
            assert.match(folded, /Would refuse stack "prod" \(advisory in this run\): prod would deploy release 0\.0\.0-pr\.7/);
        });
    });

    describe("a prod-only difference", () => {
        const dir = stackFilesWith((prod) => prod.replace("atlas:glueNumberOfWorkers: 10", "atlas:glueNumberOfWorkers: 12"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        const atStep = { policy: "staging-prod-parity-at-step", level: "advisory", message: parityMessage([WORKERS], ", found before this resource's step") };
        const whole = { policy: "staging-prod-parity", level: "advisory", message: parityMessage([WORKERS]) };

        it("is one line, the first thing after the table, merged across both parity policies and the stack files", () => {
            const text = comment({ violations: [atStep, ...WAITING, whole] }, {}, dir);
            const screen = firstScreen(text);
            assert.match(tableOf(text)[2][2], /^✘ \*\*would be refused\*\*: `staging-prod-parity`$/);
            const items = screen.split("\n").filter((line) => line.startsWith("- "));
            assert.deepEqual(items, [
                '- **prod would run `numberOfWorkers` 12 where staging runs 10** (`aws:glue/job:Job "etl-job"`; set by `atlas:glueNumberOfWorkers` in `Pulumi.prod.yaml`)',
            ]);
            assert.match(screen, /### prod would differ from staging\n\n- \*\*prod would run/);
        });

        it("shows a stack-file difference that no resource shows on its own", () => {
            const text = comment({}, {}, dir);
            assert.match(firstScreen(text), /`Pulumi\.prod\.yaml` sets `atlas:glueNumberOfWorkers` 12 where `Pulumi\.staging\.yaml` sets 10/);
        });
    });

    describe("a code change both environments take, which parity sees until staging runs it", () => {
        const alarm: Difference = {
            resource: 'aws:cloudwatch/metricAlarm:MetricAlarm "state-machine-failure-alarm"',
            path: "alarmDescription",
            staging: '"A pipeline run failed"',
            prod: '"A pipeline run failed: see its execution history"',
        };
        const parity = { policy: "staging-prod-parity", level: "advisory", message: parityMessage([alarm]) };
        const stagingPlans = (description: string) => ({
            steps: [
                {
                    urn: "urn:pulumi:staging::atlas::atlas:observability:Observability$aws:cloudwatch/metricAlarm:MetricAlarm::state-machine-failure-alarm",
                    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
                    inputs: {
                        alarmDescription: description,
                        tags: { secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" } },
                    },
                },
            ],
        });

        it("is not a difference the pull request introduces when staging's own plan sets the same value", () => {
            const text = comment({ violations: [...WAITING, parity] }, { staging: stagingPlans("A pipeline run failed: see its execution history") });
            assert.equal(tableOf(text)[2][2], "◷ **waits for staging**");
            assert.doesNotMatch(firstScreen(text), /would differ|alarmDescription/);
            assert.ok(!JSON.stringify(reports({}, { staging: stagingPlans("y") })[1].plannedValues).includes("value"), "no secret in the planned values");
        });

        it("is one when staging would set another value, or when staging's report is missing", () => {
            const text = comment({ violations: [...WAITING, parity] }, { staging: stagingPlans("A pipeline run failed, differently") });
            assert.match(
                firstScreen(text),
                /prod would run `alarmDescription` "A pipeline run failed: see its execution history" where staging runs "A pipeline run failed"/,
            );
            const alone = prComment({ reports: reports({ violations: [...WAITING, parity] }).filter((r) => r.environment !== "staging"), attachments: [] });
            assert.match(firstScreen(alone), /### prod would differ from staging/);
        });
    });

    describe("a refused guardrail", () => {
        it("is the row's verdict, with the policy, and the finding in view", () => {
            const guardrail = {
                policy: "no-developer-access",
                level: "mandatory",
                message: formatFinding(
                    'stack "staging"',
                    { problem: "the bucket policy of raw grants atlas-developers", fix: "remove the grant" },
                    "mandatory",
                ),
            };
            const text = comment({}, { staging: { violations: [guardrail], succeeded: false } });
            assert.deepEqual(tableOf(text)[1].slice(2), ["✘ **refused**: `no-developer-access`", "the bucket policy of raw grants atlas-developers."]);
            assert.match(
                firstScreen(text),
                /### Needs attention\n\n- \*\*staging\*\* `no-developer-access`: the bucket policy of raw grants atlas-developers\.\n {2}To fix: remove the grant\./,
            );
        });
    });

    describe("a release-gate finding that is not the expected kind", () => {
        it("a pack change needing approval stays prominent", () => {
            const packChange =
                "this release changes policy-pack/ (tree 1234567890ab), which judges prod; prod is judged by the pack of the release it runs until the prod environment approves it.\nTo fix: set ATLAS_PACK_CHANGE_APPROVED=1234567890ab in the prod environment.";
            const text = comment({ advisories: [packChange] });
            assert.match(tableOf(text)[2][2], /would be refused\*\*: `promote`/);
            assert.match(firstScreen(text), /### Needs attention\n\n- \*\*prod\*\* `promote`: this release changes policy-pack\/ \(tree 1234567890ab\)/);
        });

        it("a drifted staging stays prominent, with the drifted property", () => {
            const drift = [
                "staging has drifted from its last release: its cloud differs from its state in 1 resource(s), so it no longer shows what prod would run:",
                '  - aws:glue/job:Job "etl-job" timeout: state 120, cloud 240',
                "To fix: undo the change in the cloud. Then promote prod again.",
            ].join("\n");
            const text = comment({ advisories: [drift] });
            const screen = firstScreen(text);
            assert.match(tableOf(text)[2][3], /^staging has drifted from its last release/);
            assert.match(
                screen,
                /- \*\*prod\*\* `promote`: staging has drifted from its last release.*\n {2}- aws:glue\/job:Job "etl-job" timeout: state 120, cloud 240/,
            );
        });

        it("a staging that runs no known release is not waiting: the finding stays in view", () => {
            const never = {
                policy: "prod-release-matches-staging",
                level: "advisory",
                message: formatFinding('stack "prod"', { problem: "staging has never been updated", fix: "deploy the release to staging first" }, "mandatory"),
            };
            const text = comment({ violations: [never], stagingRuns: false });
            assert.match(tableOf(text)[2][2], /would be refused\*\*: `prod-release-matches-staging`/);
            assert.match(firstScreen(text), /Needs attention[\s\S]*staging has never been updated/);
        });
    });

    it("has one row per environment of the model, a new one included, in promotion order; a missing report is a row saying so", () => {
        const model: EnvironmentModel = [...ENVIRONMENT_MODEL, { ...ENVIRONMENT_MODEL[2], name: "prod-us" }];
        const text = prComment({ reports: reports(), attachments: [] }, model);
        const rows = tableOf(text);
        assert.deepEqual(
            rows.map((r) => r[0]),
            [...ENVIRONMENTS, "prod-us"],
        );
        assert.match(rows[3][2], /^no report$/);
    });

    describe("as a reader sees it (markdown-it, CommonMark with GFM tables)", () => {
        const text = comment({ violations: [...WAITING] }, {}, ROOT);
        const withAttachments = prComment({
            reports: reports(),
            attachments: [
                { title: "Parity: staging ↔ prod: at parity", markdown: "### Parity: staging ↔ prod: at parity\n\n| a | b |\n| --- | --- |\n| 1 | 2 |" },
            ],
        });
        const html = new MarkdownIt({ html: true }).render(withAttachments);

        it("renders the table first, with a row per environment and four cells each", () => {
            const tables: string[] = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
            assert.ok(tables.length >= 1, html);
            const table = tables[0];
            assert.ok(html.indexOf("<table>") < html.indexOf("<details>"), "the table comes before the folded blocks");
            const body = table.slice(table.indexOf("<tbody>"));
            const rows = body.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
            assert.equal(rows.length, ENVIRONMENTS.length);
            for (const row of rows) {
                assert.equal((row.match(/<td>/g) ?? []).length, 4, row);
            }
            assert.match(table, /<strong>waits for staging<\/strong>/);
        });

        it("folds every report and attachment in a details block of its own, each closed, each with its summary", () => {
            const opened = (html.match(/<details>/g) ?? []).length;
            assert.equal(opened, ENVIRONMENTS.length + 1);
            assert.equal((html.match(/<\/details>/g) ?? []).length, opened);
            const blocks = html.split("<details>").slice(1);
            for (const block of blocks) {
                assert.match(block, /^\s*<summary>[^<]+<\/summary>/);
                assert.equal(block.indexOf("</details>"), block.lastIndexOf("</details>"), "no block runs into the next");
            }
            assert.match(html, /<summary>Parity: staging ↔ prod: at parity<\/summary>[\s\S]*<table>/, "Markdown inside a folded block still renders");
        });

        it("shows values and messages as written (no emphasis, no HTML from a value)", () => {
            const odd: Difference = { resource: 'aws:glue/job:Job "etl-job"', path: "tags.owner", staging: '"<b>team_a*</b>"', prod: '"team|b"' };
            const violation = { policy: "staging-prod-parity", level: "advisory", message: parityMessage([odd]) };
            const rendered = new MarkdownIt({ html: true }).render(comment({ violations: [violation] }));
            assert.match(rendered, /where staging runs &quot;&lt;b&gt;team_a\*&lt;\/b&gt;&quot;/);
            assert.match(rendered, /would run <code>tags.owner<\/code> &quot;team\|b&quot;/);
            assert.ok(text.length > 0);
        });
    });

    describe("reading a directory of reports", () => {
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pr-reports-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("reads each environment's JSON report and each Markdown file, titled by its heading, once", () => {
            for (const report of reports()) {
                fs.writeFileSync(path.join(dir, `${report.stack}.json`), JSON.stringify(report));
            }
            fs.writeFileSync(path.join(dir, "status-prod.md"), "### Release status\n\nrows");
            fs.writeFileSync(path.join(dir, "status-prod-us.md"), "### Release status\n\nrows");
            const input = readCommentInput(dir);
            assert.deepEqual(
                input.reports.map((r) => r.environment),
                ENVIRONMENTS,
            );
            assert.deepEqual(input.attachments, [{ title: "Release status", markdown: "### Release status\n\nrows" }]);
            assert.equal(
                (readCheckReport(path.join(dir, "prod.json")) as unknown as Record<string, unknown>).policyConfig,
                undefined,
                "the evidence is never in a report",
            );
        });

        it("refuses a report that is not one, naming the file, the field and how to write one", () => {
            fs.writeFileSync(path.join(dir, "prod.json"), JSON.stringify({ ...reports()[2], outcome: "maybe" }));
            assert.throws(
                () => readCommentInput(dir),
                /prod\.json is not a pull-request check report: "outcome" must be one of passed, refused, failed; write it with `npm run promote -- --stack <stack> --version <v> --pull-request-check --json <file>`/,
            );
            fs.writeFileSync(path.join(dir, "prod.json"), "{");
            assert.throws(() => readCommentInput(dir), /prod\.json is not a readable JSON report/);
        });

        it("refuses two reports for one environment, and a missing directory", () => {
            fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify(reports()[0]));
            fs.writeFileSync(path.join(dir, "b.json"), JSON.stringify(reports()[0]));
            assert.throws(() => readCommentInput(dir), /a\.json and b\.json in .* both report environment dev; keep one report per environment/);
            assert.throws(() => readCommentInput(path.join(dir, "nope")), /--reports .*nope: no such directory/);
        });
    });
});

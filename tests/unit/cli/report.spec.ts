/** How promote reports a promotion: the plain-text report and the Markdown of PR comments and job summaries. */
import { strict as assert } from "assert";
import { PromoteReport } from "../../../cli/lib/gate/promote";
import { formatPromoteMarkdown, formatPromoteReport } from "../../../cli/lib/gate/promote-report";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const PARITY_MESSAGE = [
    "Prod's resources must equal staging's deployed resources, property by property; only environment-specific values may differ.",
    'Refused for stack "prod": prod differs from what staging runs in 2 place(s) (environment-specific values set aside):',
    '  - aws:glue/job:Job "etl-job" numberOfWorkers: staging 10, prod 20',
    '  - pulumi:providers:aws "aws" defaultTags (JSON).tags.release: staging "1.1.0", prod "1.2.0"',
    "To fix: make the code and Pulumi.prod.yaml produce what staging runs.",
].join("\n");

function report(level: string): PromoteReport {
    return {
        target: "prod",
        version: "1.2.0",
        release: { version: "1.2.0", commit: COMMIT, digest: DIGEST },
        gate: { source: "prod-release", commit: COMMIT },
        upstream: {
            stack: "organization/atlas/staging",
            running: {
                runs: true,
                identity: { version: "1.1.0", commit: COMMIT, digest: DIGEST },
                entry: { kind: "update", result: "succeeded", message: "", resourceChanges: {}, startTime: "" },
            },
            resources: 75,
            seconds: 0.3,
        },
        policyConfig: {},
        preview: {
            stack: "prod",
            operation: "preview",
            succeeded: level !== "mandatory",
            violations: [{ policy: "staging-prod-parity", level, message: PARITY_MESSAGE }],
            errors: [],
            changes: { update: 27, same: 48 },
            seconds: 2.2,
        },
        update: null,
        succeeded: level !== "mandatory",
    };
}

describe("promote's reports", () => {
    it("start with the release measured, what staging runs and which pack judged", () => {
        const text = formatPromoteReport(report("mandatory"));
        assert.match(text, /^release 1\.2\.0 \(commit 0123456789ab, digest sha256:abababababab\)$/m);
        assert.match(text, /^upstream organization\/atlas\/staging runs 1\.1\.0 \(commit 0123456789ab, .*\); 75 resources in its state/m);
        assert.match(text, /^judged by policy-pack\/ at commit 0123456789ab: the pack of the release prod runs$/m);
        assert.match(text, /^preview REFUSED by policy \(27 update\)/m);
    });

    it("list a policy's differences as a nested Markdown list, To fix last", () => {
        const lines = formatPromoteMarkdown(report("mandatory"), "not deployed").split("\n");
        const at = lines.findIndex((line) => line.startsWith("  - **mandatory** `staging-prod-parity`: "));
        assert.ok(at >= 0, lines.join("\n"));
        assert.deepEqual(lines.slice(at + 1, at + 4), [
            '    - aws:glue/job:Job "etl-job" numberOfWorkers: staging 10, prod 20',
            '    - pulumi:providers:aws "aws" defaultTags (JSON).tags.release: staging "1.1.0", prod "1.2.0"',
            "    To fix: make the code and Pulumi.prod.yaml produce what staging runs.",
        ]);
    });

    it("say a policy lowered to advisory in this run would refuse, not that it refused", () => {
        for (const text of [formatPromoteReport(report("advisory")), formatPromoteMarkdown(report("advisory"), "preview passed")]) {
            assert.match(text, /Would refuse stack "prod" \(advisory in this run\): prod differs/);
            assert.doesNotMatch(text, /Refused for/);
        }
        assert.match(formatPromoteReport(report("mandatory")), /Refused for stack "prod": prod differs/);
    });

    it("say when the release changes the pack: approved, or what the gate would refuse in an advisory run", () => {
        const tree = "cd".repeat(20);
        const approved = formatPromoteReport({ ...report("advisory"), gate: { source: "prod-release", commit: COMMIT, packChange: tree } });
        assert.match(approved, /^this release changes policy-pack\/ \(tree cdcdcdcdcdcd\), approved by the prod environment \(ATLAS_PACK_CHANGE_APPROVED\)$/m);
        const advised = formatPromoteMarkdown({ ...report("advisory"), advisories: [`this release changes policy-pack/ (tree ${tree})`] }, "preview passed");
        assert.match(advised, /^- would refuse \(advisory in this run\): this release changes policy-pack\/ \(tree cdcd/m);
        assert.doesNotMatch(formatPromoteReport(report("advisory")), /policy-pack\/ \(tree/);
    });
});

/** The rehearsal's story lines: one per step, a refusal's verdict capped, and a step that went wrong with the engine's last lines. */
import { strict as assert } from "assert";
import { RunOutcome } from "../../../cli/lib/kit/engine-run";
import { PromoteReport } from "../../../cli/lib/gate/promote";
import { STEPS, StepResult } from "../../../cli/lib/rehearsal/rehearsal";
import { stepLine, unexpectedLines, verdictLines } from "../../../cli/lib/rehearsal/story";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const step = (name: string) => STEPS.find((s) => s.name === name)!;

function outcome(operation: "preview" | "update", changes: Record<string, number>, violations: RunOutcome["violations"] = []): RunOutcome {
    return { stack: "prod", operation, succeeded: violations.length === 0, violations, errors: [], changes, seconds: 1 };
}

function promoted(preview: RunOutcome, update: RunOutcome | null): PromoteReport {
    return {
        target: "prod",
        version: "1.1.0",
        release: { version: "1.1.0", commit: COMMIT, digest: "sha256:00" },
        gate: null,
        upstream: null,
        policyConfig: {},
        preview,
        update,
        succeeded: preview.succeeded && (update?.succeeded ?? false),
    };
}

describe("the rehearsal's story", () => {
    it("is one line per step: number, title, expectation, outcome with its changes, and time", () => {
        const result: StepResult = {
            step: step("staging"),
            report: promoted(outcome("preview", {}), outcome("update", { create: 71, same: 2 })),
            mismatches: [],
        };
        assert.equal(stepLine(2, 26, result, 40.12), "✔ [ 3/26] deploy staging (staging @ 1.0.0, snapshot; expect deployed) → deployed (71 create) in 40.1s");
        assert.deepEqual(verdictLines(result), []);
    });

    it("shows a refusal's verdict under its step, each message capped with a pointer to --verbose", () => {
        const message = ['Refused for stack "prod": 9 differences:', ...Array.from({ length: 9 }, (_, i) => `  - difference ${i}`), "To fix: release it."].join(
            "\n",
        );
        const result: StepResult = {
            step: step("prod-drift"),
            report: promoted(outcome("preview", {}, [{ policy: "staging-prod-parity", level: "mandatory", message }]), null),
            mismatches: [],
        };
        assert.match(stepLine(8, 26, result, 3), /^✔ \[ 9\/26\] try prod with config that drifts from staging .* → refused by policy at the preview in 3\.0s$/);
        const lines = verdictLines(result);
        assert.equal(lines.length, 7);
        assert.equal(lines[0], '      [mandatory] staging-prod-parity: Refused for stack "prod": 9 differences:');
        assert.equal(lines[6], "      … 5 more line(s) (--verbose shows all)");
    });

    it("shows one refusal per policy, and how many more the same policy made", () => {
        const violation = (resource: string) => ({
            policy: "parity-at-step",
            level: "mandatory",
            message: `Each resource must equal staging's.\nRefused for stack "prod": 1 difference:\n  - ${resource}: staging (absent)\nTo fix: deploy staging.`,
        });
        const result: StepResult = {
            step: step("prod-before-staging"),
            report: promoted(outcome("preview", {}, [violation("a"), violation("b"), violation("c")]), null),
            mismatches: [],
        };
        assert.deepEqual(verdictLines(result), [
            '      [mandatory] parity-at-step: Refused for stack "prod": 1 difference:',
            "        - a: staging (absent)",
            "      To fix: deploy staging.",
            "      … and 2 more refusal(s) by parity-at-step, one per resource (--verbose lists them)",
        ]);
    });

    it("and the gate's refusal before any run", () => {
        const result: StepResult = {
            step: step("prod-before-staging"),
            refusal: "staging has never been updated\nTo fix: deploy staging first",
            mismatches: [],
        };
        assert.match(stepLine(1, 26, result, 0.5), /→ refused by the gate before any run in 0\.5s$/);
        assert.deepEqual(verdictLines(result), ["      staging has never been updated", "      To fix: deploy staging first"]);
    });

    it("marks a step that did not end as expected, with why, its report and the engine's last lines", () => {
        const failed = { ...outcome("update", { create: 3 }), succeeded: false, errors: ["injected failure"] };
        const result: StepResult = {
            step: step("dev"),
            report: promoted(outcome("preview", {}), failed),
            mismatches: ["expected the release to deploy, but it did not"],
        };
        assert.match(stepLine(0, 26, result, 12), /^✘ \[ 1\/26\] deploy dev .* → update FAILED in 12\.0s$/);
        const lines = unexpectedLines(result, "update FAILED\n    error: injected failure", ["Updating (dev):", "error: injected failure"]);
        assert.deepEqual(lines, [
            "      unexpected: expected the release to deploy, but it did not",
            "      update FAILED",
            "          error: injected failure",
            "      last 2 lines of the engine's output in this step (--verbose shows all of it):",
            "      │ Updating (dev):",
            "      │ error: injected failure",
        ]);
    });
});

/**
 * A bench section that could not run shows the whole reason: a tool's message may name what it found on the lines
 * after its first (promote's dirty-checkout refusal lists the uncommitted files there), and a report cut at the first
 * line said "…has uncommitted changes, so the release would not be the commit it names:" and nothing after it.
 */
import { strict as assert } from "assert";
import { failedSection, renderSection } from "../../../bench/lib/report";

describe("bench report: a section that could not run", () => {
    it("shows every line of the reason", () => {
        const reason =
            "/tmp/w/releases has uncommitted changes, so the release would not be the commit it names:\n  ?? bench/fixtures/one-resource/Pulumi.prod.yaml\ncommit them";
        const text = renderSection(failedSection("policy-overhead", "1. Policy-pack overhead", reason, 1));
        assert.match(text, /commit it names:\n {2}\?\? bench\/fixtures\/one-resource\/Pulumi\.prod\.yaml\ncommit them/);
    });
});

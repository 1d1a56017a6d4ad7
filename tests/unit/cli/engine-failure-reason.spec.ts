import { strict as assert } from "assert";
import { engineFailureReason } from "../../../cli/lib/kit";

// The Automation API's error for a failed CLI run (CommandError's message, as 3.276 formats it).
const commandError = (stderr: string) =>
    `code: 1\n stdout: Previewing refresh (staging):\n stderr: ${stderr}\n err?: Error: Command failed with exit code 1\n${stderr}`;

describe("why an engine run failed (engineFailureReason)", () => {
    it("is the CLI's own error line, not the progress lines after it (3.276 writes a provider's failure to stderr only)", () => {
        const stderr = [
            "Command failed with exit code 1: pulumi refresh --preview-only --stack staging --non-interactive",
            "error: could not load provider for resource urn:x: configure provider 'aws': AWS Account ID not allowed: 999999999999",
            "Previewing refresh (staging):",
            "",
            "Resources:",
            "",
        ].join("\n");
        assert.equal(
            engineFailureReason(commandError(stderr)),
            "could not load provider for resource urn:x: configure provider 'aws': AWS Account ID not allowed: 999999999999",
        );
    });

    it("keeps every distinct error line, once each", () => {
        const stderr = "error: first\nerror: second\nerror: first\n";
        assert.equal(engineFailureReason(commandError(stderr)), "first\nsecond");
    });

    it("is the last lines of stderr, without stack frames, when the CLI wrote no error line", () => {
        const stderr = ["one", "two", "    at frame (x.js:1:1)", "three", "four", "five", "six", "seven"].join("\n");
        assert.equal(engineFailureReason(commandError(stderr)), ["two", "three", "four", "five", "six", "seven"].join("\n"));
    });
});

import * as assert from "assert";
import { stackPolicy } from "../src/policy-kit";
import { SECRET, compliantStack } from "./fixtures";
import { messagesOf } from "./helpers";

describe("policy kit", () => {
    it("turns a crash into a refusal that names the error class but never its message", async () => {
        const crashing = stackPolicy<object>({
            name: "kms-key-rotation",
            description: "test",
            environments: ["dev"],
            remediationSteps: "test",
            check: () => {
                throw new TypeError(`cannot read ${SECRET}`);
            },
        });
        assert.deepStrictEqual(await messagesOf(crashing, "dev", compliantStack("dev")), [
            'Refused for stack "dev": the policy could not evaluate the stack (internal TypeError), so it refuses.\nTo fix: report this to the policy-pack owners with the CI log.',
        ]);
    });
});

/**
 * Doctor's login check (cli/lib/preflight/backend-login.ts): `pulumi whoami --json` answers for the backend, or its
 * error is the problem and `pulumi login` the fix. A fake stack source answers for the CLI.
 */
import { strict as assert } from "assert";
import { LOGIN_CHECK, loginFinding, whoAmI } from "../../../../cli/lib/preflight/backend-login";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { StackSource } from "../../../../cli/lib/stacks/stack-source";
import { FakeStackSource } from "../../support/fake-stack-source";

/** A fake stack source whose `pulumi whoami --json` resolves to `answer`, or fails as the CLI fails (stderr on the error). */
function answering(answer: string | { stderr: string }): StackSource {
    return Object.assign(Object.create(new FakeStackSource("/nonexistent")) as StackSource, {
        pulumi: async (args: string[]) => {
            assert.deepEqual(args, ["whoami", "--json"]);
            if (typeof answer === "string") {
                return answer;
            }
            throw Object.assign(new Error("Command failed: pulumi whoami --json"), answer);
        },
    });
}

describe("doctor: logged in to a backend", () => {
    it("is ok with the backend's URL and the user, as pulumi whoami names them", async () => {
        const found = loginFinding(await whoAmI(answering(JSON.stringify({ user: "atlas-ci", organizations: [], url: "s3://atlas-pulumi-state" }))));
        assert.equal(findingLine(found), `ok  ${LOGIN_CHECK} (s3://atlas-pulumi-state as atlas-ci)`);
    });

    it("is a problem naming the CLI's error line when whoami fails, with pulumi login as the fix", async () => {
        const stderr = "warning: A new version of Pulumi is available.\nerror: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n";
        const line = findingLine(loginFinding(await whoAmI(answering({ stderr }))));
        assert.match(
            line,
            /^✘ {3}logged in to a backend: pulumi whoami failed: error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions;/,
        );
        assert.match(line, /to fix: pulumi login <your state backend> \(PULUMI_BACKEND_URL, e\.g\. s3:\/\/<bucket>\), or pass --workspace DIR$/);
    });

    it("is a problem with the first line of an error that names no error line", () => {
        const line = findingLine(loginFinding(new Error("spawn pulumi ENOENT\n    at Process.ChildProcess._handle.onexit")));
        assert.match(line, /^✘ {3}logged in to a backend: pulumi whoami failed: spawn pulumi ENOENT; to fix: /);
    });
});

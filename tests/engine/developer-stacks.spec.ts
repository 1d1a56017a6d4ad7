/**
 * Stacks of the dev environment besides `dev`, on the real engine: a developer's stack (`dev-alice`) and a pull
 * request's review stack (`pr-7`) live their whole life through `npm run dev-stack` and `promote` (create → up →
 * destroy → remove), judged by the pack as dev; their guardrails hold: a developer stack pointed at staging's account
 * is refused, and a stack named like staging that is not staging belongs to no environment and is refused.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runCommand } from "./hardening/harness";
import { assertRefused, refusal, showPromotion } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

const STAGING_ACCOUNT = "222222222222";

describe("developer and review stacks (real engine)", function () {
    this.timeout(600_000);
    const fixture = withOfflineWorkspace();
    const sys = () => fixture.system;
    const stackFile = (stack: string) => path.join(sys().workspace.projectDir, `Pulumi.${stack}.yaml`);
    const devStack = async (...args: string[]) => {
        const result = await runCommand("dev-stack", [...args, "--workspace", sys().workspace.dir], { root: sys().repository.dir });
        assert.equal(result.code, 0, result.stdout + result.stderr);
        return result.stdout;
    };
    const names = async (stack: string) =>
        Object.values((await sys().state(stack)).resources)
            .map((json) => (JSON.parse(json) as { inputs?: { name?: unknown; bucket?: unknown } }).inputs)
            .flatMap((inputs) => [inputs?.name, inputs?.bucket].filter((n): n is string => typeof n === "string"));

    for (const [flags, stack, prefix] of [
        [["--name", "alice"], "dev-alice", "atlas-dev--alice"],
        [["--pull-request", "7"], "pr-7", "atlas-dev--pr7"],
    ] as const) {
        it(`${stack}: made from dev's stack file with its own name prefix, deployed as dev in dev's account, then destroyed and removed`, async () => {
            assert.match(await devStack(...flags), new RegExp(`${stack} created in offline workspace`));
            const file = fs.readFileSync(stackFile(stack), "utf8");
            assert.match(file, new RegExp(`^  atlas:namePrefix: ${prefix}$`, "m"));
            assert.match(file, /^ {2}atlas:awsAccountId: ["']?111111111111["']?$/m, "dev's account");

            const promotion = await sys().promote(stack, "1.0.0");
            assert.equal(promotion.succeeded, true, showPromotion(promotion));
            assert.deepEqual(
                promotion.preview.violations.filter((v) => v.level === "mandatory"),
                [],
                "dev's guardrails pass (dev-cost-guardrails applies)",
            );
            const physical = await names(stack);
            assert.ok(physical.length > 5, `named resources: ${physical.join(", ")}`);
            assert.deepEqual(
                // Auto-names (an inline role policy's `name-1a2b3c4`) live inside their role, not in the account's namespace.
                physical.filter((name) => !/-[0-9a-f]{7}$/.test(name) && !name.includes(prefix) && !name.includes(prefix.replace(/-/g, "_"))),
                [],
                "every physical name carries the stack's own prefix",
            );
            assert.equal((await sys().state(stack)).outputs.environmentIdentity !== undefined, true);

            assert.match(await devStack(...flags, "--destroy"), new RegExp(`${stack} destroyed \\(\\d+ delete\\), removed`));
            assert.equal(sys().workspace.stackExists(stack), false, "the stack is removed");
            assert.equal(fs.existsSync(stackFile(stack)), false, "its stack file is deleted");
        });
    }

    it("refuses a developer stack pointed at staging's account (staging shares its account)", async () => {
        await devStack("--name", "eve");
        const file = stackFile("dev-eve");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^( {2}atlas:awsAccountId: ).*$/m, `$1"${STAGING_ACCOUNT}"`));
        const promotion = await sys().promote("dev-eve", "1.0.0");
        assertRefused(promotion, ["no-cross-environment-references"], "dev-eve in staging's account");
        assert.match(refusal(promotion.preview, "no-cross-environment-references"), /staging share\(s\) this stack's account id/);
        assert.deepEqual(Object.keys((await sys().state("dev-eve")).resources), [], "nothing was created");
    });

    it("refuses a stack named like staging that is not staging: it belongs to no environment", async () => {
        fs.copyFileSync(stackFile("staging"), stackFile("staging-2"));
        await sys().pulumi(["stack", "init", "staging-2"]);
        const promotion = await sys().promote("staging-2", "1.0.0");
        assert.equal(promotion.succeeded, false, showPromotion(promotion));
        assert.equal(promotion.update, null, "no update ran");
        const messages = promotion.preview.violations.filter((v) => v.level === "mandatory").map((v) => v.message);
        assert.ok(messages.length > 0, showPromotion(promotion));
        for (const message of messages) {
            assert.match(message, /stack "staging-2" belongs to no environment \(stack names: dev, .*; staging; prod\)/);
        }
        assert.deepEqual(Object.keys((await sys().state("staging-2")).resources), [], "nothing was created");
    });
});

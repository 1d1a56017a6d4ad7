/**
 * promote's refusals that come before any engine run (cli/lib/gate/promote.ts): it measures the
 * checkout first (a dirty one has no release identity), and a gated promotion (prod) is judged
 * only by the trusted pack at full strength. The fake backend cannot run the engine: reaching it
 * (EngineReached) is the proof that promote did not refuse.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { Stack } from "@pulumi/pulumi/automation";
import { UsageError } from "../../../cli/lib/kit/args";
import { PULL_REQUEST_OVERRIDES, promote } from "../../../cli/lib/gate/promote";
import { DirtyCheckoutError } from "../../../cli/lib/gate/release-identity";
import { RELEASE_GATE_POLICIES } from "../../../policy-pack/src/config";
import { EngineReached, FakeStackSource } from "../support/fake-stack-source";
import { shortName } from "../../../cli/lib/stacks/stack-source";
import { StackReadError } from "../../../cli/lib/stacks/stack-reading";
import { HistoryEntry } from "../../../policy-pack/src/contract/stack-history";
import { PROD_STACK, STAGING_STACK, releaseUpdate, stagingCheckpoint } from "../../../policy-pack/tests/fixtures";
import { ThrowAwayRepo } from "../support/throw-away-repo";

describe("promote, before any engine run", () => {
    let repo: ThrowAwayRepo;
    before(() => {
        repo = new ThrowAwayRepo();
    });
    after(() => repo.remove());

    const source = () => new FakeStackSource(repo.dir);

    /** Runs promote; resolves to the stack it opened (it got past its refusals) or rejects with the refusal. */
    async function outcome(fake: FakeStackSource, options: Parameters<typeof promote>[1]): Promise<string> {
        try {
            await promote(fake, options);
        } catch (error) {
            if (error instanceof EngineReached) {
                return error.stackName;
            }
            throw error;
        }
        throw new Error("promote finished without the engine");
    }

    it("reaches the engine for a clean checkout, handing the program the release it measured", async () => {
        const fake = source();
        assert.equal(await outcome(fake, { target: "dev", version: "1.4.0" }), "dev");
        assert.deepEqual(fake.release, { version: "1.4.0", commit: repo.git("rev-parse", "HEAD"), digest: fake.release?.digest });
        assert.match(fake.release!.digest, /^sha256:[0-9a-f]{64}$/);
    });

    it("refuses a dirty checkout first, naming the changed files, before touching any stack", async () => {
        repo.write("src/program.ts", "export const workers = 4;\n");
        try {
            for (const target of ["dev", "prod"]) {
                const fake = source();
                await assert.rejects(
                    outcome(fake, { target, version: "1.4.0", policyPack: "/elsewhere" }),
                    (e: Error) => e instanceof DirtyCheckoutError && /uncommitted changes[^]*\n {2}src\/program\.ts/.test(e.message),
                );
                assert.deepEqual([fake.stacksOpened, fake.calls, fake.release], [[], [], undefined], target);
            }
        } finally {
            repo.git("checkout", "--", "src/program.ts");
        }
    });

    it("refuses --policy-pack for prod, however the stack is named", async () => {
        for (const target of ["prod", "organization/atlas/prod"]) {
            const fake = source();
            await assert.rejects(
                outcome(fake, { target, version: "1.4.0", policyPack: "./my-pack" }),
                (e: Error) =>
                    e instanceof UsageError && e.message.startsWith(`--policy-pack is refused for ${target}: a promotion to it is judged by the trusted pack`),
            );
            assert.deepEqual(fake.stacksOpened, []);
        }
    });

    it("accepts --policy-pack for an ungated stack", async () => {
        assert.equal(await outcome(source(), { target: "staging", version: "1.4.0", policyPack: "./my-pack" }), "staging");
    });

    it("refuses policy config that lowers a release-gate policy for a prod update, naming the policies", async () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ "prod-release-matches-staging": "advisory" }, "prod-release-matches-staging"],
            [{ "staging-prod-parity": { enforcementLevel: "disabled" } }, "staging-prod-parity"],
            [
                { all: "advisory" },
                "prod-references-staging, prod-release-matches-staging, staging-prod-parity, staging-prod-parity-at-step, staging-prod-parity-inputs, staging-evidence-verified",
            ],
        ];
        for (const [policyOverrides, named] of cases) {
            const fake = source();
            await assert.rejects(
                outcome(fake, { target: "prod", version: "1.4.0", policyOverrides }),
                (e: Error) =>
                    e instanceof UsageError &&
                    e.message ===
                        `policy config lowers the enforcement of ${named} for an update of prod; release-gate policies stay mandatory whenever an update may follow`,
            );
            assert.deepEqual(fake.stacksOpened, []);
        }
    });

    it("lets a preview-only run report the gate as advisory (a pull-request check), and keeps mandatory or unrelated overrides", async () => {
        assert.equal(await outcome(source(), { target: "prod", version: "1.4.0", previewOnly: true, policyOverrides: { all: "advisory" } }), "prod");
        assert.equal(
            await outcome(source(), {
                target: "prod",
                version: "1.4.0",
                policyOverrides: { "staging-prod-parity": "mandatory", "dev-cost-guardrails": "disabled", "staging-prod-parity-coverage": "disabled" },
            }),
            "prod",
        );
    });

    it("lowers the whole release gate for a pull-request check, which is preview-only", async () => {
        assert.deepEqual(Object.keys(PULL_REQUEST_OVERRIDES).sort(), [...RELEASE_GATE_POLICIES].sort());
        assert.ok(Object.values(PULL_REQUEST_OVERRIDES).every((level) => level === "advisory"));
        assert.equal(await outcome(source(), { target: "prod", version: "1.4.0", previewOnly: true, policyOverrides: PULL_REQUEST_OVERRIDES }), "prod");
        await assert.rejects(
            outcome(source(), { target: "prod", version: "1.4.0", policyOverrides: PULL_REQUEST_OVERRIDES }),
            /policy config lowers the enforcement of/,
        );
    });

    it("lets dev and staging updates lower any level", async () => {
        assert.equal(await outcome(source(), { target: "staging", version: "1.4.0", policyOverrides: { all: "advisory" } }), "staging");
    });

    it("still refuses --policy-pack for a preview-only prod run", async () => {
        await assert.rejects(
            outcome(source(), { target: "prod", version: "1.4.0", previewOnly: true, policyPack: "./my-pack" }),
            /--policy-pack is refused for prod/,
        );
    });

    describe("prod's reads before its preview", () => {
        /** A fake backend whose prod stack opens (so promote gets to staging) and which logs, in order, what is read. */
        class LoggingSource extends FakeStackSource {
            readonly log: string[] = [];
            scratch: string[] = [];

            async stack(name: string): Promise<Stack> {
                if (shortName(name) === "prod") {
                    return { name: "prod" } as Stack;
                }
                this.log.push(`open ${shortName(name)}`);
                return super.stack(name);
            }

            async pulumi(args: string[]): Promise<string> {
                this.log.push(`${args.slice(0, 2).join(" ")} ${shortName(args[args.indexOf("--stack") + 1])}`);
                return super.pulumi(args);
            }

            scratchDir(): string {
                const dir = super.scratchDir();
                this.scratch.push(dir);
                return dir;
            }
        }
        const stagingRunning = { history: [releaseUpdate()], checkpoint: stagingCheckpoint() };

        it("start together: staging's drift check and the choice of the pack begin before staging's evidence is read", async () => {
            const fake = new LoggingSource(repo.dir, { [STAGING_STACK]: stagingRunning, [PROD_STACK]: { history: [] } });
            // The drift check is the first to reach the engine, which proves it is the one awaited after the evidence.
            assert.equal(await outcome(fake, { target: "prod", version: "1.4.0" }), STAGING_STACK);
            const at = (entry: string) => fake.log.indexOf(entry);
            assert.ok(at("open staging") >= 0 && at("open staging") < at("stack history staging"), fake.log.join(", "));
            // Run in turn, the drift check's stop would have come before the pack was chosen (prod's history is its read).
            assert.ok(at("stack history prod") >= 0, fake.log.join(", "));
        });

        it("report the failure a run in turn would meet first, and leave nothing running or behind", async () => {
            const malformed = { ...stagingRunning, history: [{ kind: "update" } as HistoryEntry] };
            const fake = new LoggingSource(repo.dir, { [STAGING_STACK]: malformed, [PROD_STACK]: { history: [] } });
            await assert.rejects(outcome(fake, { target: "prod", version: "1.4.0" }), StackReadError);
            assert.ok(fake.log.includes("open staging"), "the drift check had started (and failed: the fake has no engine)");
            assert.deepEqual(
                fake.scratch.filter((dir) => fs.existsSync(dir)),
                [],
                "the scratch directory is removed after the pack's choice, still writing to it, has settled",
            );
        });
    });
});

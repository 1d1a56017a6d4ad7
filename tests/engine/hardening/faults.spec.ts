/**
 * Faults, interruptions, concurrent updates and secrets on the real engine (file backend,
 * stand-in AWS provider with failure injection): a failed update loses nothing and keeps the
 * gate shut, a rerun converges, a killed run is recovered with the documented command, two
 * updates of one stack never interleave, and no output of the commands carries a secret.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { promote, PromoteReport } from "../../../cli/lib/gate/promote";
import { formatPromoteMarkdown, formatPromoteReport } from "../../../cli/lib/gate/promote-report";
import { isEnvironmentSpecificRole } from "../../../policy-pack/src/contract/environment-keys";
import { ReleaseFacts } from "../../../policy-pack/src/contract/release-facts";
import { parseReleaseMessage } from "../../../policy-pack/src/contract/release-identity";
import { atlasProgram } from "../../../src/program";
import { REPO_ROOT } from "../../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../../tools/offline/workspace";
import { HOLD_ENV } from "../../../tools/stand-in-aws/holds";
import { HeldOperation } from "../support/held-operation";
import {
    collect,
    ProgramBackend,
    pulumi as pulumiCli,
    releaseVersionRestorer,
    removeEmptyCheckpointSidecars,
    rolesOf,
    runCommand,
    stateOf,
    TS_NODE,
} from "./harness";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";

const ONCALL_KEY = "atlas:oncallEndpoint";
const PROD_ONCALL = `https://oncall.invalid/prod/${randomBytes(12).toString("hex")}`;
const STAGING_ONCALL = `https://oncall.invalid/staging/${randomBytes(12).toString("hex")}`;
const STAGING_TOKEN = `staging-output-token-${randomBytes(12).toString("hex")}`;
const SECRETS = [PROD_ONCALL, STAGING_ONCALL, STAGING_TOKEN];

/** Roles (`type::name`) both staging and prod must have: all but the environment-specific ones. */
const sharedRoles = (urns: string[]) => rolesOf(urns).filter((role) => !isEnvironmentSpecificRole(role.slice(role.lastIndexOf("::") + 2)));

/**
 * Releases are quiet (the version touches no resource), so release 1.1.0 of these tests changes the program: the
 * provider's default tags gain one, and its update has work on every tagged resource before and after the Glue job.
 */
const CHANGED_RELEASE = "1.1.0";
const changedAtRelease = (program: () => Promise<Record<string, unknown>>) => async () => {
    if (process.env.ATLAS_RELEASE_VERSION === CHANGED_RELEASE) {
        pulumi.runtime.registerStackTransformation((args) =>
            args.type === "pulumi:providers:aws"
                ? {
                      // @pulumi/aws hands the provider its defaultTags as JSON text.
                      props: { ...args.props, defaultTags: pulumi.output(args.props.defaultTags as pulumi.Input<string>).apply((text) => retagged(text)) },
                      opts: args.opts,
                  }
                : undefined,
        );
    }
    return program();
};

function retagged(defaultTagsJson: string): string {
    const defaults = JSON.parse(defaultTagsJson) as { tags?: Record<string, string> };
    return JSON.stringify({ ...defaults, tags: { ...defaults.tags, generation: "2" } });
}

/** Staging runs the real program plus one secret stack output, so secret outputs are in play. */
const stagingProgram = changedAtRelease(async () => ({ ...(await atlasProgram()), deployToken: pulumi.secret(STAGING_TOKEN) }));

const restoreVersion = releaseVersionRestorer();

describe("hardening: faults, interruptions, concurrency and secrets (real engine)", function () {
    let workspace: OfflineWorkspace;
    let repository: ReleaseRepository;
    let source: ProgramBackend;
    /** Everything the engine and the commands printed, for the secret grep at the end. */
    const transcript: string[] = [];
    const onOutput = (line: string) => transcript.push(line);

    async function run(target: string, version: string): Promise<PromoteReport> {
        const report = await promote(source, { target, version, onOutput });
        transcript.push(formatPromoteReport(report), formatPromoteMarkdown(report, report.succeeded ? "deployed" : "not deployed"));
        return report;
    }

    async function releaseOf(stack: string): Promise<ReleaseFacts | undefined> {
        return (await (await source.stack(stack)).outputs()).release?.value as ReleaseFacts | undefined;
    }

    before(async () => {
        // promote deploys commits: a clean snapshot of this working tree is the release.
        repository = ReleaseRepository.snapshot(REPO_ROOT);
        workspace = await OfflineWorkspace.create({ projectSource: repository.dir });
        source = new ProgramBackend(workspace, repository.dir, { staging: stagingProgram, prod: changedAtRelease(atlasProgram) });
        for (const name of ENVIRONMENTS) {
            await source.stack(name, { create: true });
        }
        await (await source.stack("prod")).setConfig(ONCALL_KEY, { value: PROD_ONCALL, secret: true });
        await (await source.stack("staging")).setConfig(ONCALL_KEY, { value: STAGING_ONCALL, secret: true });
    });

    after(() => {
        restoreVersion();
        workspace?.setStandIn({});
        workspace?.remove();
        repository?.remove();
    });

    describe("a staging update that fails part-way", () => {
        let urnsBefore: string[];

        before(async () => {
            const first = await run("staging", "1.0.0");
            assert.ok(first.succeeded, formatPromoteReport(first));
            urnsBefore = (await stateOf(await source.stack("staging"))).urns;
        });

        it("fails, keeps staging's `release` output and every resource in state, and records the failure", async () => {
            // 1.1.0 re-tags every resource (CHANGED_RELEASE), so the update has work before and after the
            // Glue job whose update fails.
            workspace.setStandIn({ fail: ["update:aws:glue/job:Job::etl-job"] });
            const report = await run("staging", "1.1.0");
            workspace.setStandIn({});

            assert.equal(report.preview.succeeded, true, "the preview cannot know the provider will fail");
            assert.equal(report.succeeded, false);
            assert.match(report.update?.errors.join("\n") ?? "", /injected failure of update for aws:glue\/job:Job::etl-job/);
            assert.equal((await releaseOf("staging"))?.version, "1.0.0", "staging's release output moved to the failed release");
            const state = await stateOf(await source.stack("staging"));
            assert.deepEqual(state.urns, urnsBefore, "resources lost from or added to state");
            assert.deepEqual(state.pendingOperations, []);
            const [last] = await (await source.stack("staging")).history(1);
            assert.equal(last.result, "failed");
            assert.equal(parseReleaseMessage(last.message)?.identity.version, "1.1.0", last.message);
        });

        it("so `promote --stack prod` at that release is refused (exit 1), saying staging's update failed", async () => {
            const markdown = path.join(workspace.dir, "prod-refused.md");
            const args = ["--workspace", workspace.dir, "--stack", "prod", "--version", "1.1.0", "--preview-only", "--markdown", markdown];
            const result = await runCommand("promote", args, { root: repository.dir });
            transcript.push(result.stdout, result.stderr, fs.readFileSync(markdown, "utf8"));

            assert.equal(result.code, 1, result.stdout + result.stderr);
            assert.match(result.stdout, /^prod @ 1\.1\.0: not deployed$/m);
            assert.match(
                result.stdout,
                /upstream organization\/atlas\/staging runs no known release: .* its newest change \(update failed at [^)]*\) after release 1\.0\.0 .* failed part-way, so its resources are a mix of releases/,
            );
            assert.match(result.stdout, /\[mandatory\] prod-release-matches-staging: [\s\S]*staging no longer runs a known release/);
            assert.equal((await stateOf(await source.stack("prod"))).urns.length, 0, "prod was touched");
        });

        it("and a rerun converges: staging at 1.1.0, the same resources, nothing pending or half-written", async () => {
            const report = await run("staging", "1.1.0");
            assert.ok(report.succeeded, formatPromoteReport(report));
            assert.equal((await releaseOf("staging"))?.version, "1.1.0");
            const state = await stateOf(await source.stack("staging"));
            assert.deepEqual(state.urns, urnsBefore);
            assert.deepEqual(state.initErrors, []);
            const [last] = await (await source.stack("staging")).history(1);
            assert.equal(last.result, "succeeded");
            assert.equal(parseReleaseMessage(last.message)?.identity.version, "1.1.0");
        });
    });

    describe("a prod update that fails part-way", () => {
        it("leaves the half-written resource in state with its error, and no release output", async () => {
            workspace.setStandIn({ fail: ["create-partial:aws:glue/job:Job::etl-job", "create:aws:sfn/stateMachine:StateMachine::pipeline-state-machine"] });
            const report = await run("prod", "1.1.0");
            workspace.setStandIn({});

            assert.equal(report.preview.succeeded, true, formatPromoteReport(report));
            assert.equal(report.succeeded, false);
            const errors = report.update?.errors.join("\n") ?? "";
            assert.match(errors, /injected failure of create \(partial: resource written, then failed\) for aws:glue\/job:Job::etl-job/);
            const state = await stateOf(await source.stack("prod"));
            assert.equal(state.initErrors.filter((urn) => urn.endsWith("::etl-job")).length, 1, "the partial create is in state");
            assert.ok(!state.urns.some((urn) => urn.endsWith("::pipeline-state-machine")), "a failed create is not in state");
            assert.equal(await releaseOf("prod"), undefined);
        });

        it("is resumed by rerunning promote, and ends with prod at staging's release and resources", async () => {
            const report = await run("prod", "1.1.0");
            assert.ok(report.succeeded, formatPromoteReport(report));
            assert.equal(report.gate?.source, "bootstrap", "a failed first update is not a release: prod still has no trusted pack");
            const [prod, staging] = [await releaseOf("prod"), await releaseOf("staging")];
            assert.equal(prod?.version, "1.1.0");
            assert.equal(prod?.commit, staging?.commit);
            const state = await stateOf(await source.stack("prod"));
            assert.deepEqual(state.initErrors, []);
            assert.deepEqual(state.pendingOperations, []);
            assert.deepEqual(sharedRoles(state.urns), sharedRoles((await stateOf(await source.stack("staging"))).urns));
        });
    });

    describe("an update killed mid-way (SIGKILL of the process group)", () => {
        let urnsAfterKill: string[];

        it("leaves the stack locked: the next update is refused with a message naming `pulumi cancel`", async () => {
            // The stand-in holds the Glue job's create (its role and buckets are written before it) until the kill.
            const hold = new HeldOperation("create:aws:glue/job:Job::etl-job");
            const child = spawn(TS_NODE, ["-T", path.join(__dirname, "interrupted-update.ts"), workspace.dir, "dev", "1.0.0"], {
                detached: true,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, [HOLD_ENV]: hold.spec },
            });
            const running = collect(child);
            let output = "";
            child.stdout?.on("data", (data: Buffer) => (output += data.toString()));
            try {
                await hold.reached(child, () => output);
                process.kill(-(child.pid as number), "SIGKILL");
                const result = await running;
                transcript.push(result.stdout, result.stderr);
                assert.equal(result.code, null, `the update was not killed:\n${result.stdout}`);
                assert.doesNotMatch(result.stdout, /interrupted-update: finished/);
            } finally {
                hold.remove();
            }

            // Seen on the real CLI: a kill during the write of a checkpoint's `.attrs` sidecar leaves it
            // empty and the stack unreadable (`failed to load checkpoint: EOF`); the repair is a no-op otherwise.
            transcript.push(`removed after the kill: ${removeEmptyCheckpointSidecars(workspace).join(", ")}`);
            const state = await stateOf(await source.stack("dev"));
            urnsAfterKill = state.urns;
            assert.ok(urnsAfterKill.length > 0, "the killed update wrote nothing to state");

            process.env.ATLAS_RELEASE_VERSION = "1.0.0";
            const blocked = await (await source.stack("dev")).up({ onOutput }).then(
                () => "succeeded",
                (error: Error) => error.message,
            );
            assert.match(
                blocked,
                /error: the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./,
            );
            assert.deepEqual((await stateOf(await source.stack("dev"))).urns, urnsAfterKill, "the refused update changed state");
        });

        it("is recovered by `pulumi cancel`, a rerun and `pulumi refresh --clear-pending-creates`, losing nothing", async () => {
            const pending = (await stateOf(await source.stack("dev"))).pendingOperations;
            const cancelled = pulumiCli(workspace, ["cancel", "dev", "--yes"]);
            assert.match(cancelled, /The currently running update for 'dev' has been canceled!/);

            process.env.ATLAS_RELEASE_VERSION = "1.0.0";
            const rerun = await (await source.stack("dev")).up({ onOutput });
            assert.equal(rerun.summary.result, "succeeded");
            // Found on the real CLI: a successful update keeps the killed run's pending creates in state.
            assert.deepEqual((await stateOf(await source.stack("dev"))).pendingOperations, pending);
            // Against real AWS, look each one up and import it (--import-pending-creates URN ID) instead.
            transcript.push(pulumiCli(workspace, ["refresh", "--stack", "dev", "--clear-pending-creates", "--yes", "--skip-preview", "--color", "never"]));

            const state = await stateOf(await source.stack("dev"));
            assert.deepEqual(state.pendingOperations, []);
            assert.deepEqual(state.initErrors, []);
            assert.deepEqual(
                urnsAfterKill.filter((urn) => !state.urns.includes(urn)),
                [],
                "resources lost",
            );
            assert.deepEqual(sharedRoles(state.urns), sharedRoles((await stateOf(await source.stack("staging"))).urns), "dev has the whole platform");
        });
    });

    describe("a checkpoint sidecar left empty by a kill", () => {
        it("makes the stack unreadable (`failed to load checkpoint: EOF`) until the empty sidecar is deleted", async () => {
            const urns = (await stateOf(await source.stack("dev"))).urns;
            const sidecar = path.join(workspace.stateDir, ".pulumi", "stacks", "atlas", "dev.json.attrs");
            assert.ok(fs.existsSync(sidecar), "the file backend no longer writes .attrs sidecars");
            fs.writeFileSync(sidecar, "");
            assert.throws(() => pulumiCli(workspace, ["stack", "export", "--stack", "dev"]), /error: failed to load checkpoint: EOF/);

            assert.deepEqual(removeEmptyCheckpointSidecars(workspace), ["dev.json.attrs"]);
            assert.deepEqual((await stateOf(await source.stack("dev"))).urns, urns);
        });
    });

    describe("two updates of the same stack at once", () => {
        it("one runs, the other is refused by the file backend's lock, and state stays whole", async () => {
            const before = await stateOf(await source.stack("dev"));
            // The first update runs in another process (as a second CI job would) and is held inside the Glue
            // job's diff (asked whether or not anything changed), so it holds the stack's lock while the second tries.
            const hold = new HeldOperation("diff:aws:glue/job:Job::etl-job");
            const child = spawn(TS_NODE, ["-T", path.join(__dirname, "interrupted-update.ts"), workspace.dir, "dev", "1.1.0"], {
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, [HOLD_ENV]: hold.spec },
            });
            let output = "";
            child.stdout?.on("data", (data: Buffer) => (output += data.toString()));
            const first = collect(child);
            let second: string;
            try {
                await hold.reached(child, () => output);
                process.env.ATLAS_RELEASE_VERSION = "1.1.0";
                second = await (await source.stack("dev")).up({ onOutput }).then(
                    () => "succeeded",
                    (error: Error) => error.message,
                );
            } finally {
                hold.release();
            }
            const firstResult = await first;
            hold.remove();
            transcript.push(firstResult.stdout, firstResult.stderr);

            assert.equal(firstResult.code, 0, firstResult.stdout + firstResult.stderr);
            assert.match(second, /error: the stack is currently locked by 1 lock\(s\)/);
            const after = await stateOf(await source.stack("dev"));
            assert.deepEqual(after.urns, before.urns);
            assert.deepEqual(after.pendingOperations, []);
            assert.equal((await releaseOf("dev"))?.version, "1.1.0");
            const history = await (await source.stack("dev")).history(1);
            assert.equal(history[0].result, "succeeded");
        });
    });

    describe("secrets", () => {
        it("are in play: secret config in staging and prod, a secret output in staging", async () => {
            assert.equal((await (await source.stack("prod")).getConfig(ONCALL_KEY)).secret, true);
            const outputs = await (await source.stack("staging")).outputs();
            assert.equal(outputs.deployToken?.secret, true);
            assert.equal(outputs.deployToken?.value, STAGING_TOKEN);
        });

        it("never appear in `parity --deployed` output (markdown, json)", async () => {
            for (const format of ["markdown", "json"]) {
                const result = await runCommand("parity", ["--deployed", "--workspace", workspace.dir, "--format", format], { root: repository.dir });
                transcript.push(result.stdout, result.stderr);
                assert.equal(result.code, 0, result.stdout + result.stderr);
                assert.match(result.stdout, format === "json" ? /"atParity": true/ : /at parity/);
            }
        });

        it("never appear in any policy message, report, Markdown summary or engine log line of this suite", () => {
            const text = transcript.join("\n");
            assert.ok(text.length > 10_000 && text.includes("[secret]"), "the transcript is too small to prove anything");
            for (const secret of SECRETS) {
                assert.ok(!text.includes(secret), `a secret value appeared in the transcript: ${secret.slice(0, 30)}…`);
            }
        });
    });
});

/**
 * The CPU account of one promote (issue 28): prod's promote of one change and a plain `pulumi up -s prod` of the
 * same change, interleaved round by round (A B A B …) in one offline workspace, each with the wall time of its
 * phases and the CPU-seconds of the processes it started, by kind (bench/lib/process-cpu.ts).
 *
 * A round: a one-property change (the Glue job's timeout, in both stack files) committed and released to staging
 * (not measured); prod's promote of it (measured); then, each after prod was put back to the release before (not
 * measured), two plain updates of the change without a pack, as someone without the gate runs them (measured):
 * - `pulumi up -s prod --yes` typed at the CLI: a preview, then the update, in one engine process. The issue's
 *   comparator, and what promote's target is judged against: promote also previews before it updates.
 * - the Automation API's `stack.up()`, which is `pulumi up --yes --skip-preview`: the update alone, no preview.
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { promote, PromoteReport } from "../../cli/lib/gate/promote";
import { releaseEnv, ReleaseIdentity } from "../../policy-pack/src/contract";
import { OfflineBackend } from "../../cli/lib/stacks/stack-source";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { CpuAccount, withCpuAccount } from "../lib/process-cpu";
import { secondsSince } from "../lib/stats";
import { BENCH_VERSION, prepareStacks } from "./engine";

/** Promote's phases as it names them (its onPhase), shortened for the table; the time before the first is "set-up". */
const PHASE_NAMES: [RegExp, string][] = [
    [/history and state/, "evidence (staging's history and checkpoint)"],
    [/cloud for drift/, "staging's drift check"],
    [/choosing the policy pack/, "choosing the trusted pack"],
    [/^previewing/, "preview with the pack"],
    [/^updating/, "update with the pack, then the checkpoint read and tag"],
];

export interface OneRun {
    wallSeconds: number;
    /** Wall seconds per phase (promote), in order. */
    phases: Record<string, number>;
    account: CpuAccount;
}

export interface PromoteCostFigures {
    promote: OneRun[];
    /** `pulumi up -s prod --yes` at the CLI: preview and update in one engine process. */
    plainUp: OneRun[];
    /** The Automation API's `stack.up()`: `pulumi up --yes --skip-preview`, the update alone. */
    updateOnly: OneRun[];
    changed: Record<string, number>;
    setupSeconds: number;
}

export async function measurePromoteCost(runs: number, log: (line: string) => void): Promise<PromoteCostFigures> {
    const setupStarted = process.hrtime.bigint();
    log("promote-cost: preparing an offline workspace; dev, staging and prod deployed at the first release");
    const workspace = await OfflineWorkspace.create();
    try {
        const repository = ReleaseRepository.snapshot(REPO_ROOT, workspace.releasesDir);
        const source = new OfflineBackend(workspace, repository.dir);
        await prepareStacks(source);
        for (const stack of ["dev", "staging", "prod"]) {
            succeededOrThrow(await promote(source, { target: stack, version: BENCH_VERSION }), `deploying ${stack}`);
        }
        const base = repository.head;
        let previous = { checkout: repository.dir, version: BENCH_VERSION };
        const figures: PromoteCostFigures = { promote: [], plainUp: [], updateOnly: [], changed: {}, setupSeconds: secondsSince(setupStarted) };
        for (let i = 0; i < runs; i++) {
            const minutes = (text: string) =>
                text.replace(/atlas:glueJobTimeoutMinutes: (\d+)/, (_, value: string) => `atlas:glueJobTimeoutMinutes: ${Number(value) + i + 1}`);
            const change = repository.commitEdits(base, { "Pulumi.staging.yaml": minutes, "Pulumi.prod.yaml": minutes }, `bench: change ${i + 1}`);
            const checkout = repository.checkoutAt(change);
            const version = `1.${i + 1}.0`;
            const changed = new OfflineBackend(workspace, checkout);
            succeededOrThrow(await promote(changed, { target: "staging", version }), "releasing the change to staging");

            const phases: [string, bigint][] = [["set-up (the release measured, the stack selected)", process.hrtime.bigint()]];
            const onPhase = (phase: string) => phases.push([PHASE_NAMES.find(([pattern]) => pattern.test(phase))?.[1] ?? phase, process.hrtime.bigint()]);
            const started = process.hrtime.bigint();
            const promoted = await withCpuAccount(() => promote(changed, { target: "prod", version, onPhase }));
            const ended = process.hrtime.bigint();
            const report = succeededOrThrow(promoted.result, "promoting the change to prod");
            figures.promote.push({ wallSeconds: secondsSince(started), phases: phaseSeconds(phases, ended), account: promoted.account });
            figures.changed = report.update?.changes ?? {};

            const putBack = async () => {
                const back = new OfflineBackend(workspace, previous.checkout);
                back.setRelease({ ...report.release, version: previous.version });
                await (await back.stack("prod")).up({ color: "never" });
            };
            await putBack();
            changed.setRelease(report.release);
            figures.plainUp.push(await measured("pulumi up --yes", () => cliUp(changed, "prod", report.release)));
            await putBack();
            const stack = await changed.stack("prod");
            figures.updateOnly.push(await measured("pulumi up --yes --skip-preview", () => stack.up({ color: "never" })));
            log(
                `promote-cost: round ${i + 1}/${runs}: promote ${figures.promote[i].wallSeconds.toFixed(2)} s wall, ${promoted.account.totalSeconds.toFixed(2)} CPU-s; ` +
                    [figures.plainUp[i], figures.updateOnly[i]]
                        .map((r) => `${Object.keys(r.phases)[0]} ${r.wallSeconds.toFixed(2)} s wall, ${r.account.totalSeconds.toFixed(2)} CPU-s`)
                        .join("; "),
            );
            previous = { checkout, version };
        }
        return figures;
    } finally {
        workspace.remove();
    }
}

async function measured(name: string, run: () => Promise<unknown>): Promise<OneRun> {
    const started = process.hrtime.bigint();
    const { account } = await withCpuAccount(run);
    const wallSeconds = secondsSince(started);
    return { wallSeconds, phases: { [name]: wallSeconds }, account };
}

/** `pulumi up -s <stack> --yes` as a person types it in the workspace's project: the CLI's preview, then its update. */
async function cliUp(source: OfflineBackend, stack: string, release: ReleaseIdentity): Promise<void> {
    source.workspace.syncProjectFiles(source.checkout);
    const env = { ...process.env, ...source.workspace.env(), ...releaseEnv(release) };
    await promisify(execFile)(source.workspace.cli.binary, ["up", "-s", stack, "--yes", "--non-interactive", "--color", "never"], {
        cwd: source.projectDir,
        env,
        maxBuffer: 64 * 1024 * 1024,
    });
}

function phaseSeconds(phases: [string, bigint][], ended: bigint): Record<string, number> {
    const out: Record<string, number> = {};
    phases.forEach(([name, start], i) => {
        const end = phases[i + 1]?.[1] ?? ended;
        out[name] = (out[name] ?? 0) + Number(end - start) / 1e9;
    });
    return out;
}

function succeededOrThrow(report: PromoteReport, what: string): PromoteReport {
    if (!report.succeeded) {
        const reasons = [
            ...report.preview.errors,
            ...report.preview.violations.filter((v) => v.level === "mandatory").map((v) => v.message),
            ...(report.update?.errors ?? []),
            ...(report.refusedBeforeUpdate ? [report.refusedBeforeUpdate] : []),
            ...(report.failedAfterUpdate ? [report.failedAfterUpdate] : []),
        ];
        throw new Error(`${what} failed: ${reasons.join("; ") || "no reason given"}`);
    }
    return report;
}

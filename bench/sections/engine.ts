/**
 * Sections 1 and 2, on the real engine with the stand-in provider, in one offline workspace, on the
 * ordinary CLI path (the CLI's language host runs the program, RunPlugin starts the packs): staging
 * and prod deployed through `promote` at the same release, then previews of prod with the Atlas
 * pack as it ships (JavaScript) and promote's policy config, with an empty pack (one no-op stack
 * policy) as JavaScript and as TypeScript, without a pack, of a one-resource program, and of dev
 * through the CLI and inline — alternated in rotating order so drift hits every variant alike.
 */
import * as path from "path";
import { LocalWorkspace, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import { detectDrift } from "../../cli/lib/operations/drift";
import { runWithPolicies } from "../../cli/lib/kit/engine-run";
import { changedResources } from "../../cli/lib/rehearsal/rehearsal";
import { promote } from "../../cli/lib/gate/promote";
import { OfflineBackend } from "../../cli/lib/stacks/stack-source";
import { pulumiCommand, REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { fixtureProject } from "../lib/fixture-project";
import { ratio, secondsSince, spread, summarize, Summary } from "../lib/stats";
import { ENVIRONMENTS } from "../../policy-pack/src/contract";

export const BENCH_VERSION = "1.0.0";
const ONCALL_KEY = "atlas:oncallEndpoint";
/** The Atlas policies' own cost: a preview with the Atlas pack over one with an empty pack (issue 26 holds it at 1.05 with the catalogue checks). */
const POLICY_TARGET = 1.05;
/** The Atlas prod preview over a one-resource program's, on the same path. */
const PROGRAM_TARGET = 2.0;
/** `pulumi preview -s dev` through the language host over the same preview inline (issue 28: the ordinary path's cost). */
const HOST_TARGET = 1.5;
const FIXTURES = path.join("bench", "fixtures");

/**
 * prod+pack: prod's preview with the Atlas pack as it ships (policy-pack/bin, JavaScript) and the
 * policy config promote builds; prod+empty-pack / prod+empty-ts-pack: with a pack of one no-op
 * policy, as JavaScript and as TypeScript (the engine's per-pack floor, after and before shipping
 * JavaScript); prod: no pack; one-resource: a one-resource program through the CLI; dev / dev-inline:
 * `pulumi preview -s dev` through the CLI's language host and through the Automation API's inline
 * program (program loaded once, in this process).
 */
export type Variant = "prod+pack" | "prod+empty-pack" | "prod+empty-ts-pack" | "prod" | "one-resource" | "dev" | "dev-inline";

export interface EngineFigures {
    pulumiVersion: string;
    /** Seconds per variant. */
    samples: Partial<Record<Variant, number[]>>;
    summaries: Partial<Record<Variant, Summary>>;
    /** How the measured prod previews with the Atlas pack ended (the gate should pass). */
    gate: { passed: number; refused: number; mandatoryViolations: string[] };
    setupSeconds: number;
    notes: string[];
    policyConfigPolicies: string[];
    prodResources: number;
    /** promote's reading of staging for prod's gate: history and checkpoint (seconds, per promote), and prod's whole promote. */
    stagingRead: { seconds: number; promoteSeconds: number; resources: number };
    /** Operating between releases: a drift check of prod (seconds per check), and a quiet release of staging's commit. */
    betweenReleases: {
        driftSeconds: number[];
        driftResources: number;
        quiet: { preview: Record<string, number>; update: Record<string, number>; seconds: number };
    };
    /** The gate's whole cost to the person waiting: prod's promote of one change over a plain `pulumi up -s prod` of the same change. */
    gateCost: { promoteSeconds: number; plainUpSeconds: number; changed: Record<string, number> };
}

export interface EngineRequest {
    runs: number;
    variants: Variant[];
    log: (line: string) => void;
}

export async function measureEngine(request: EngineRequest): Promise<EngineFigures> {
    const setupStarted = process.hrtime.bigint();
    const notes: string[] = [];
    request.log("engine: preparing an offline workspace");
    const workspace = await OfflineWorkspace.create();
    try {
        // promote deploys commits: a clean snapshot of the working tree is the release.
        const repository = ReleaseRepository.snapshot(REPO_ROOT, workspace.releasesDir);
        const checkout = repository.dir;
        const source = new OfflineBackend(workspace, checkout);
        await prepareStacks(source);
        request.log(`engine: deploying dev, staging and prod at ${BENCH_VERSION} (Pulumi ${workspace.cli.version})`);
        for (const stack of ["dev", "staging"]) {
            const deployed = await promote(source, { target: stack, version: BENCH_VERSION });
            if (!deployed.succeeded) {
                throw new Error(
                    `deploying ${stack} failed: ${[...deployed.preview.errors, ...(deployed.update?.errors ?? [])].join("; ") || deployed.preview.violations.map((v) => v.message).join("; ")}`,
                );
            }
        }
        const promoteStarted = process.hrtime.bigint();
        const prodPromote = await promote(source, { target: "prod", version: BENCH_VERSION });
        const stagingRead = {
            seconds: prodPromote.upstream?.seconds ?? NaN,
            promoteSeconds: secondsSince(promoteStarted),
            resources: prodPromote.upstream?.resources ?? 0,
        };
        if (!prodPromote.succeeded) {
            throw new Error(
                `promote refused prod: ${
                    prodPromote.preview.violations
                        .filter((v) => v.level === "mandatory")
                        .map((v) => refusal(v.message))
                        .join("; ") || prodPromote.preview.errors.join("; ")
                }`,
            );
        }
        // Every prod preview below runs the release promote deployed (version, commit and digest).
        source.setRelease(prodPromote.release);
        const prod = await source.stack("prod");
        const dev = await source.stack("dev");
        const devInline = await workspace.stack("dev", inlineProgramOf(checkout));
        const oneResource = request.variants.includes("one-resource")
            ? await oneResourceStack(workspace, path.join(checkout, FIXTURES, "one-resource"))
            : undefined;
        const packs: Partial<Record<Variant, string>> = {
            "prod+pack": path.join(checkout, "policy-pack"),
            "prod+empty-pack": path.join(checkout, FIXTURES, "empty-pack-js"),
            "prod+empty-ts-pack": path.join(checkout, FIXTURES, "empty-pack-ts"),
        };
        const setupSeconds = secondsSince(setupStarted);

        const gate = { passed: 0, refused: 0, mandatoryViolations: [] as string[] };
        let prodResources = 0;
        const run = async (variant: Variant): Promise<number> => {
            const started = process.hrtime.bigint();
            const policyPack = packs[variant];
            if (policyPack) {
                const outcome = await runWithPolicies(prod, "preview", {
                    policyPack,
                    policyConfig: variant === "prod+pack" ? prodPromote.policyConfig : undefined,
                });
                const seconds = secondsSince(started);
                if (outcome.errors.length > 0 && outcome.violations.length === 0) {
                    throw new Error(`prod preview with ${variant} failed: ${outcome.errors.join("; ")}`);
                }
                if (variant === "prod+pack") {
                    const mandatory = outcome.violations.filter((v) => v.level === "mandatory");
                    gate[mandatory.length === 0 ? "passed" : "refused"] += 1;
                    gate.mandatoryViolations.push(...mandatory.map((v) => `${v.policy}: ${refusal(v.message)}`));
                }
                return seconds;
            }
            const stack = { prod, "one-resource": oneResource, dev, "dev-inline": devInline }[variant as "prod" | "one-resource" | "dev" | "dev-inline"]!;
            const result = await plainPreview(stack);
            if (variant === "prod") {
                prodResources = Object.values(result.changeSummary).reduce((sum, n) => sum + (n ?? 0), 0);
            }
            return secondsSince(started);
        };

        request.log(`engine: warm-up preview of ${request.variants.join(", ")}`);
        for (const variant of request.variants) {
            await run(variant);
        }
        gate.passed = gate.refused = 0;
        gate.mandatoryViolations = [];
        const samples: Partial<Record<Variant, number[]>> = {};
        for (let i = 0; i < request.runs; i++) {
            // Rotate the order each round (A B C, B C A, C A B, ...) so no variant always runs first.
            const order = request.variants.map((_, j) => request.variants[(i + j) % request.variants.length]);
            const round: string[] = [];
            for (const variant of order) {
                const seconds = await run(variant);
                (samples[variant] ??= []).push(seconds);
                round.push(`${variant} ${seconds.toFixed(2)} s`);
            }
            request.log(`engine: round ${i + 1}/${request.runs}: ${round.join(", ")}`);
        }
        const summaries: Partial<Record<Variant, Summary>> = {};
        for (const [variant, values] of Object.entries(samples) as [Variant, number[]][]) {
            summaries[variant] = summarize(values);
        }
        gate.mandatoryViolations = [...new Set(gate.mandatoryViolations)];
        const betweenReleases = await measureBetweenReleases(source, request);
        const gateCost = await measureGateCost(repository, workspace, request);
        return {
            pulumiVersion: workspace.cli.version,
            samples,
            summaries,
            gate,
            setupSeconds,
            notes,
            policyConfigPolicies: Object.keys(prodPromote.policyConfig).sort(),
            prodResources,
            stagingRead,
            betweenReleases,
            gateCost,
        };
    } finally {
        workspace.remove();
    }
}

/** Drift checks of prod (a refresh preview), then the deployed commit released to staging under a new version. */
async function measureBetweenReleases(source: OfflineBackend, request: EngineRequest): Promise<EngineFigures["betweenReleases"]> {
    request.log("engine: drift checks of prod, and a quiet release of staging");
    const driftSeconds: number[] = [];
    let driftResources = 0;
    for (let i = 0; i < Math.max(1, request.runs); i++) {
        const report = await detectDrift(source, "prod");
        if (report.drifted.length > 0) {
            throw new Error(`the bench's prod drifted: ${report.drifted.map((r) => r.label).join(", ")}`);
        }
        driftSeconds.push(report.seconds);
        driftResources = report.checkedResources;
    }
    const started = process.hrtime.bigint();
    const quiet = await promote(source, { target: "staging", version: "1.0.1" });
    if (!quiet.succeeded || !quiet.update) {
        throw new Error(`the quiet release of staging failed: ${quiet.preview.errors.join("; ")}`);
    }
    return {
        driftSeconds,
        driftResources,
        quiet: { preview: changedResources(quiet.preview), update: changedResources(quiet.update), seconds: secondsSince(started) },
    };
}

/**
 * One change (the Glue job's timeout, in both stack files) released to staging, then: prod's promote of it, timed
 * (drift check, evidence, trusted pack, preview, update); prod back to the release before with a plain update
 * (untimed); a plain `pulumi up -s prod` of the same change, timed, with no pack, as someone without the gate runs it.
 */
async function measureGateCost(repository: ReleaseRepository, workspace: OfflineWorkspace, request: EngineRequest): Promise<EngineFigures["gateCost"]> {
    request.log("engine: the gate's cost: prod's promote of one change against a plain pulumi up of the same change");
    const before = repository.head;
    const timeout = (text: string) =>
        text.replace(/atlas:glueJobTimeoutMinutes: (\d+)/, (_, minutes: string) => `atlas:glueJobTimeoutMinutes: ${Number(minutes) + 1}`);
    const change = repository.commitEdits(before, { "Pulumi.staging.yaml": timeout, "Pulumi.prod.yaml": timeout }, "bench: a one-property change");
    const changed = new OfflineBackend(workspace, repository.checkoutAt(change));
    const staging = await promote(changed, { target: "staging", version: "1.1.0" });
    if (!staging.succeeded) {
        throw new Error(`releasing the bench's change to staging failed: ${staging.preview.errors.join("; ")}`);
    }
    let started = process.hrtime.bigint();
    const prod = await promote(changed, { target: "prod", version: "1.1.0" });
    const promoteSeconds = secondsSince(started);
    if (!prod.succeeded || !prod.update) {
        throw new Error(
            `promoting the bench's change to prod failed: ${[...prod.preview.errors, ...prod.preview.violations.map((v) => v.message)].join("; ")}`,
        );
    }
    const previous = new OfflineBackend(workspace, repository.checkoutAt(before));
    previous.setRelease({ ...prod.release, version: BENCH_VERSION });
    await (await previous.stack("prod")).up({ color: "never" });
    changed.setRelease(prod.release);
    const plain = await changed.stack("prod");
    started = process.hrtime.bigint();
    await plain.up({ color: "never" });
    return { promoteSeconds, plainUpSeconds: secondsSince(started), changed: changedResources(prod.update) };
}

function plainPreview(stack: Stack): Promise<PreviewResult> {
    return stack.preview({ color: "never" });
}

/** The checkout's program, loaded into this process (the inline path loads it once). */
function inlineProgramOf(checkout: string): () => Promise<Record<string, unknown>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(checkout, "src", "program")) as { atlasProgram: () => Promise<Record<string, unknown>> }).atlasProgram;
}

/** Creates the stacks from the checkout's stack files; prod pages on-call, so it needs the secret. */
export async function prepareStacks(source: OfflineBackend): Promise<void> {
    for (const name of ENVIRONMENTS) {
        const stack = await source.stack(name, { create: true });
        const config = await stack.getAllConfig();
        if (config["atlas:routeAlertsToOncall"]?.value === "true" && !config[ONCALL_KEY]?.value) {
            await stack.setConfig(ONCALL_KEY, { value: "https://oncall.invalid/atlas/bench", secret: true });
        }
    }
}

/**
 * The one-resource fixture program as the CLI runs it (its own project, the same engine and backend), deployed once;
 * its project directory is in the workspace, so the stack file the CLI writes never lands in the release checkout.
 */
async function oneResourceStack(workspace: OfflineWorkspace, fixtureDir: string): Promise<Stack> {
    const projectDir = fixtureProject(fixtureDir, path.join(workspace.dir, "bench-one-resource"));
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "prod", workDir: projectDir },
        { workDir: projectDir, envVars: workspace.env(), pulumiCommand: await pulumiCommand(workspace.cli) },
    );
    await stack.up({ color: "never" });
    return stack;
}

/** The line of a policy message that says why (the engine puts the policy's description first). */
function refusal(text: string): string {
    const lines = text.split("\n").map((line) => line.trim());
    return (lines.find((line) => line.startsWith("Refused")) ?? lines[0]).slice(0, 240);
}

export { HOST_TARGET, POLICY_TARGET, PROGRAM_TARGET, ratio, spread };

/**
 * Sections 1 and 2, on the real engine with the stand-in provider, in one offline workspace:
 * staging and prod deployed at the same release (so prod's gate has a staging to pass against),
 * then previews of prod with the pack (promote's own policy config), without it, and of a
 * one-resource inline program, alternated in rotating order so drift hits every variant alike.
 */
import * as aws from "@pulumi/aws";
import { LocalWorkspace, PreviewOptions, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { compilePolicyPack } from "../../cli/lib/compiled-pack";
import { runWithPolicies, RunOutcome } from "../../cli/lib/engine-run";
import { promote } from "../../cli/lib/promote";
import { OfflineBackend, StackSource } from "../../cli/lib/stacks";
import { pulumiCommand, REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { ratio, secondsSince, spread, summarize, Summary } from "../lib/stats";

export const BENCH_VERSION = "1.0.0";
const ONCALL_KEY = "atlas:oncallEndpoint";
const POLICY_TARGET = 1.1;
const PROGRAM_TARGET = 1.5;

/**
 * prod+pack: promote's preview (the pack as promote runs it: transpiled to JavaScript); prod: the
 * same preview without a pack; one-resource: a one-resource program; prod+ts-pack: the pack as
 * TypeScript, as a plain `pulumi preview --policy-pack policy-pack` runs it (the engine's
 * policy-pack runner then type-checks it on every start).
 */
export type Variant = "prod+pack" | "prod" | "one-resource" | "prod+ts-pack";

export interface EngineFigures {
    pulumiVersion: string;
    /** Seconds per variant. */
    samples: Partial<Record<Variant, number[]>>;
    summaries: Partial<Record<Variant, Summary>>;
    /** How the measured prod previews with the pack ended (the gate should pass). */
    gate: { passed: number; refused: number; mandatoryViolations: string[] };
    setupSeconds: number;
    notes: string[];
    policyConfigPolicies: string[];
    prodResources: number;
    /** promote's reading of staging for prod's gate: history and checkpoint (seconds, per promote), and prod's whole promote. */
    stagingRead: { seconds: number; promoteSeconds: number; resources: number };
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
        const repository = ReleaseRepository.snapshot(REPO_ROOT, path.join(workspace.dir, "releases"));
        const policyPackDir = path.join(repository.dir, "policy-pack");
        const source = new OfflineBackend(workspace, repository.dir);
        await prepareStacks(source);
        request.log(`engine: deploying staging and prod at ${BENCH_VERSION} (Pulumi ${workspace.cli.version})`);
        const staging = await promote(source, { target: "staging", version: BENCH_VERSION });
        if (!staging.succeeded) {
            throw new Error(`deploying staging failed: ${[...staging.preview.errors, ...(staging.update?.errors ?? [])].join("; ") || staging.preview.violations.map((v) => v.message).join("; ")}`);
        }
        const promoteStarted = process.hrtime.bigint();
        const prodPromote = await promote(source, { target: "prod", version: BENCH_VERSION });
        const stagingRead = { seconds: prodPromote.upstream?.seconds ?? NaN, promoteSeconds: secondsSince(promoteStarted), resources: prodPromote.upstream?.resources ?? 0 };
        const prod = await source.stack("prod");
        if (!prodPromote.succeeded) {
            const why = [...new Set(prodPromote.preview.violations.filter((v) => v.level === "mandatory").map((v) => refusal(v.message)))];
            notes.push(`promote refused prod (${why.join("; ") || prodPromote.preview.errors.join("; ")}); prod was deployed without the pack so the previews have a deployed prod to compare (the pack still evaluates every policy in the measured previews)`);
            await prod.up({ color: "never" });
        }
        const policyConfig = await capturePromotePolicyConfig(source, "prod", BENCH_VERSION);
        const oneResource = request.variants.includes("one-resource") ? await oneResourceStack(workspace) : undefined;
        const compiledPack = compilePolicyPack(policyPackDir, fs.mkdtempSync(path.join(workspace.dir, "compiled-pack-")));
        const setupSeconds = secondsSince(setupStarted);

        const gate = { passed: 0, refused: 0, mandatoryViolations: [] as string[] };
        let prodResources = 0;
        const run = async (variant: Variant): Promise<number> => {
            const started = process.hrtime.bigint();
            if (variant === "prod+pack" || variant === "prod+ts-pack") {
                const policyPack = variant === "prod+pack" ? compiledPack : policyPackDir;
                const outcome: RunOutcome = await runWithPolicies(prod, "preview", { policyPack, policyConfig });
                const seconds = secondsSince(started);
                if (outcome.errors.length > 0 && outcome.violations.length === 0) {
                    throw new Error(`prod preview with the pack failed: ${outcome.errors.join("; ")}`);
                }
                const mandatory = outcome.violations.filter((v) => v.level === "mandatory");
                if (variant === "prod+pack") {
                    gate[mandatory.length === 0 ? "passed" : "refused"] += 1;
                    gate.mandatoryViolations.push(...mandatory.map((v) => `${v.policy}: ${refusal(v.message)}`));
                }
                return seconds;
            }
            const result = await plainPreview(variant === "prod" ? prod : oneResource!);
            const seconds = secondsSince(started);
            if (variant === "prod") {
                prodResources = Object.values(result.changeSummary).reduce((sum, n) => sum + (n ?? 0), 0);
            }
            return seconds;
        };

        request.log(`engine: warm-up preview of ${request.variants.join(", ")}`);
        const variants = [...request.variants];
        for (const variant of request.variants) {
            try {
                await run(variant);
            } catch (error) {
                if (variant !== "prod+ts-pack") {
                    throw error;
                }
                // The what-if is a diagnosis, not a figure of the issue: drop it rather than the section.
                variants.splice(variants.indexOf(variant), 1);
                notes.push(`the preview with the TypeScript pack could not run: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
            }
        }
        gate.passed = gate.refused = 0;
        gate.mandatoryViolations = [];
        const samples: Partial<Record<Variant, number[]>> = {};
        for (let i = 0; i < request.runs; i++) {
            // Rotate the order each round (A B C, B C A, C A B, ...) so no variant always runs first.
            const order = variants.map((_, j) => variants[(i + j) % variants.length]);
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
        return {
            pulumiVersion: workspace.cli.version,
            samples,
            summaries,
            gate,
            setupSeconds,
            notes,
            policyConfigPolicies: Object.keys(policyConfig).sort(),
            prodResources,
            stagingRead,
        };
    } finally {
        workspace.remove();
    }
}

function plainPreview(stack: Stack): Promise<PreviewResult> {
    const options: PreviewOptions = { color: "never" };
    return stack.preview(options);
}

/** Creates staging and prod from the repo's stack files; prod pages on-call, so it needs the secret. */
async function prepareStacks(source: OfflineBackend): Promise<void> {
    for (const name of ["staging", "prod"]) {
        const stack = await source.stack(name, { create: true });
        const config = await stack.getAllConfig();
        if (config["atlas:routeAlertsToOncall"]?.value === "true" && !config[ONCALL_KEY]?.value) {
            await stack.setConfig(ONCALL_KEY, { value: `https://oncall.invalid/atlas/${randomBytes(12).toString("hex")}`, secret: true });
        }
    }
}

/**
 * The policy config `promote` builds for a target, taken from promote itself: a preview-only
 * promote runs against a stand-in for the target stack whose preview reads the config file promote
 * wrote and returns without running the engine. So the bench passes exactly what promote passes.
 */
async function capturePromotePolicyConfig(source: StackSource, target: string, version: string): Promise<Record<string, unknown>> {
    let captured: Record<string, unknown> | undefined;
    const intercept = (stack: Stack): Stack =>
        new Proxy(stack, {
            get(real, property) {
                if (property === "preview") {
                    return async (options?: PreviewOptions): Promise<PreviewResult> => {
                        const file = options?.policyPackConfigs?.[0];
                        captured = file ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
                        return { stdout: "", stderr: "", changeSummary: {} };
                    };
                }
                const value = Reflect.get(real, property, real) as unknown;
                return typeof value === "function" ? value.bind(real) : value;
            },
        });
    // Everything but stack() is the real source's, whatever members StackSource gains.
    const capturing = new Proxy(source, {
        get(real, property) {
            if (property === "stack") {
                return async (name: string, options?: { create?: boolean }) => {
                    const stack = await real.stack(name, options);
                    return name === target ? intercept(stack) : stack;
                };
            }
            const value = Reflect.get(real, property, real) as unknown;
            return typeof value === "function" ? value.bind(real) : value;
        },
    });
    await promote(capturing, { target, version, previewOnly: true });
    if (!captured) {
        throw new Error("could not capture promote's policy config (promote no longer previews through Stack.preview?)");
    }
    return captured;
}

/** A one-resource program (an SNS topic through an explicit provider) on the same engine and backend, deployed once. */
async function oneResourceStack(workspace: OfflineWorkspace): Promise<Stack> {
    const workDir = path.join(workspace.dir, "one-resource");
    fs.mkdirSync(workDir, { recursive: true });
    const program = async () => {
        const provider = new aws.Provider("aws", { region: "eu-west-1", allowedAccountIds: ["333333333333"] });
        const topic = new aws.sns.Topic("alerts", {}, { provider });
        return { topicArn: topic.arn };
    };
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "prod", projectName: "bench-one-resource", program },
        { workDir, envVars: workspace.env(), pulumiCommand: await pulumiCommand(workspace.cli) },
    );
    await stack.up({ color: "never" });
    return stack;
}

/** The line of a policy message that says why (the engine puts the policy's description first). */
function refusal(text: string): string {
    const lines = text.split("\n").map((line) => line.trim());
    return (lines.find((line) => line.startsWith("Refused")) ?? lines[0]).slice(0, 240);
}

export { POLICY_TARGET, PROGRAM_TARGET, ratio, spread };

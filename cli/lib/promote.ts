/**
 * Deploys a release to a target stack the safe way: measure the release from git, read the
 * upstream stack's history and state from the upstream stack itself, hand them to a policy pack
 * the candidate cannot change, preview with it, and update only when the preview passed. One
 * code path for people, CI and the offline rehearsal.
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { loweredGatePolicies, RELEASE_GATE_POLICIES } from "../../policy-pack/src/config";
import { Environment, UPSTREAM_OF, isEnvironment } from "../../policy-pack/src/contract/environment-identity";
import { GateRecord, ReleaseIdentity, releaseMessage } from "../../policy-pack/src/contract/release-identity";
import { RunningRelease, runningRelease } from "../../policy-pack/src/contract/stack-history";
import { UsageError } from "./args";
import { compilePolicyPack } from "./compiled-pack";
import { runWithPolicies, RunOutcome } from "./engine-run";
import { policyConfigFor } from "./policy-config";
import { measureRelease } from "./release-identity";
import { GateEvidence, readGateEvidence } from "./staging-evidence";
import { environmentFacts } from "./stack-file-config";
import { shortName, StackSource } from "./stacks";
import { TrustedGate, chooseTrustedGate } from "./trusted-gate";

const UPSTREAM_STACK_KEY = "atlas:upstreamStack";

/**
 * `--pull-request-check`: the commit under review is not in staging yet, so the release gate can
 * only report (how the PR's prod plan differs from what staging runs); the guardrails still
 * refuse. Stack-file drift between staging and prod is refused by `npm run parity` in CI.
 */
export const PULL_REQUEST_OVERRIDES: Readonly<Record<string, string>> = Object.fromEntries(RELEASE_GATE_POLICIES.map((policy) => [policy, "advisory"]));

export interface PromoteOptions {
    target: string;
    version: string;
    /** Stop after the preview. */
    previewOnly?: boolean;
    /** The pack for an ungated target (dev, staging); refused for a gated one (prod). Default: the checkout's. */
    policyPack?: string;
    /** Policy-config overrides merged over what promote builds (e.g. enforcement levels of a preview-only check). */
    policyOverrides?: Record<string, unknown>;
    onOutput?: (line: string) => void;
    /** Where the pinned gate setting is read from (default: this process's environment). */
    env?: NodeJS.ProcessEnv;
}

export interface UpstreamSummary {
    stack: string;
    /** Which release the upstream runs, as its history says. */
    running: RunningRelease;
    resources: number;
    /** Seconds spent reading its history and state. */
    seconds: number;
}

export interface PromoteReport {
    target: string;
    version: string;
    /** The release as promote measured it from git. */
    release: ReleaseIdentity;
    /** The pack that judged a gated promotion, and where it came from; null for an ungated one. */
    gate: GateRecord | null;
    upstream: UpstreamSummary | null;
    /** What the gate would refuse before any run, reported instead because the run's release gate is advisory. */
    advisories?: string[];
    /** The policy config the pack was given (the gate's evidence included; secrets only as digests). */
    policyConfig: Record<string, unknown>;
    preview: RunOutcome;
    update: RunOutcome | null;
    /** True when every step that ran succeeded (the update included, unless previewOnly). */
    succeeded: boolean;
}

export async function promote(source: StackSource, options: PromoteOptions): Promise<PromoteReport> {
    const release = measureRelease(source.checkout, options.version);
    const environment = environmentOf(options.target);
    const gated = environment !== undefined && UPSTREAM_OF[environment] !== undefined;
    if (gated) {
        refuseGateOverrides(options);
    }
    source.setRelease(release);
    const target = await source.stack(options.target);
    const scratchDir = source.scratchDir();
    try {
        const qualifiedTarget = await source.qualified(options.target);
        let evidence: GateEvidence | undefined;
        let upstream: UpstreamSummary | null = null;
        let gate: TrustedGate | undefined;
        if (gated) {
            const upstreamEnvironment = UPSTREAM_OF[environment!]!;
            const upstreamName = (await configValue(target, UPSTREAM_STACK_KEY)) ?? upstreamEnvironment;
            const qualifiedUpstream = await source.qualified(upstreamName);
            evidence = await readGateEvidence(source, {
                target: qualifiedTarget,
                upstream: qualifiedUpstream,
                environments: { target: environment!, upstream: upstreamEnvironment },
                candidate: release,
            });
            upstream = {
                stack: qualifiedUpstream,
                running: runningRelease(qualifiedUpstream, evidence.promotion.stagingChanges, `promote --stack ${upstreamEnvironment}`),
                resources: evidence.promotion.stagingResourceCount,
                seconds: evidence.seconds,
            };
            gate = await chooseTrustedGate(source, options.target, release.commit, scratchDir, { env: options.env, adviseOnPackChange: gateIsAdvisory(options) });
        }
        const packSource = gate?.packDir ?? options.policyPack ?? path.join(source.checkout, "policy-pack");
        const run = {
            policyPack: compilePolicyPack(packSource, scratchDir),
            // The update is held to what the preview (the gate's verdict) planned.
            plan: path.join(scratchDir, "plan.json"),
            policyConfig: policyConfigFor({ environments: environmentFacts(source.checkout), evidence, overrides: options.policyOverrides }),
            onOutput: options.onOutput,
            message: releaseMessage(release, gate && gateRecordOf(gate)),
            scratchDir,
        };
        const report = {
            target: options.target,
            version: options.version,
            release,
            gate: gate ? gateRecordOf(gate) : null,
            ...(gate?.unapprovedPackChange ? { advisories: [gate.unapprovedPackChange] } : {}),
            upstream,
            policyConfig: run.policyConfig,
        };
        // The engine checks stack policies after an update's resource steps, so the gate's binding
        // verdict is the preview's: the update runs only after a preview with the pack has passed.
        const preview = await runWithPolicies(target, "preview", run);
        if (!preview.succeeded || options.previewOnly) {
            return { ...report, preview, update: null, succeeded: preview.succeeded };
        }
        const update = await runWithPolicies(target, "update", run);
        return { ...report, preview, update, succeeded: update.succeeded };
    } finally {
        fs.rmSync(scratchDir, { recursive: true, force: true });
    }
}

/** A gated promotion is judged by the trusted pack at full strength; a preview-only check may report the release gate as advisory. */
function refuseGateOverrides(options: PromoteOptions): void {
    if (options.policyPack !== undefined) {
        throw new UsageError(
            `--policy-pack is refused for ${options.target}: a promotion to it is judged by the trusted pack (the pack of the release it runs, or the one pinned by ATLAS_GATE_COMMIT), never by a pack the candidate supplies`,
        );
    }
    const lowered = loweredGatePolicies(options.policyOverrides ?? {});
    if (lowered.length > 0 && !options.previewOnly) {
        throw new UsageError(`policy config lowers the enforcement of ${lowered.join(", ")} for an update of ${options.target}; release-gate policies stay mandatory whenever an update may follow`);
    }
}

/** A preview that lowers the release gate (a pull-request check) reports what the gate would refuse rather than refusing. */
function gateIsAdvisory(options: PromoteOptions): boolean {
    return options.previewOnly === true && loweredGatePolicies(options.policyOverrides ?? {}).length > 0;
}

function gateRecordOf(gate: GateRecord): GateRecord {
    return { source: gate.source, commit: gate.commit, ...(gate.packChange ? { packChange: gate.packChange } : {}) };
}

function environmentOf(target: string): Environment | undefined {
    const name = shortName(target);
    return isEnvironment(name) ? name : undefined;
}

/** One config value, or undefined when the stack does not set it (without decrypting any secret). */
async function configValue(stack: Stack, key: string): Promise<string | undefined> {
    try {
        return (await stack.getConfig(key)).value || undefined;
    } catch (error) {
        if (/not found|configuration key .* not found/i.test(error instanceof Error ? error.message : String(error))) {
            return undefined;
        }
        throw error;
    }
}

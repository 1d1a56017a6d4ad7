/**
 * Deploys a release to a target stack the safe way: read the upstream stack's facts from the
 * upstream stack itself, hand them to the policy pack as policy config, preview with the
 * pack, and update only when the preview passed. One code path for people, CI and the
 * offline rehearsal.
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { compilePolicyPack } from "./compiled-pack";
import { runWithPolicies, RunOutcome } from "./engine-run";
import { policyConfigFor } from "./policy-config";
import { readStackFacts, releaseMessage, StackFacts } from "./stack-facts";
import { environmentFacts } from "./stack-file-config";
import { StackSource } from "./stacks";

export const DEFAULT_POLICY_PACK = path.join(REPO_ROOT, "policy-pack");
const UPSTREAM_STACK_KEY = "atlas:upstreamStack";

export interface PromoteOptions {
    target: string;
    version: string;
    /** Stop after the preview. */
    previewOnly?: boolean;
    policyPack?: string;
    /** Policy-config overrides merged over what promote builds (e.g. enforcement levels). */
    policyOverrides?: Record<string, unknown>;
    onOutput?: (line: string) => void;
}

export interface PromoteReport {
    target: string;
    version: string;
    upstream: StackFacts | null;
    /** Why the upstream's facts were not passed to the pack (which then refuses a prod update). */
    evidenceWithheld: string | null;
    preview: RunOutcome;
    update: RunOutcome | null;
    /** True when every step that ran succeeded (the update included, unless previewOnly). */
    succeeded: boolean;
}

export async function promote(source: StackSource, options: PromoteOptions): Promise<PromoteReport> {
    const policyPack = options.policyPack ?? DEFAULT_POLICY_PACK;
    source.setReleaseVersion(options.version);
    const target = await source.stack(options.target);
    const upstreamName = await configValue(target, UPSTREAM_STACK_KEY);
    const upstream = upstreamName ? await readUpstream(source, upstreamName) : null;
    const plan = policyConfigFor({
        target: await source.qualified(options.target),
        upstream,
        environments: environmentFacts(source.projectDir),
        overrides: options.policyOverrides,
    });
    const report = { target: options.target, version: options.version, upstream, evidenceWithheld: plan.evidenceWithheld };
    const scratchDir = source.scratchDir();
    try {
        // The engine checks stack policies after an update's resource steps, so the gate's binding
        // verdict is the preview's: the update runs only after a preview with the pack has passed.
        const run = {
            policyPack: compilePolicyPack(policyPack, scratchDir),
            policyConfig: plan.config,
            onOutput: options.onOutput,
            message: releaseMessage(options.version),
            scratchDir,
        };
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

async function readUpstream(source: StackSource, name: string): Promise<StackFacts> {
    const qualified = await source.qualified(name);
    if (!(await source.exists(name))) {
        return { stack: qualified, release: undefined, releaseIsSecret: false, lastUpdate: null };
    }
    return readStackFacts(await source.stack(name), qualified);
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

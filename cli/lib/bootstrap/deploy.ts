/**
 * Deploys a bootstrap stack the way the release tooling deploys a release (gate/promote.ts): a preview with the
 * bootstrap's policy pack (bootstrap/policy-pack, compiled with the release pack's kit it imports), then, only if
 * no mandatory policy refused, the update held to that preview's plan. A bad change of bootstrap/ is refused at
 * the preview with nothing deployed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TOOLING_STACK } from "../../../bootstrap/src/accounts";
import { compilePolicyPack, hasMandatoryViolation, RunOutcome, runWithPolicies, UsageError } from "../kit";
import { BootstrapStacks } from "../stacks";

/** The bootstrap's policy pack, and the release pack's kit it imports (compiled beside it), in a checkout. */
export const BOOTSTRAP_PACK_DIR = path.join("bootstrap", "policy-pack");
const SHARED_KIT_DIR = path.join("policy-pack", "src");

export interface BootstrapDeployment {
    stack: string;
    preview: RunOutcome;
    /** Null when the preview refused or failed, or only a preview was asked for. */
    update: RunOutcome | null;
    succeeded: boolean;
}

export interface DeployOptions {
    previewOnly?: boolean;
    /** The bootstrap's pack already compiled (compiledBootstrapPack), for several stacks in a row; else compiled here. */
    compiledPack?: string;
    /** Each chunk of the engine's output. */
    onOutput?: (text: string) => void;
    /** A line as each phase starts. */
    onPhase?: (phase: string) => void;
}

/** The bootstrap's pack compiled into `outDir`, ready for `--policy-pack`. */
export function compiledBootstrapPack(checkout: string, outDir: string): string {
    return compilePolicyPack(path.join(checkout, BOOTSTRAP_PACK_DIR), outDir, { root: checkout, dirs: [path.join(checkout, SHARED_KIT_DIR)] });
}

export async function deployBootstrapStack(stacks: BootstrapStacks, name: string, options: DeployOptions = {}): Promise<BootstrapDeployment> {
    if (!stacks.names.includes(name)) {
        throw new UsageError(`no bootstrap stack "${name}": the bootstrap stacks are ${stacks.names.join(", ")}, deployed in that order`);
    }
    if (name === TOOLING_STACK) {
        // The key and bucket policies name the account stacks' roles, and AWS refuses a principal that does not exist.
        const existing = await stacks.existing();
        const missing = stacks.names.filter((n) => n !== TOOLING_STACK && !existing.has(n));
        if (missing.length > 0) {
            throw new UsageError(`deploy the account stacks before ${TOOLING_STACK}, whose policies name their roles: ${missing.join(", ")} not deployed yet`);
        }
    }
    const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bootstrap-"));
    try {
        const stack = await stacks.stack(name, { create: true });
        const run = {
            policyPack: options.compiledPack ?? compiledBootstrapPack(stacks.checkout, scratchDir),
            plan: path.join(scratchDir, "plan.json"),
            onOutput: options.onOutput,
            message: `bootstrap ${name}`,
            scratchDir,
        };
        options.onPhase?.(`previewing bootstrap stack ${name} with the bootstrap policy pack`);
        const preview = await runWithPolicies(stack, "preview", run);
        if (!preview.succeeded || options.previewOnly) {
            return { stack: name, preview, update: null, succeeded: preview.succeeded };
        }
        options.onPhase?.(`updating bootstrap stack ${name} (held to the preview's plan)`);
        const update = await runWithPolicies(stack, "update", run);
        return { stack: name, preview, update, succeeded: update.succeeded };
    } finally {
        fs.rmSync(scratchDir, { recursive: true, force: true });
    }
}

/**
 * Every bootstrap stack in order (account stacks, then tooling), the pack compiled once; stops at the first that does
 * not deploy. What a first bootstrap of an organisation, and the rehearsal's first step, do.
 */
export async function deployEveryBootstrapStack(stacks: BootstrapStacks, options: Omit<DeployOptions, "compiledPack"> = {}): Promise<BootstrapDeployment[]> {
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bootstrap-pack-"));
    try {
        const compiledPack = compiledBootstrapPack(stacks.checkout, packDir);
        const deployments: BootstrapDeployment[] = [];
        for (const name of stacks.names) {
            const deployment = await deployBootstrapStack(stacks, name, { ...options, compiledPack });
            deployments.push(deployment);
            if (!deployment.succeeded) {
                break;
            }
        }
        return deployments;
    } finally {
        fs.rmSync(packDir, { recursive: true, force: true });
    }
}

/** One line per run, then each policy's refusal and each error, for the person deploying. */
export function formatDeployment(deployment: BootstrapDeployment): string {
    const verdict = deployment.succeeded
        ? deployment.update
            ? `deployed (${changesOf(deployment.update)})`
            : `preview passed the bootstrap policy pack (${changesOf(deployment.preview)}); nothing deployed`
        : deployment.update
          ? "the update failed part-way (see its errors); deploy it again once fixed"
          : refusedByPolicy(deployment.preview)
            ? "REFUSED by the bootstrap policy pack at the preview; nothing deployed"
            : "the preview failed; nothing deployed";
    const details = [deployment.preview, deployment.update].flatMap((outcome) =>
        outcome
            ? [
                  ...outcome.violations.map((v) => `  [${v.level}] ${v.policy}: ${v.message.replace(/\n/g, "\n    ")}`),
                  ...outcome.errors.map((error) => `  error: ${error.replace(/\n/g, "\n    ")}`),
              ]
            : [],
    );
    return [`bootstrap stack ${deployment.stack}: ${verdict}`, ...details].join("\n");
}

export function refusedByPolicy(outcome: RunOutcome): boolean {
    return hasMandatoryViolation(outcome.violations);
}

function changesOf(outcome: RunOutcome): string {
    const counts = Object.entries(outcome.changes).filter(([, count]) => count > 0);
    return counts.length > 0 ? counts.map(([operation, count]) => `${operation} ${count}`).join(", ") : "no changes";
}

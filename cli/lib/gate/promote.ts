/**
 * Deploys a release to a target stack the safe way: measure the release from git, read the
 * upstream stack's history and state from the upstream stack itself, hand them to a policy pack
 * the candidate cannot change, preview with it, and update only when the preview passed. One
 * code path for people, CI and the offline rehearsal.
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import {
    compareEngineOnlyOptions,
    describeDifference,
    Difference,
    engineOnlyOptionsOf,
    Environment,
    GateRecord,
    HIDDEN_PROPERTY,
    HiddenProperty,
    hiddenPropertiesOf,
    HistoryEntry,
    loweredGatePolicies,
    OptionName,
    OptionsEntry,
    PromotionSides,
    RELEASE_GATE_POLICIES,
    RELEASE_STACK_TAG,
    ReleaseIdentity,
    releaseMessage,
    RunningRelease,
    runningRelease,
    stateChangesUntilRelease,
    UPSTREAM_OF,
    environmentOf as environmentOfStackName,
} from "../../../policy-pack/src/contract";
import { UsageError, compilePolicyPack, runWithPolicies, RunOutcome } from "../kit";
import { policyConfigFor } from "./policy-config";
import { configOfStackFileAlone, isEncryptedValue, readCheckpoint, readHistory, environmentFacts, shortName, StackSource } from "../stacks";
import { measureRelease } from "./release-identity";
import { detectDrift, DriftOptions, DriftReport, reconcileAdvice, UnexplainedDrift } from "../operations";
import { GateEvidence, readGateEvidence } from "./staging-evidence";
import { GateRefusal, TrustedGate, chooseTrustedGate } from "./trusted-gate";

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
    /** Called as each phase starts (`reading staging's history and state`, `previewing prod with the policy pack`, …): progress output. */
    onPhase?: (phase: string) => void;
    /** Where the pinned gate setting is read from (default: this process's environment). */
    env?: NodeJS.ProcessEnv;
    /** Called once the preview has passed, before the update starts (progress output; a test's way in between). */
    onPreviewPassed?: (preview: RunOutcome) => void | Promise<void>;
    /**
     * The commit of the release tooling running this promote, when it promotes another checkout (`--checkout`): for
     * a gated target it must be the judging commit, so nothing of the candidate builds the gate's evidence.
     */
    toolingCommit?: string;
    /** Which engine events the upstream's drift check reads (all by default): tests drop some to prove the gate fails closed. */
    upstreamDriftEvents?: DriftOptions["readsEvent"];
}

/**
 * The AWS profile (a named set of credentials) with read access to the upstream's account, for the drift check of
 * prod's promotion: the refresh preview of staging reads staging's cloud, which prod's deploy role cannot.
 */
export const UPSTREAM_PROFILE_ENV = "ATLAS_UPSTREAM_AWS_PROFILE";

export interface UpstreamSummary {
    stack: string;
    /** Which release the upstream runs, as its history says. */
    running: RunningRelease;
    resources: number;
    /** Seconds spent reading its history and state. */
    seconds: number;
    /** Whether its cloud still is what its state says (a refresh preview); absent when it has no state yet. */
    drift?: { checkedResources: number; drifted: number; seconds: number };
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
    /** Whose release tooling built a gated promotion's evidence: the judging commit's, or the candidate's own. */
    tooling?: ToolingRecord;
    /** Why promote refused to update after the preview: what the preview shows that no policy could see. */
    refusedBeforeUpdate?: string;
    /** Why an update that applied is still not the release: what its state shows that no policy could see. */
    failedAfterUpdate?: string;
}

export interface ToolingRecord {
    commit: string;
    /** True when the tooling is the judging commit's (the trusted path), false when it is the candidate's. */
    trusted: boolean;
}

export async function promote(source: StackSource, options: PromoteOptions): Promise<PromoteReport> {
    const release = measureRelease(source.checkout, options.version);
    const environment = environmentOf(options.target);
    const gated = isGatedTarget(options.target);
    /** How messages name the two stacks of a gated promotion: never "prod" and "staging" for whichever they are. */
    const sides: PromotionSides = { target: shortName(options.target), upstream: gated ? UPSTREAM_OF[environment!]! : "" };
    if (gated) {
        refuseGateOverrides(options);
    }
    source.setRelease(release);
    const target = await source.stack(options.target);
    const scratchDir = source.scratchDir();
    const inFlight = new InFlight();
    try {
        const qualifiedTarget = await source.qualified(options.target);
        let evidence: GateEvidence | undefined;
        let upstream: UpstreamSummary | null = null;
        let gate: TrustedGate | undefined;
        let tooling: ToolingRecord | undefined;
        const advisories: string[] = [];
        if (gated) {
            const upstreamEnvironment = sides.upstream;
            const upstreamName = (await configValue(source, target, UPSTREAM_STACK_KEY)) ?? upstreamEnvironment;
            const qualifiedUpstream = await source.qualified(upstreamName);
            // The evidence, staging's drift check and the choice of the pack do not depend on one another, so they start
            // together; the update still waits for every verdict. Each is awaited where the sequence needs it, so the
            // first failure reported is the one a run of them in turn would meet. The drift check's verdict counts only
            // when the evidence shows staging runs a known release; otherwise it is left unread.
            options.onPhase?.(`reading ${upstreamName}'s history and state (the gate's evidence)`);
            const evidenceRead = inFlight.start(
                readGateEvidence(source, {
                    target: qualifiedTarget,
                    upstream: qualifiedUpstream,
                    environments: { target: environment!, upstream: upstreamEnvironment },
                    candidate: release,
                }),
            );
            const driftCheck = inFlight.start(
                upstreamDrift(source, qualifiedUpstream, {
                    env: profileCredentials((options.env ?? process.env)[UPSTREAM_PROFILE_ENV]),
                    readsEvent: options.upstreamDriftEvents,
                }),
            );
            const gateChoice = inFlight.start(
                chooseTrustedGate(source, options.target, release.commit, scratchDir, {
                    env: options.env,
                    adviseOnPackChange: gateIsAdvisory(options),
                }),
            );
            evidence = await evidenceRead;
            upstream = {
                stack: qualifiedUpstream,
                running: runningRelease(qualifiedUpstream, evidence.promotion.stagingChanges, `promote --stack ${upstreamEnvironment}`),
                resources: evidence.promotion.stagingResourceCount,
                seconds: evidence.seconds,
            };
            // Staging's cloud is checked against the release it runs; one that runs no known release (never deployed, a
            // failed update, a refresh that found drift) is refused by the pack at the preview, with that reason.
            if (upstream.running.runs) {
                options.onPhase?.(`checking ${upstreamName}'s cloud for drift (a refresh preview)`);
                const drift = await driftCheck;
                upstream.drift = { checkedResources: drift.checkedResources, drifted: drift.drifted.length, seconds: drift.seconds };
                const refusal = upstreamDriftRefusal(drift, sides);
                if (refusal) {
                    if (!gateIsAdvisory(options)) {
                        throw new GateRefusal(refusal);
                    }
                    advisories.push(refusal);
                }
            }
            options.onPhase?.("choosing the policy pack that judges this release");
            gate = await gateChoice;
            tooling = toolingOf(release.commit, options.toolingCommit, gate, sides.target);
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
        const report: Omit<PromoteReport, "preview" | "update" | "succeeded"> = {
            target: options.target,
            version: options.version,
            release,
            gate: gate ? gateRecordOf(gate) : null,
            ...(gate?.unapprovedPackChange || advisories.length > 0
                ? { advisories: [...advisories, ...(gate?.unapprovedPackChange ? [gate.unapprovedPackChange] : [])] }
                : {}),
            upstream,
            ...(tooling ? { tooling } : {}),
            policyConfig: run.policyConfig,
        };
        // The engine checks stack policies after an update's resource steps, so the gate's binding
        // verdict is the preview's: the update runs only after a preview with the pack has passed.
        options.onPhase?.(`previewing ${options.target} with the policy pack`);
        const preview = await runWithPolicies(target, "preview", run);
        const unseenBefore = evidence ? unseenOptions(evidence, preview.steps ?? [], OPTIONS_IN_PREVIEW) : [];
        const hiddenBefore = evidence ? hiddenPropertiesOf(preview.steps ?? []) : [];
        if (unseenBefore.length > 0 || hiddenBefore.length > 0) {
            const refusal = [
                ...(unseenBefore.length > 0 ? [unseenOptionsRefusal(unseenBefore, sides)] : []),
                ...(hiddenBefore.length > 0 ? [hiddenPropertiesRefusal(hiddenBefore, options.target, "would set")] : []),
            ].join("\n");
            if (!gateIsAdvisory(options)) {
                return { ...report, preview, update: null, succeeded: false, refusedBeforeUpdate: refusal };
            }
            report.advisories = [...(report.advisories ?? []), refusal];
        }
        if (!preview.succeeded || options.previewOnly) {
            return { ...report, preview, update: null, succeeded: preview.succeeded };
        }
        await options.onPreviewPassed?.(preview);
        if (evidence) {
            await refuseIfUpstreamMoved(source, evidence, sides.target);
        }
        options.onPhase?.(`updating ${options.target} with the policy pack (held to the preview's plan)`);
        const update = await runWithPolicies(target, "update", run);
        const state = evidence && update.succeeded ? await readCheckpoint(source, qualifiedTarget) : [];
        const unseenAfter = evidence ? unseenOptions(evidence, state, OPTIONS_IN_STATE) : [];
        const hiddenAfter = hiddenPropertiesOf(state);
        if (unseenAfter.length > 0 || hiddenAfter.length > 0) {
            const failure = [
                ...(unseenAfter.length > 0 ? [unseenOptionsAfterUpdate(unseenAfter, sides)] : []),
                ...(hiddenAfter.length > 0
                    ? [
                          `${hiddenPropertiesRefusal(hiddenAfter, options.target, "now holds")} The release is not recorded as ${options.target}'s; roll back through ${sides.upstream}.`,
                      ]
                    : []),
            ].join("\n");
            return { ...report, preview, update, succeeded: false, failedAfterUpdate: failure };
        }
        if (update.succeeded) {
            // Where `pulumi stack ls` and a backend's console show it; never on a resource (a quiet release).
            await target.setTag(RELEASE_STACK_TAG, release.version);
        }
        return { ...report, preview, update, succeeded: update.succeeded };
    } finally {
        await inFlight.settled(); // a read left unread (a refusal came first) still writes to the scratch directory
        fs.rmSync(scratchDir, { recursive: true, force: true });
    }
}

/** Work started ahead of its use: awaited where it is needed, and all of it settled before promote returns. */
class InFlight {
    private readonly started: Promise<unknown>[] = [];

    /** `work`, with its failure left for whoever awaits it (none is reported as unhandled when nobody does). */
    start<T>(work: Promise<T>): Promise<T> {
        this.started.push(work.catch(() => undefined));
        return work;
    }

    settled(): Promise<unknown> {
        return Promise.all(this.started);
    }
}

/** Options no policy sees (engine-only-options.ts): prod's preview steps carry retainOnDelete, only its state replaceOnChanges. */
const OPTIONS_IN_PREVIEW: readonly OptionName[] = ["retainOnDelete"];
const OPTIONS_IN_STATE: readonly OptionName[] = ["retainOnDelete", "replaceOnChanges"];

function unseenOptions(evidence: GateEvidence, prod: readonly OptionsEntry[], compared: readonly OptionName[]): Difference[] {
    return compareEngineOnlyOptions(evidence.stagingOptions, engineOnlyOptionsOf(prod), compared);
}

/** Properties named `__proto__` (hidden-properties.ts): no policy can judge them, so a gated target never takes one. */
function hiddenPropertiesRefusal(hidden: readonly HiddenProperty[], target: string, verb: string): string {
    return [
        `${target} ${verb} ${hidden.length} propert${hidden.length === 1 ? "y" : "ies"} named ${HIDDEN_PROPERTY}, which no policy can see (CrossGuard's deserializer turns it into a prototype), so parity cannot judge ${hidden.length === 1 ? "it" : "them"}:`,
        ...hidden.map((h) => `  - ${h.resource} ${h.path}`),
        `To fix: rename the key (no AWS setting needs one named ${HIDDEN_PROPERTY}).`,
    ].join("\n");
}

function unseenOptionsRefusal(differences: readonly Difference[], sides: PromotionSides): string {
    const { target, upstream } = sides;
    return [
        `${target} would run resource options that ${upstream} does not, in ${differences.length} place(s) (options the engine never shows a policy, compared by promote with ${upstream}'s state); nothing was updated:`,
        ...differences.map((d) => `  - ${describeDifference(d, sides)}`),
        `To fix: set the same resource options in every environment (never branch on the environment's name), or change ${upstream} first, then promote.`,
    ].join("\n");
}

function unseenOptionsAfterUpdate(differences: readonly Difference[], sides: PromotionSides): string {
    const { target, upstream } = sides;
    return [
        `${target}'s update applied, but its state now records resource options that ${upstream} does not run, in ${differences.length} place(s) (replaceOnChanges is recorded only once deployed, never shown to a policy or a preview):`,
        ...differences.map((d) => `  - ${describeDifference(d, sides)}`),
        `The release is not recorded as ${target}'s (no ${RELEASE_STACK_TAG} tag). To repair: roll back through ${upstream} (promote the release ${target} ran before to ${upstream}, then to ${target}), or promote a release whose options ${upstream} runs.`,
    ].join("\n");
}

/**
 * Staging and prod are deployed by different workflow runs that share no lock, so staging may have moved while prod's
 * preview ran; the engine's own policy run of the update would judge it by the evidence the preview had. Prod's update
 * goes ahead only when staging's newest state change is still the one the preview was judged against.
 */
async function refuseIfUpstreamMoved(source: StackSource, evidence: GateEvidence, target: string): Promise<void> {
    const stack = evidence.promotion.stagingStack;
    const now = stateChangesUntilRelease(await readHistory(source, stack, (entries) => stateChangesUntilRelease(entries).done)).changes[0];
    const then = evidence.promotion.stagingChanges[0];
    const key = (entry: HistoryEntry | undefined) => (entry ? JSON.stringify([entry.kind, entry.result, entry.startTime, entry.message]) : "none");
    if (key(now) !== key(then)) {
        throw new GateRefusal(
            `${stack} changed while ${target} was being promoted: the preview was judged against its change of ${then?.startTime ?? "(none)"}, and its newest is now ${now ? `${now.kind} ${now.result} at ${now.startTime}` : "(none)"}; nothing was updated. Promote ${target} again: it is judged against what ${stack} runs now.`,
        );
    }
}

/**
 * Which tooling built the evidence. Promoting another checkout (`toolingCommit`, `--checkout`) is the trusted path and
 * must run from the judging commit: tooling of any other commit is refused before the preview, since it could have
 * shaped the evidence. Promoting its own checkout, the tooling is the candidate's: reported, trusted only when the
 * candidate is the judging commit (a first deployment).
 */
function toolingOf(candidateCommit: string, toolingCommit: string | undefined, gate: GateRecord, target: string): ToolingRecord {
    if (toolingCommit !== undefined && toolingCommit !== gate.commit) {
        throw new UsageError(
            `this promote runs from commit ${toolingCommit.slice(0, 12)}, but ${target} is judged by commit ${gate.commit.slice(0, 12)} (${gateOrigin(gate.source, target)}); run promote from a clean checkout of that commit (git worktree add ../gate ${gate.commit} && cd ../gate && npm ci --ignore-scripts) with --checkout <the candidate's checkout>`,
        );
    }
    const commit = toolingCommit ?? candidateCommit;
    return { commit, trusted: commit === gate.commit };
}

function gateOrigin(source: GateRecord["source"], target: string): string {
    return {
        pinned: "pinned by ATLAS_GATE_COMMIT",
        "prod-release": `the release ${target} runs`,
        bootstrap: `${target}'s first deployment: the candidate itself`,
    }[source];
}

/** The upstream's read profile for its drift check; the job's own key variables (prod's role) would win over it. */
/** The CLI's (and the provider's) credentials: the named profile's, in place of any in the environment; none named: the ambient ones. */
function profileCredentials(profile: string | undefined): Record<string, string> {
    return profile ? { AWS_PROFILE: profile, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "" } : {};
}

/** The upstream's drift check; a report that cannot account for what the engine counts is kept, to be refused. */
async function upstreamDrift(source: StackSource, stack: string, options: DriftOptions): Promise<DriftReport> {
    try {
        return await detectDrift(source, stack, options);
    } catch (error) {
        if (error instanceof UnexplainedDrift) {
            return error.report;
        }
        throw error;
    }
}

/** Staging's cloud is not what staging's state says: prod would be judged against a staging that no longer exists. */
function upstreamDriftRefusal(drift: DriftReport, { upstream, target }: PromotionSides): string | undefined {
    if (drift.engineChanged !== drift.drifted.length) {
        return `${upstream}'s drift check cannot account for what the engine found: ${new UnexplainedDrift(drift).message}. ${target} is not promoted while ${upstream}'s cloud cannot be shown to be its release.`;
    }
    if (drift.drifted.length === 0) {
        return undefined;
    }
    const listed = drift.drifted.map((r) =>
        r.change === "deleted"
            ? `${r.label} deleted outside Pulumi`
            : `${r.label} ${r.properties.map((p) => `${p.path}: state ${p.recorded}, cloud ${p.cloud}`).join("; ")}`,
    );
    return [
        `${upstream} has drifted from its last release: its cloud differs from its state in ${drift.drifted.length} resource(s), so it no longer shows what ${target} would run:`,
        ...listed.map((line) => `  - ${line}`),
        `${reconcileAdvice(upstream)} Then promote ${target} again.`,
    ].join("\n");
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
        throw new UsageError(
            `policy config lowers the enforcement of ${lowered.join(", ")} for an update of ${options.target}; release-gate policies stay mandatory whenever an update may follow`,
        );
    }
}

/** A preview that lowers the release gate (a pull-request check) reports what the gate would refuse rather than refusing. */
function gateIsAdvisory(options: PromoteOptions): boolean {
    return options.previewOnly === true && loweredGatePolicies(options.policyOverrides ?? {}).length > 0;
}

function gateRecordOf(gate: GateRecord): GateRecord {
    return { source: gate.source, commit: gate.commit, ...(gate.packChange ? { packChange: gate.packChange } : {}) };
}

/** True for a target promoted from an upstream stack (prod): the gate judges it. */
export function isGatedTarget(target: string): boolean {
    const environment = environmentOf(target);
    return environment !== undefined && UPSTREAM_OF[environment] !== undefined;
}

/** The environment a target stack belongs to (`dev-alice` is dev), by the environment model. */
function environmentOf(target: string): Environment | undefined {
    return environmentOfStackName(shortName(target));
}

/**
 * One config value, or undefined when the stack does not set it (without decrypting any secret): from the stack file
 * the CLI reads when it alone says and holds the value in plain text, else from the CLI.
 */
async function configValue(source: StackSource, stack: Stack, key: string): Promise<string | undefined> {
    const fromFile = configOfStackFileAlone(source.projectDir, shortName(stack.name));
    const value = fromFile?.[key];
    if (fromFile && !isEncryptedValue(value)) {
        return value === undefined || value === null || value === "" ? undefined : String(value);
    }
    try {
        return (await stack.getConfig(key)).value || undefined;
    } catch (error) {
        if (/not found|configuration key .* not found/i.test(error instanceof Error ? error.message : String(error))) {
            return undefined;
        }
        throw error;
    }
}

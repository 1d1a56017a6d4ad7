/**
 * Policy 3b: parity where the engine can still stop a step. The engine analyzes each resource with
 * the resource policies before it generates that resource's step, in previews and in updates, and
 * a mandatory violation stops the update there (pkg/resource/deploy/step_generator.go); in an
 * update every input is known at that point. So each prod resource is compared with staging's
 * checkpoint for it before its step: a prod-only value that was unknown at preview (computed from
 * a resource the same update creates, or on prod's first deployment) is refused before it is
 * applied, not after. Same normalisation and message as staging-prod-parity, which still compares
 * the whole stack (dependencies, one-sided resources, generated identifiers paired exactly).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PARITY_SCHEMA, ParityConfig, unknownConfigKeys } from "../config";
import { StagingReference } from "../contract/desired-state/step-compare";
import { describeDifference } from "../contract/desired-state/compare";
import { isCompared, resourceOptions } from "../contract/desired-state/resources";
import { ENFORCEMENT_LEVELS } from "../enforcement";
import { promoteCommand, promotionSides, readPromotion, readStagingState } from "../evidence";
import { listed } from "../parity-check";
import { plannedInputs } from "../planned-state";
import { Finding, formatFinding } from "../policy-kit";
import { StackView, UNPLACED_STACK_FIX, readStackView } from "../stack-view";
import { GATED } from "../applicability";

const NAME = "staging-prod-parity-at-step";

type Evidence = { ok: true; reference: StagingReference; candidateDirectory: string } | { ok: false; findings: Finding[] };

/**
 * The evidence read and staging's reference built once per run: the engine hands every Analyze call the same
 * config objects, and parsing staging's state per resource would cost its size once per resource.
 */
const evidenceCache = new WeakMap<object, { promotion: unknown; evidence: Evidence }>();

function evidenceFor(view: StackView, config: ParityConfig): Evidence {
    const key = (config.stagingState ?? config) as object;
    const cached = evidenceCache.get(key);
    if (cached && cached.promotion === config.promotion) {
        return cached.evidence;
    }
    const evidence = readEvidence(view, config);
    evidenceCache.set(key, { promotion: config.promotion, evidence });
    return evidence;
}

function readEvidence(view: StackView, config: ParityConfig): Evidence {
    const unknownKeys = unknownConfigKeys(config, PARITY_SCHEMA);
    if (unknownKeys.length > 0) {
        return {
            ok: false,
            findings: [
                {
                    problem: `policy config for "${NAME}" has unknown key(s) ${unknownKeys.join(", ")}`,
                    fix: "correct the --policy-pack-config file (see policy-pack/README.md, Policy config)",
                },
            ],
        };
    }
    const promotion = readPromotion(view, config);
    const state = readStagingState(view, config);
    if (!promotion.ok || !state.ok) {
        return { ok: false, findings: [...(promotion.ok ? [] : promotion.findings), ...(state.ok ? [] : state.findings)] };
    }
    const { environments, resources } = state.value;
    return {
        ok: true,
        reference: new StagingReference(resources, environments.staging, environments.prod),
        candidateDirectory: promotion.value.candidateDirectory,
    };
}

/** Evidence problems are reported once per run: the stack policies list them in full. */
let reportedMissingEvidence = false;

export const stagingProdParityAtStep: ResourceValidationPolicy = {
    name: NAME,
    description: "Each prod resource must equal what staging runs for it, checked before its step (an update stops there, before applying it).",
    enforcementLevel: ENFORCEMENT_LEVELS[NAME],
    configSchema: PARITY_SCHEMA,
    validateResource: async (args, reportViolation) => {
        const read = readStackView([{ urn: args.urn, type: args.type } as never]);
        if (!read.ok) {
            reportViolation(formatFinding("this stack", { problem: read.problem, fix: UNPLACED_STACK_FIX }, ENFORCEMENT_LEVELS[NAME]), args.urn);
            return;
        }
        const view: StackView = read.view;
        if (!GATED.includes(view.environment) || !isCompared(args.type)) {
            return;
        }
        const config = args.getConfig<ParityConfig>();
        const evidence = evidenceFor(view, config);
        if (!evidence.ok) {
            if (!reportedMissingEvidence) {
                reportedMissingEvidence = true;
                const { findings } = evidence;
                reportViolation(
                    formatFinding(
                        `stack "${view.stack}"`,
                        { problem: findings.map((f) => f.problem).join("; "), fix: findings[0].fix },
                        ENFORCEMENT_LEVELS[NAME],
                    ),
                    args.urn,
                );
            }
            return;
        }
        const { reference, candidateDirectory } = evidence;
        const inputs = await plannedInputs(args.props, candidateDirectory);
        const options = resourceOptions(args.opts);
        const differences = reference.compare({ urn: args.urn, type: args.type, inputs, protect: args.opts.protect === true, ...(options ? { options } : {}) });
        if (differences.length > 0) {
            const sides = promotionSides(view);
            const { target, upstream } = sides;
            reportViolation(
                formatFinding(
                    `stack "${view.stack}"`,
                    {
                        problem: `${target} differs from what ${upstream} runs in ${differences.length} place(s) (environment-specific values set aside), found before this resource's step:\n${listed(differences, (d) => describeDifference(d, sides))}`,
                        fix: `make the code and Pulumi.${target}.yaml produce what ${upstream} runs (never branch on the environment's name), or change ${upstream} first (${promoteCommand(upstream)}), then promote; an update refused here applied only the steps before this resource`,
                    },
                    ENFORCEMENT_LEVELS[NAME],
                ),
                args.urn,
            );
        }
    },
};

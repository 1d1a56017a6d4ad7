/**
 * Reads the release tooling's evidence from a policy's config (see contract/promotion-evidence.ts)
 * for the policy under evaluation. Each reader fails closed: missing or malformed evidence is a
 * finding that says where the evidence comes from and what to do.
 */
import { PromotionSides } from "./contract/desired-state/compare";
import { UPSTREAM_OF } from "./contract/environment-identity";
import { PromotionEvidence, StagingStateEvidence, parsePromotionEvidence, parseStagingState } from "./contract/promotion-evidence";
import { ParityConfig, ReleaseGateConfig } from "./config";
import { sameJson } from "./contract/canonical";
import { Finding, unreadable } from "./policy-kit";
import { StackView, namesStack } from "./stack-view";

/** The command that deploys a release to a stack (the only way a gated stack is updated). */
export function promoteCommand(stack: string, version = "<release>"): string {
    return `npm run promote -- --stack ${stack} --version ${version}`;
}

/** For policies' static remediation steps, which name no stack. */
export const PROMOTE_COMMAND = promoteCommand("<stack>");

/** This stack and the environment the model promotes it from, as messages name them. */
export function promotionSides(view: Pick<StackView, "stack" | "environment">): PromotionSides {
    return { target: view.stack, upstream: UPSTREAM_OF[view.environment] ?? "(an environment the model promotes it from)" };
}

type Read<T> = { ok: true; value: T } | { ok: false; findings: Finding[] };

function fixTooling(sides: PromotionSides): string {
    return `run \`${promoteCommand(sides.target)}\`, which reads ${sides.upstream}'s history and state and measures the release from git; do not write this policy config by hand`;
}

export function readPromotion(view: StackView, config: ReleaseGateConfig): Read<PromotionEvidence> {
    const sides = promotionSides(view);
    if (config.promotion === undefined) {
        return {
            ok: false,
            findings: [
                {
                    problem: `this ${sides.target} update carries no evidence from the release tooling (policy config \`promotion\`): which release ${sides.upstream} runs, and which release this is, are unknown`,
                    fix: `run \`${promoteCommand(sides.target)}\` instead of \`pulumi up\``,
                },
            ],
        };
    }
    const parsed = parsePromotionEvidence(config.promotion, "policy config `promotion`");
    if (!parsed.ok) {
        return { ok: false, findings: unreadable(parsed.problems, fixTooling(sides)) };
    }
    if (!namesStack(parsed.value.targetStack, view)) {
        return {
            ok: false,
            findings: [
                {
                    problem: `policy config \`promotion\` is for stack "${parsed.value.targetStack}", not for this stack (${view.project}/${view.stack})`,
                    fix: fixTooling(sides),
                },
            ],
        };
    }
    return { ok: true, value: parsed.value };
}

export function readStagingState(view: StackView, config: ParityConfig): Read<StagingStateEvidence> {
    const sides = promotionSides(view);
    if (config.stagingState === undefined) {
        return {
            ok: false,
            findings: [
                {
                    problem: `this ${sides.target} update carries no record of what ${sides.upstream} runs (policy config \`stagingState\`), so ${sides.target} cannot be compared with it`,
                    fix: `run \`${promoteCommand(sides.target)}\` instead of \`pulumi up\``,
                },
            ],
        };
    }
    // Each parity policy gets its own copy of staging's state (the engine hands a policy only its block of
    // the config). One parse serves them all, so they share its normalisers and what those have read
    // (EnvironmentNormaliser.of keys them on these objects); a copy is checked equal before it is shared.
    if (lastStagingState && (lastStagingState.source === config.stagingState || sameJson(lastStagingState.source, config.stagingState))) {
        return { ok: true, value: lastStagingState.value };
    }
    const parsed = parseStagingState(config.stagingState, "policy config `stagingState`");
    if (!parsed.ok) {
        return { ok: false, findings: unreadable(parsed.problems, fixTooling(sides)) };
    }
    lastStagingState = { source: config.stagingState, value: parsed.value };
    return { ok: true, value: parsed.value };
}

let lastStagingState: { source: unknown; value: StagingStateEvidence } | undefined;

/** The upstream stack the evidence describes, when it is this project's stack of the environment the model promotes this one from. */
export function checkStagingStack(view: StackView, promotion: PromotionEvidence): Finding[] {
    const { upstream } = promotionSides(view);
    return namesStack(promotion.stagingStack, { project: view.project, stack: upstream })
        ? []
        : [
              {
                  problem: `the release tooling read "${promotion.stagingStack}", not this project's ${upstream} stack (<organization>/${view.project}/${upstream})`,
                  fix: `set atlas:upstreamStack in Pulumi.${view.stack}.yaml to this project's ${upstream} stack`,
              },
          ];
}

/**
 * Reads the release tooling's evidence from a policy's config (see contract/promotion-evidence.ts)
 * for the policy under evaluation. Each reader fails closed: missing or malformed evidence is a
 * finding that says where the evidence comes from and what to do.
 */
import { PromotionEvidence, StagingStateEvidence, parsePromotionEvidence, parseStagingState } from "./contract/promotion-evidence";
import { ParityConfig, ReleaseGateConfig } from "./config";
import { sameJson } from "./contract/canonical";
import { Finding, unreadable } from "./policy-kit";
import { StackView, namesStack } from "./stack-view";

export const PROMOTE_COMMAND = "npm run promote -- --stack prod --version <release>";
export const DEPLOY_STAGING_COMMAND = "npm run promote -- --stack staging --version <release>";

type Read<T> = { ok: true; value: T } | { ok: false; findings: Finding[] };

const FIX_TOOLING = `run \`${PROMOTE_COMMAND}\`, which reads staging's history and state and measures the release from git; do not write this policy config by hand`;

export function readPromotion(view: StackView, config: ReleaseGateConfig): Read<PromotionEvidence> {
    if (config.promotion === undefined) {
        return {
            ok: false,
            findings: [
                {
                    problem:
                        "this prod update carries no evidence from the release tooling (policy config `promotion`): which release staging runs, and which release this is, are unknown",
                    fix: `run \`${PROMOTE_COMMAND}\` instead of \`pulumi up\``,
                },
            ],
        };
    }
    const parsed = parsePromotionEvidence(config.promotion, "policy config `promotion`");
    if (!parsed.ok) {
        return { ok: false, findings: unreadable(parsed.problems, FIX_TOOLING) };
    }
    if (!namesStack(parsed.value.targetStack, view)) {
        return {
            ok: false,
            findings: [
                {
                    problem: `policy config \`promotion\` is for stack "${parsed.value.targetStack}", not for this stack (${view.project}/${view.stack})`,
                    fix: FIX_TOOLING,
                },
            ],
        };
    }
    return { ok: true, value: parsed.value };
}

export function readStagingState(config: ParityConfig): Read<StagingStateEvidence> {
    if (config.stagingState === undefined) {
        return {
            ok: false,
            findings: [
                {
                    problem: "this prod update carries no record of what staging runs (policy config `stagingState`), so prod cannot be compared with it",
                    fix: `run \`${PROMOTE_COMMAND}\` instead of \`pulumi up\``,
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
        return { ok: false, findings: unreadable(parsed.problems, FIX_TOOLING) };
    }
    lastStagingState = { source: config.stagingState, value: parsed.value };
    return { ok: true, value: parsed.value };
}

let lastStagingState: { source: unknown; value: StagingStateEvidence } | undefined;

/** The staging stack the evidence describes, when it is this project's staging stack. */
export function checkStagingStack(view: StackView, promotion: PromotionEvidence): Finding[] {
    return namesStack(promotion.stagingStack, { project: view.project, stack: "staging" })
        ? []
        : [
              {
                  problem: `the release tooling read "${promotion.stagingStack}", not this project's staging stack (<organization>/${view.project}/staging)`,
                  fix: "set atlas:upstreamStack in Pulumi.prod.yaml to this project's staging stack",
              },
          ];
}

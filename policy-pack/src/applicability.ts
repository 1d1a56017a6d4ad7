/**
 * Where each policy applies, derived from the environment model (contract/environments.ts): a
 * policy names the attribute it guards, never a list of environment names.
 */
import { ENVIRONMENTS, Environment } from "./contract/environment-identity";
import {
    Audience,
    ENVIRONMENT_MODEL,
    Guardrail,
    environmentsDenying,
    environmentsProtectingState,
    environmentsWithGuardrail,
    gatedEnvironments,
} from "./contract/environments";

const names = (list: string[]): readonly Environment[] => list as Environment[];

/** Every environment: the guardrails all of them share. */
export const EVERY_ENVIRONMENT: readonly Environment[] = ENVIRONMENTS;

/** Environments promoted from another (prod from staging): the release gate and parity. */
export const GATED: readonly Environment[] = names(gatedEnvironments(ENVIRONMENT_MODEL));

/** Environments where stateful resources must be protected. */
export const PROTECTING_STATE: readonly Environment[] = names(environmentsProtectingState(ENVIRONMENT_MODEL));

/** Environments that must grant an audience nothing. */
export function denying(audience: Audience): readonly Environment[] {
    return names(environmentsDenying(audience, ENVIRONMENT_MODEL));
}

export function withGuardrail(guardrail: Guardrail): readonly Environment[] {
    return names(environmentsWithGuardrail(guardrail, ENVIRONMENT_MODEL));
}

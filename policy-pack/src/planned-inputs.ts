/**
 * Prod's resources' own inputs, as the engine hands them to resource policies (its Analyze call,
 * once per resource, before the stack policies run in the same pack process). A stack policy sees
 * only a resource's outputs, which mix the inputs with what the provider computed; with the inputs
 * recorded here, parity tells a value prod *sets* from one its provider computes, as it does for
 * staging's checkpoint.
 *
 * The recorder is a policy of its own that never reports anything. It is a release-gate policy, so
 * `promote` refuses a run that lowers or disables it, and parity refuses a custom resource whose
 * inputs were not recorded.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ENFORCEMENT_LEVELS } from "./enforcement";
import { rawProps } from "./unknowns";

const recorded = new Map<string, Record<string, unknown>>();

export const INPUTS_RECORDER = "staging-prod-parity-inputs";

export const parityInputsRecorder: ResourceValidationPolicy = {
    name: INPUTS_RECORDER,
    description: "Records each resource's inputs for staging-prod-parity (reports nothing itself).",
    enforcementLevel: ENFORCEMENT_LEVELS[INPUTS_RECORDER],
    validateResource: (args) => {
        recorded.set(args.urn, rawProps(args.props));
    },
};

/** The inputs recorded for a resource in this run, behind no proxy (secret paths as secret-paths.ts noted them). */
export function recordedInputs(urn: string): Record<string, unknown> | undefined {
    return recorded.get(urn);
}

import { STATEFUL_RESOURCE_TYPES } from "../contract/environments";
import { resourceLabel } from "../identity";
import { stackPolicy } from "../policy-kit";
import { PROTECTING_STATE } from "../applicability";

/** Guardrail: where the environment protects state (staging, prod), the engine refuses to delete stateful resources. */
export const prodStatefulProtected = stackPolicy<object>({
    name: "prod-stateful-protected",
    description: "Where the environment protects state, every stateful resource (KMS keys, buckets, Glue databases, log groups) must be protected.",
    environments: PROTECTING_STATE,
    remediationSteps: "Set atlas:protectStatefulResources to true (it is a parity key, so set it in staging too).",
    check: (view) =>
        view.resources
            .filter((r) => STATEFUL_RESOURCE_TYPES.includes(r.type) && !r.opts.protect)
            .map((resource) => ({
                resource,
                problem: `${resourceLabel(resource)} is not protected`,
                fix: "set atlas:protectStatefulResources: true so the program passes protect: true",
            })),
});

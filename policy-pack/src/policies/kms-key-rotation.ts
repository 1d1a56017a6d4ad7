import { resourceLabel } from "../identity";
import { stackPolicy } from "../policy-kit";

/** Guardrail: customer-managed KMS keys rotate. */
export const kmsKeyRotation = stackPolicy<object>({
    name: "kms-key-rotation",
    description: "Every KMS key must have automatic key rotation enabled.",
    environments: ["dev", "staging", "prod"],
    remediationSteps: "Set enableKeyRotation: true on the key.",
    check: (view) =>
        view.resources
            .filter((r) => r.type === "aws:kms/key:Key" && r.props.enableKeyRotation !== true)
            .map((resource) => ({
                resource,
                problem: `${resourceLabel(resource)} does not rotate (enableKeyRotation is not true)`,
                fix: "set enableKeyRotation: true",
            })),
});

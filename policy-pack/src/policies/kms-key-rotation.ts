import { resourceLabel } from "../identity";
import { stackPolicy } from "../policy-kit";
import { EVERY_ENVIRONMENT } from "../applicability";

/** Guardrail: customer-managed KMS keys rotate. */
export const kmsKeyRotation = stackPolicy<object>({
    name: "kms-key-rotation",
    description: "Every KMS key must have automatic key rotation enabled.",
    environments: EVERY_ENVIRONMENT,
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

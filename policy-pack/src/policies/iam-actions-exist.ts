import { EVERY_ENVIRONMENT } from "../applicability";
import { lookUpAction } from "../contract/access/actions";
import { resourceLabel } from "../identity";
import { iamDocuments } from "../policy-documents";
import { Finding, stackPolicy } from "../policy-kit";

/**
 * Guardrail: every Action and NotAction of every IAM policy document names a real action of AWS's
 * catalogue, and every wildcard matches one. IAM accepts `s3:GetObjcet` and grants nothing, so a
 * typo fails silently in the cloud; here it fails at the preview, with the nearest real names.
 */
export const iamActionsExist = stackPolicy<object>({
    name: "iam-actions-exist",
    description: "Every action named in an IAM policy document must exist in AWS's catalogue of IAM actions.",
    environments: EVERY_ENVIRONMENT,
    remediationSteps: "Spell the action as AWS's Service Authorization Reference does (service:Action), or drop it.",
    check: async (view) => {
        const findings: Finding[] = [];
        for (const { resource, what, known, document } of iamDocuments(view.resources)) {
            if (!known || !document.ok) {
                continue; // unknown at preview: judged once known; invalid JSON: refused by the principal checks and by AWS
            }
            for (const statement of document.statements) {
                for (const [element, entries] of [
                    ["Action", statement.actions],
                    ["NotAction", statement.notActions],
                ] as const) {
                    for (const entry of entries) {
                        const lookup = await lookUpAction(entry);
                        if (lookup.kind === "unknown") {
                            findings.push({
                                resource,
                                problem: `the ${what} of ${resourceLabel(resource)}${statement.sid ? ` (statement ${statement.sid})` : ""} names ${element} "${entry}": ${lookup.problem}, so IAM accepts it and it ${element === "Action" ? "grants" : "excludes"} nothing`,
                                fix:
                                    lookup.nearest.length > 0
                                        ? `use the real action meant: ${lookup.nearest.join(", ")}`
                                        : "name a real action (AWS's Service Authorization Reference lists them), or remove it",
                            });
                        }
                    }
                }
            }
        }
        return findings;
    },
});

import { denying } from "../applicability";
import { ENVIRONMENT_MODEL, environmentsGranting, oneOf } from "../contract/environments";
import { CONSUMER_ACCESS_SCHEMA, ConsumerAccessConfig, DEVELOPER_ACCESS_SCHEMA, DeveloperAccessConfig } from "../config";
import { readIdentity, resourceLabel } from "../identity";
import { allowedAmong, resourceDocuments } from "../policy-documents";
import { Finding, stackPolicy } from "../policy-kit";
import { StackView } from "../stack-view";

/** Guardrail: staging and prod give developers nothing (ADR-0041: developers stay out of staging). */
export const noDeveloperAccess = stackPolicy<DeveloperAccessConfig>({
    name: "no-developer-access",
    description: "Staging and prod must grant nothing to developer principals.",
    environments: denying("developers"),
    configSchema: DEVELOPER_ACCESS_SCHEMA,
    remediationSteps: "Grant developers access only in dev (atlas:developerPrincipals is honoured in dev only).",
    check: (view, config) => {
        const identity = readIdentity(view);
        if (!identity.ok) {
            return identity.findings;
        }
        const developers = new Set([...identity.value.developerPrincipals, ...(config.developerPrincipals ?? [])]);
        return grantsTo(view, "developer", developers, "remove the grant; developers use dev");
    },
});

/** Guardrail: only prod serves consumers. */
export const consumerAccessProdOnly = stackPolicy<ConsumerAccessConfig>({
    name: "consumer-access-prod-only",
    description: "Only prod may grant consumer principals access.",
    environments: denying("consumers"),
    configSchema: CONSUMER_ACCESS_SCHEMA,
    remediationSteps: "Leave atlas:consumerPrincipals empty outside prod; create consumer-* resources only in prod.",
    check: (view, config) => {
        const identity = readIdentity(view);
        if (!identity.ok) {
            return identity.findings;
        }
        const consumers = new Set([...identity.value.consumerPrincipals, ...(config.consumerPrincipals ?? [])]);
        return grantsTo(
            view,
            "consumer",
            consumers,
            `clear atlas:consumerPrincipals in Pulumi.${view.stack}.yaml; consumers use ${oneOf(environmentsGranting("consumers", ENVIRONMENT_MODEL))}`,
        );
    },
});

/**
 * Resources of the audience's environment-specific role (`developer-*`, `consumer-*`, see
 * ENVIRONMENT_SPECIFIC_RESOURCE_ROLES) and resource policies that let the audience in.
 */
function grantsTo(view: StackView, audience: "developer" | "consumer", principals: ReadonlySet<string>, fix: string): Finding[] {
    const roleResources = view.resources
        .filter((r) => r.name.startsWith(`${audience}-`))
        .map((resource): Finding => ({ resource, problem: `${resourceLabel(resource)} is a ${audience} resource in ${view.environment}`, fix }));
    const grants = resourceDocuments(view.resources).flatMap(({ resource, what, document }): Finding[] => {
        if (!document.ok) {
            return [
                {
                    resource,
                    problem: `the ${what} of ${resourceLabel(resource)} ${document.problem}, so who it grants cannot be checked`,
                    fix: "make it a valid IAM policy document",
                },
            ];
        }
        return allowedAmong(document.statements, principals).map((principal) => ({
            resource,
            problem: `the ${what} of ${resourceLabel(resource)} allows ${principal === "*" ? `everyone (so every ${audience})` : `${audience} principal ${principal}`} in ${view.environment}`,
            fix,
        }));
    });
    return [...roleResources, ...grants];
}

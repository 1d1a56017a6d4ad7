import { PolicyProviderResource } from "@pulumi/policy";
import { canonicalJson } from "../contract/canonical";
import { readIdentity, resourceLabel } from "../identity";
import { Finding, stackPolicy } from "../policy-kit";
import { StackView } from "../stack-view";
import { EVERY_ENVIRONMENT } from "../applicability";

/**
 * Guardrail: every AWS resource goes through a provider that tags it with the stack's
 * environment and can only reach the stack's account. Checked once per provider.
 */
export const providerEnvironmentAndAccount = stackPolicy<object>({
    name: "provider-environment-and-account",
    description:
        "Every AWS resource must use a provider whose defaultTags.environment is the stack's environment and whose allowedAccountIds is exactly the stack's account.",
    environments: EVERY_ENVIRONMENT,
    remediationSteps:
        "Create every AWS resource with the program's explicit provider (defaultTags from atlas:environment, allowedAccountIds from atlas:awsAccountId).",
    check: (view) => {
        const identity = readIdentity(view);
        if (!identity.ok) {
            return identity.findings;
        }
        const providers = new Map<string, { provider: PolicyProviderResource; user: string }>();
        const findings: Finding[] = [];
        for (const resource of view.resources.filter((r) => r.type.startsWith("aws:"))) {
            if (!resource.provider) {
                findings.push({ resource, problem: `${resourceLabel(resource)} has no provider`, fix: "create it with the program's explicit aws provider" });
            } else if (!providers.has(resource.provider.urn)) {
                providers.set(resource.provider.urn, { provider: resource.provider, user: resourceLabel(resource) });
            }
        }
        for (const { provider, user } of providers.values()) {
            findings.push(...checkProvider(view, provider, user, identity.value.awsAccountId));
        }
        return findings;
    },
});

function checkProvider(view: StackView, provider: PolicyProviderResource, user: string, awsAccountId: string): Finding[] {
    const resource = view.resources.find((r) => r.urn === provider.urn);
    const label = `provider "${provider.name}" (used by ${user} and maybe others)`;
    const fix = "use the program's explicit aws provider, not a default or hand-made one";
    const findings: Finding[] = [];
    const tags = decodeSetting(provider.props.defaultTags) as { tags?: Record<string, unknown> } | undefined;
    const environmentTag = tags?.tags?.environment;
    if (environmentTag !== view.environment) {
        findings.push({
            resource,
            problem: `${label} tags resources with environment ${environmentTag === undefined ? "(none)" : JSON.stringify(environmentTag)}, not ${view.environment}`,
            fix,
        });
    }
    const allowed = decodeSetting(provider.props.allowedAccountIds);
    if (canonicalJson(allowed) !== canonicalJson([awsAccountId])) {
        findings.push({
            resource,
            problem: `${label} has allowedAccountIds ${allowed === undefined ? "(none)" : canonicalJson(allowed)}, not exactly ["${awsAccountId}"] (this stack's account)`,
            fix,
        });
    }
    return findings;
}

/** Provider state keeps non-string settings as JSON text; accept either form. */
function decodeSetting(value: unknown): unknown {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

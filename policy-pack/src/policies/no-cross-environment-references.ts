import { PolicyResource } from "@pulumi/policy";
import { ENVIRONMENT_IDENTITY_OUTPUT, Environment } from "../contract/environment-identity";
import { CROSS_ENVIRONMENT_SCHEMA, CrossEnvironmentConfig, EnvironmentAddress } from "../config";
import { readIdentity, resourceLabel } from "../identity";
import { Finding, stackPolicy } from "../policy-kit";
import { rawProps } from "../unknowns";
import { EVERY_ENVIRONMENT } from "../applicability";

/**
 * Guardrail: a stack mentions no other environment's account id or name prefix in any resource
 * property. The stack's own outputs are exempt: prod's `upstreamRelease` names staging by design.
 * Values unknown during preview are passed over rather than refused: they are computed from other
 * resources' outputs, whose own inputs are scanned here, and the check after the update sees them.
 */
export const noCrossEnvironmentReferences = stackPolicy<CrossEnvironmentConfig>({
    name: "no-cross-environment-references",
    description: "No resource may refer to another environment's AWS account or resource name prefix.",
    environments: EVERY_ENVIRONMENT,
    configSchema: CROSS_ENVIRONMENT_SCHEMA,
    remediationSteps: "Derive every account id and name from the stack's own config (atlas:awsAccountId, atlas:namePrefix).",
    check: (view, config) => {
        const identity = readIdentity(view);
        if (!identity.ok) {
            return identity.findings;
        }
        const others = Object.entries(config.environments ?? {}).filter(([environment]) => environment !== view.environment) as [
            Environment,
            EnvironmentAddress,
        ][];
        if (others.length === 0) {
            return [
                {
                    problem: "policy config gives no other environment's account id and name prefix, so references to them cannot be checked",
                    fix: 'pass {"no-cross-environment-references": {"environments": {"dev": {...}, "staging": {...}, "prod": {...}}}} (the release tooling does)',
                },
            ];
        }
        const own = identity.value;
        const clashes = others.filter(
            ([, other]) => other.awsAccountId === own.awsAccountId || own.namePrefix.includes(other.namePrefix) || other.namePrefix.includes(own.namePrefix),
        );
        if (clashes.length > 0) {
            return [
                {
                    problem: `${clashes.map(([e]) => e).join(", ")} share(s) this stack's account id or overlap(s) its name prefix (${ENVIRONMENT_IDENTITY_OUTPUT}), so environments cannot be told apart`,
                    fix: "give every environment its own account and a name prefix that contains no other's",
                },
            ];
        }
        return view.resources
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .flatMap((resource) => others.flatMap(([environment, other]) => referencesTo(resource, environment, other)));
    },
});

function referencesTo(resource: PolicyResource, environment: Environment, other: EnvironmentAddress): Finding[] {
    return stringsIn(rawProps(resource.props), "")
        .flatMap(([path, text]) => [
            ...(text.includes(other.awsAccountId) ? [`${path} refers to ${environment}'s account`] : []),
            ...(text.includes(other.namePrefix) ? [`${path} refers to ${environment}'s name prefix`] : []),
        ])
        .map((what) => ({
            resource,
            problem: `${resourceLabel(resource)}: ${what}`,
            fix: `derive it from this stack's own config, never from ${environment}'s`,
        }));
}

/** Every string in a value with its property path; the strings are matched, never printed. */
function stringsIn(value: unknown, path: string): [string, string][] {
    if (typeof value === "string") {
        return [[path || ".", value]];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.keys(value).flatMap((key) => stringsIn((value as Record<string, unknown>)[key], `${path}.${key}`));
    }
    return [];
}

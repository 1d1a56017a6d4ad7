import { ENVIRONMENT_IDENTITY_OUTPUT, EnvironmentIdentity, parseEnvironmentIdentity } from "./contract/environment-identity";
import { Finding, unreadable } from "./policy-kit";
import { StackView } from "./stack-view";

/** The stack's `environmentIdentity` output, which must describe the environment its name says. */
export function readIdentity(view: StackView): { ok: true; value: EnvironmentIdentity } | { ok: false; findings: Finding[] } {
    const parsed = parseEnvironmentIdentity(view.outputs[ENVIRONMENT_IDENTITY_OUTPUT], `${view.stack}'s \`${ENVIRONMENT_IDENTITY_OUTPUT}\` output`);
    const fix = "export `environmentIdentity` {environment, awsAccountId, namePrefix, developerPrincipals, consumerPrincipals} from the program";
    if (!parsed.ok) {
        return { ok: false, findings: unreadable(parsed.problems, fix) };
    }
    if (parsed.value.environment !== view.environment) {
        return {
            ok: false,
            findings: [
                {
                    problem: `\`${ENVIRONMENT_IDENTITY_OUTPUT}\` says environment ${parsed.value.environment}, but this is the ${view.environment} stack`,
                    fix: `set atlas:environment to ${view.environment} in Pulumi.${view.stack}.yaml`,
                },
            ],
        };
    }
    return parsed;
}

export function resourceLabel(resource: { type: string; name: string }): string {
    return `${resource.type} "${resource.name}"`;
}

/**
 * A policy of the bootstrap's pack on the release pack's kit (policy-pack/src/policy-kit.ts: unknowns and crashes
 * refused, config checked, findings said as problem and fix). It judges every bootstrap stack alike, accounts and
 * tooling: what it guards is found by resource type and name, so the stack's name is only the subject of its messages.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Finding, guardedStackPolicy } from "../../../policy-pack/src/policy-kit";
import { stackOfResources, UNIDENTIFIED_STACK } from "../../../policy-pack/src/stack-view";
import { BOOTSTRAP_ENFORCEMENT_LEVELS, BootstrapPolicyName } from "./enforcement";

export interface BootstrapView {
    /** The bootstrap stack's name: an account stack (named after its first environment) or `tooling`. */
    stack: string;
    resources: PolicyResource[];
}

export interface BootstrapCheck {
    name: BootstrapPolicyName;
    description: string;
    remediationSteps: string;
    check: (view: BootstrapView) => Finding[] | Promise<Finding[]>;
}

export function bootstrapPolicy(spec: BootstrapCheck): StackValidationPolicy {
    const { check, ...basics } = spec;
    return guardedStackPolicy<object>({ ...basics, enforcementLevel: BOOTSTRAP_ENFORCEMENT_LEVELS[spec.name] }, (args) => {
        const found = stackOfResources(args.resources);
        if (!found) {
            return { unjudged: { problem: UNIDENTIFIED_STACK, fix: "report this to the policy-pack owners with the engine's output" } };
        }
        return { subject: `bootstrap stack "${found.stack}"`, check: () => check({ stack: found.stack, resources: args.resources }) };
    });
}

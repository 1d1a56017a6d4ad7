/**
 * What every policy needs to know about the stack under evaluation, read from the resources the
 * engine passes: the stack's name (from URNs, which the program cannot choose), its environment,
 * and its outputs (the props of `pulumi:pulumi:Stack`).
 */
import { PolicyResource } from "@pulumi/policy";
import { Environment, environmentOf } from "./contract/environment-identity";
import { ENVIRONMENT_MODEL, describeStackNames } from "./contract/environments";

export interface StackView {
    project: string;
    /** The stack's short name, as in its URNs: `prod`. */
    stack: string;
    /** The environment the stack name stands for (`dev-alice` is dev; contract/environments.ts). */
    environment: Environment;
    /** The root stack outputs (unknown values still throw on access). */
    outputs: Record<string, unknown>;
    resources: PolicyResource[];
}

/** What to do about a stack the pack cannot place in an environment. */
export const UNPLACED_STACK_FIX = "name the stack as the environment model says (policy-pack/src/contract/environments.ts; docs/environments.md)";

export type StackViewResult = { ok: true; view: StackView } | { ok: false; problem: string };

const URN = /^urn:pulumi:([^:]+)::([^:]+)::/;

/** The stack and project the engine's resources belong to, read from their URNs; undefined when there are none. */
export function stackOfResources(resources: PolicyResource[]): { stack: string; project: string } | undefined {
    const match = resources.length > 0 ? URN.exec(resources[0].urn) : null;
    return match ? { stack: match[1], project: match[2] } : undefined;
}

/** What a policy says when the engine passed no resources with a stack URN. */
export const UNIDENTIFIED_STACK = "the engine passed no resources with a stack URN, so the stack cannot be identified";

export function readStackView(resources: PolicyResource[]): StackViewResult {
    const found = stackOfResources(resources);
    if (!found) {
        return { ok: false, problem: UNIDENTIFIED_STACK };
    }
    const { stack, project } = found;
    const environment = environmentOf(stack);
    if (environment === undefined) {
        return {
            ok: false,
            problem: `stack "${stack}" belongs to no environment (stack names: ${describeStackNames(ENVIRONMENT_MODEL)}); the pack decides which rules apply from the stack name`,
        };
    }
    const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return { ok: true, view: { project, stack, environment, outputs: stackResource?.props ?? {}, resources } };
}

/** `organization/atlas/prod` names this stack when its project and stack parts match. */
export function namesStack(qualifiedName: string, view: Pick<StackView, "project" | "stack">): boolean {
    const parts = qualifiedName.split("/");
    return parts.length === 3 && parts[1] === view.project && parts[2] === view.stack;
}

/**
 * IAM statements generated from lists of actions: each action looked up in AWS's catalogue (the contract's
 * `lookUpAction`: a misspelt or unknown action stops the bootstrap, naming the nearest real ones), and granted on
 * the resources the catalogue says it can be scoped to, filled in for the environment (catalogue-arns.ts); only an
 * action the catalogue scopes to no resource type is granted on `*`.
 */
import { CatalogueAction, lookUpAction } from "../../policy-pack/src/contract";
import { Placement, scopedArn } from "./catalogue-arns";

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: { AWS: string[] };
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** The one catalogue action an entry names; anything else (unknown, a wildcard) is a mistake in a table. */
export async function catalogued(action: string): Promise<CatalogueAction> {
    const found = await lookUpAction(action);
    if (found.kind === "actions" && found.actions.length === 1) {
        return found.actions[0];
    }
    const problem =
        found.kind === "unknown" ? `${found.problem}${found.nearest.length > 0 ? ` (did you mean ${found.nearest.join(", ")}?)` : ""}` : "it is a wildcard";
    throw new Error(`the bootstrap grants "${action}", which is not one action of AWS's catalogue: ${problem}`);
}

/** True when the catalogue files the action under List or Read alone: what a read-only role may hold. */
export function isReadOnly(action: CatalogueAction): boolean {
    return action.levels.every((level) => level === "List" || level === "Read");
}

/** Allow statements for the actions, grouped by the resources each is scoped to, in a stable order. */
export async function scopedStatements(actions: readonly string[], placement: Placement, sidPrefix: string): Promise<Statement[]> {
    const groups = new Map<string, { actions: string[]; resources: string[] }>();
    for (const name of [...new Set(actions)].sort()) {
        const action = await catalogued(name);
        const arns = await Promise.all(action.resourceTypes.map((type) => scopedArn(action.service, type.name, placement)));
        const resources = arns.length === 0 ? ["*"] : [...new Set(arns)].sort();
        const key = resources.join(" ");
        const group = groups.get(key) ?? { actions: [], resources };
        group.actions.push(action.id);
        groups.set(key, group);
    }
    return [...groups.values()].map((group, index) => ({ Sid: `${sidPrefix}${index + 1}`, Effect: "Allow", Action: group.actions, Resource: group.resources }));
}

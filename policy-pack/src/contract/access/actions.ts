/**
 * Action names against the catalogue: what a pattern in Action or NotAction grants, and, for one
 * that names nothing (`s3:GetObjcet`: IAM accepts it and grants nothing), the nearest real names.
 */
import { CatalogueAction, serviceActions, serviceKeys } from "./catalogue";
import { editDistance, matches } from "./patterns";

/** What one Action or NotAction entry names. */
export type ActionLookup =
    | { kind: "every-action" } // `*`
    | { kind: "actions"; actions: CatalogueAction[] }
    | { kind: "unknown"; problem: string; nearest: string[] };

/** Looks an Action or NotAction entry up; reads only the service it names. */
export async function lookUpAction(entry: string): Promise<ActionLookup> {
    if (entry === "*") {
        return { kind: "every-action" };
    }
    const colon = entry.indexOf(":");
    if (colon <= 0) {
        return { kind: "unknown", problem: `"${entry}" is not of the form service:action`, nearest: [] };
    }
    const service = entry.slice(0, colon);
    const name = entry.slice(colon + 1);
    const actions = await serviceActions(service);
    if (actions === undefined) {
        const nearest = nearestOf(service, await serviceKeys()).map((s) => `${s}:${name}`);
        return { kind: "unknown", problem: `service "${service}" is not in AWS's catalogue of IAM actions`, nearest };
    }
    const found = actions.filter((action) => matches(name, action.name, true));
    if (found.length === 0) {
        const wildcard = /[*?]/.test(name);
        return {
            kind: "unknown",
            problem: wildcard ? `"${entry}" matches no action of ${service}` : `"${entry}" is not an action of ${service}`,
            nearest: wildcard
                ? []
                : nearestOf(
                      name,
                      actions.map((a) => a.name),
                  ).map((n) => `${service}:${n}`),
        };
    }
    return { kind: "actions", actions: found };
}

/** The closest names (edit distance), at most three, none further than half the name's length. */
function nearestOf(name: string, candidates: string[]): string[] {
    const limit = Math.max(2, Math.ceil(name.length / 2));
    return candidates
        .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
        .filter((c) => c.distance <= limit)
        .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
        .slice(0, 3)
        .map((c) => c.candidate);
}

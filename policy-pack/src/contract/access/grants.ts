/**
 * What a set of identity-policy statements allows: each action (from the catalogue) on each
 * resource pattern, less what an unconditioned Deny takes away. Conservative where it must guess,
 * for the question "may this role do X?": an Allow's condition only narrows it, so an Allow is
 * judged as if unconditioned; a conditioned Deny may not apply, so it removes nothing; NotResource
 * in an Allow is judged as `*`; NotAction in an Allow as every action.
 */
import { ACCESS_LEVELS, AccessLevel } from "../access-model";
import { lookUpAction } from "./actions";
import { Statement, isConditioned } from "./documents";
import { covers, matches, overlaps } from "./patterns";

export interface Grant {
    /** `s3:GetObject`; `*` (or `* except …` for NotAction) for every action of every service. */
    action: string;
    service: string;
    levels: readonly AccessLevel[];
    /** False when AWS defines the action on no resource type (it can only be granted on `*`). */
    takesResource: boolean;
    everyAction: boolean;
    /** The Resource pattern it is allowed on. */
    resource: string;
}

/** The grants the statements leave standing (unknown action names are skipped: iam-actions-exist reports them). */
export async function allowedGrants(statements: Statement[]): Promise<Grant[]> {
    const grants: Grant[] = [];
    for (const statement of statements.filter((s) => s.effect === "Allow")) {
        const resources = statement.notResources.length > 0 ? ["*"] : statement.resources;
        for (const action of await actionsOf(statement)) {
            grants.push(...resources.map((resource) => ({ ...action, resource })));
        }
    }
    const denies = statements.filter((s) => s.effect === "Deny" && !isConditioned(s));
    return dedupe(grants.filter((grant) => !denies.some((deny) => removes(deny, grant))));
}

async function actionsOf(statement: Statement): Promise<Omit<Grant, "resource">[]> {
    const every = (label: string) => [{ action: label, service: "*", levels: ACCESS_LEVELS, takesResource: true, everyAction: true }];
    if (statement.notActions.length > 0) {
        return every(`* except ${statement.notActions.join(", ")}`);
    }
    const found: Omit<Grant, "resource">[] = [];
    for (const entry of statement.actions) {
        const lookup = await lookUpAction(entry);
        if (lookup.kind === "every-action") {
            return every("*");
        }
        if (lookup.kind === "actions") {
            found.push(
                ...lookup.actions.map((a) => ({
                    action: a.id,
                    service: a.service,
                    levels: a.levels,
                    takesResource: a.resourceTypes.length > 0,
                    everyAction: false,
                })),
            );
        }
    }
    return found;
}

function removes(deny: Statement, grant: Grant): boolean {
    const action = grant.everyAction
        ? deny.actions.includes("*")
        : deny.actions.some((p) => matches(p, grant.action, true)) ||
          (deny.notActions.length > 0 && !deny.notActions.some((p) => matches(p, grant.action, true)));
    const resource =
        deny.resources.some((p) => covers(p, grant.resource)) || (deny.notResources.length > 0 && !deny.notResources.some((p) => overlaps(p, grant.resource)));
    return action && resource;
}

function dedupe(grants: Grant[]): Grant[] {
    const seen = new Set<string>();
    return grants.filter((g) => {
        const key = `${g.action.toLowerCase()} ${g.resource}`;
        return !seen.has(key) && (seen.add(key), true);
    });
}

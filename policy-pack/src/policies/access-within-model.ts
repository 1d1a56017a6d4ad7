import { EVERY_ENVIRONMENT } from "../applicability";
import { namesForAccess } from "../contract/access-model";
import { Grant, Verdict, allowedGrants, describeRules, describeTarget, judgeGrant } from "../contract/access";
import { ENVIRONMENT_MODEL, environmentsGranting, oneOf } from "../contract/environments";
import { readIdentity, resourceLabel } from "../identity";
import { Finding, stackPolicy } from "../policy-kit";
import { roleDocuments } from "../role-documents";

/**
 * Guardrail: every IAM role grants only what the access model (contract/access-model.ts) lets its
 * holder hold: QA and consumers read their data and run queries, the platform's services write
 * only their own environment, and nobody else holds a role.
 */
export const accessWithinModel = stackPolicy<object>({
    name: "access-within-model",
    description: "Every IAM role may grant only the access levels the access model gives its holder, on its environment's resources.",
    environments: EVERY_ENVIRONMENT,
    remediationSteps:
        "Narrow the role's policy to what policy-pack/src/contract/access-model.ts allows its holder (docs/access.md), or change that table in a reviewed commit.",
    check: async (view) => {
        const identity = readIdentity(view);
        if (!identity.ok) {
            return identity.findings;
        }
        const names = namesForAccess(identity.value.namePrefix, identity.value.awsAccountId);
        const environment = ENVIRONMENT_MODEL.find((e) => e.name === view.environment)!;
        const findings: Finding[] = [];
        for (const { role, holder, documents } of roleDocuments(view.resources)) {
            const label = resourceLabel(role);
            if (holder === undefined) {
                findings.push({
                    resource: role,
                    problem: `${label} is held by no one the access model knows: its name names no audience and its trust policy lets in more than AWS services (ADR-0041: nobody else)`,
                    fix: "remove the role, or name it for its audience (developer-, qa-, consumer-) and give it that audience's access",
                });
                continue;
            }
            if (holder !== "services" && !(environment.audiences as readonly string[]).includes(holder)) {
                findings.push({
                    resource: role,
                    problem: `${label} is a ${holder} role, but ${view.environment} grants ${holder} nothing (ADR-0041: ${holder} use ${oneOf(environmentsGranting(holder, ENVIRONMENT_MODEL))})`,
                    fix: `remove the role from ${view.environment}`,
                });
                continue;
            }
            const statements = documents.flatMap((d) => (d.known && d.document.ok ? d.document.statements : []));
            const refused = (await allowedGrants(statements)).map((grant) => judgeGrant(holder, grant, names)).filter((v) => v.rule === undefined);
            for (const group of groupByResourceAndLevel(refused)) {
                const { grant, reaches } = group[0];
                const where = reaches.length > 0 ? ` (${reaches.map(describeTarget).join(", ")})` : "";
                findings.push({
                    resource: role,
                    problem: `${label} (${holder}) may ${listed(group.map((v) => v.grant))} [${grant.levels.join(", ")}] on ${grant.resource}${where}, which the access model does not give ${holder}`,
                    fix: `remove the grant; ${holder} may hold ${describeRules(holder)} (policy-pack/src/contract/access-model.ts, docs/access.md)`,
                });
            }
        }
        return findings;
    },
});

/** Refusals of one resource and level together: `s3:*` on a zone is one finding, not a hundred. */
function groupByResourceAndLevel(verdicts: Verdict[]): Verdict[][] {
    const groups = new Map<string, Verdict[]>();
    for (const verdict of verdicts) {
        const key = `${verdict.grant.resource}\n${verdict.grant.levels.join(",")}`;
        groups.set(key, [...(groups.get(key) ?? []), verdict]);
    }
    return [...groups.values()];
}

function listed(grants: Grant[]): string {
    const shown = grants.slice(0, 4).map((g) => g.action);
    return grants.length > shown.length ? `${shown.join(", ")} and ${grants.length - shown.length} more` : shown.join(", ");
}

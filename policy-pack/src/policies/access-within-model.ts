import { EVERY_ENVIRONMENT } from "../applicability";
import { namesForAccess } from "../contract/access-model";
import { Grant, Verdict, allowedGrants, describeRules, describeTarget, judgeGrant, judgeResourcePolicy, selfOf } from "../contract/access";
import { AtlasNames } from "../contract/resource-names";
import { EnvironmentIdentity } from "../contract/environment-identity";
import { resourceDocuments } from "../policy-documents";
import { StackView } from "../stack-view";
import { ENVIRONMENT_MODEL, environmentsGranting, oneOf } from "../contract/environments";
import { readIdentity, resourceLabel } from "../identity";
import { Finding, stackPolicy } from "../policy-kit";
import { roleDocuments } from "../role-documents";

/**
 * Guardrail: every IAM role grants only what the access model (contract/access-model.ts) lets its
 * holder hold: QA and consumers read their data and run queries, the platform's services write
 * only their own environment, and nobody else holds a role. Resource policies (bucket, key, topic)
 * are judged the same way for the principals they let in.
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
            findings.push(...refusals(role, `${label} (${holder}) may`, holder, refused));
        }
        return [...findings, ...(await resourcePolicyFindings(view, identity.value, names))];
    },
});

/** Each Allow of a resource policy: a principal the model does not know is refused; a known holder gets only what the model gives it. */
async function resourcePolicyFindings(view: StackView, identity: EnvironmentIdentity, names: AtlasNames): Promise<Finding[]> {
    const known = { accountId: identity.awsAccountId, audiences: { developers: identity.developerPrincipals, consumers: identity.consumerPrincipals } };
    const findings: Finding[] = [];
    for (const { resource, what, document } of resourceDocuments(view.resources)) {
        if (what === "trust policy" || !document.ok) {
            continue; // trust: who may assume a role (the principal policies); unreadable: refused by them too
        }
        const label = `the ${what} of ${resourceLabel(resource)}`;
        for (const { statement, strangers, holders } of await judgeResourcePolicy(document.statements, selfOf(resource.type, names), known, names)) {
            const sid = statement.sid ? ` (statement ${statement.sid})` : "";
            for (const stranger of strangers) {
                findings.push({
                    resource,
                    problem: `${label}${sid} lets in ${stranger === "*" ? "everyone (*)" : stranger}, whom the access model does not know (ADR-0041: nobody else)`,
                    fix: "remove the principal; grant an audience through its role, or list its principals in the stack's config (atlas:consumerPrincipals)",
                });
            }
            for (const { holder, verdicts } of holders) {
                findings.push(
                    ...refusals(
                        resource,
                        `${label}${sid} lets ${holder}`,
                        holder,
                        verdicts.filter((v) => v.rule === undefined),
                    ),
                );
            }
        }
    }
    return findings;
}

function refusals(resource: Finding["resource"], who: string, holder: string, refused: Verdict[]): Finding[] {
    return groupByResourceAndLevel(refused).map((group) => {
        const { grant, reaches } = group[0];
        const where = reaches.length > 0 ? ` (${reaches.map(describeTarget).join(", ")})` : "";
        return {
            resource,
            problem: `${who} ${listed(group.map((v) => v.grant))} [${grant.levels.join(", ")}] on ${grant.resource}${where}, which the access model does not give ${holder}`,
            fix: `remove the grant; ${holder} may hold ${describeRules(holder as never)} (policy-pack/src/contract/access-model.ts, docs/access.md)`,
        };
    });
}

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

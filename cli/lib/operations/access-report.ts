/**
 * What each role and resource policy of a deployed stack allows, for a reviewer: per service and
 * AWS access level, the actions and the resources, read from the stack's state and judged against
 * the access model (policy-pack/src/contract/access-model.ts) as the pack judges it.
 */
import {
    AccessHolder,
    CheckpointResource,
    DOCUMENT_PROPERTIES,
    ENVIRONMENT_IDENTITY_OUTPUT,
    environmentIdentityFromConfig,
    Grant,
    IamResource,
    Statement,
    allowedGrants,
    documentsOf,
    judgeGrant,
    judgeResourcePolicy,
    selfOf,
    namesForAccess,
    parseEnvironmentIdentity,
    parsePolicyDocument,
    rolesWithDocuments,
} from "../../../policy-pack/src/contract";
import { PLANNED_UNKNOWN, StackSource, readCheckpoint, readPlan } from "../stacks";

export interface AccessRow {
    /** `role qa-role`, `bucket policy landing-bucket-policy`. */
    subject: string;
    /** The role's holder in the access model, or a resource policy's principals. */
    who: string;
    service: string;
    level: string;
    actions: string[];
    resources: string[];
    /** `allowed`, `outside the model: …`, or `-` where the model does not judge (what the account's own root may do: IAM decides). */
    model: string;
}

export interface AccessReport {
    stack: string;
    /** Where it was read: the stack's state, or the plan of the checkout's program (`--preview`). */
    from: "state" | "plan";
    rows: AccessRow[];
    /** Documents that could not be read (invalid JSON, no Statement). */
    problems: string[];
}

/** Reads the stack's state (`pulumi stack export`), or with `preview` its plan, and reports what it allows. */
export async function readAccessReport(source: StackSource, stack: string, preview = false): Promise<AccessReport> {
    if (!preview) {
        return accessReportOf(stack, await readCheckpoint(source, stack));
    }
    const plan = await readPlan(source, stack);
    return accessReportOf(stack, plan.resources, plan.config);
}

/**
 * The report of a stack's resources. Who the stack is (its account, prefix and audiences) comes from its root's
 * ENVIRONMENT_IDENTITY_OUTPUT in a state, and from the stack's config with a plan (`planConfig`: a preview has no outputs).
 */
export async function accessReportOf(stack: string, checkpoint: CheckpointResource[], planConfig?: Record<string, string>): Promise<AccessReport> {
    const from = planConfig ? "plan" : "state";
    const resources = checkpoint.filter((r) => !r.delete).map(asIamResource);
    const root = checkpoint.find((r) => r.type === "pulumi:pulumi:Stack");
    const identity = planConfig
        ? environmentIdentityFromConfig(planConfig, `${stack}'s config`)
        : parseEnvironmentIdentity(root?.outputs?.[ENVIRONMENT_IDENTITY_OUTPUT], `${stack}'s ${ENVIRONMENT_IDENTITY_OUTPUT} output`);
    const names = identity.ok ? namesForAccess(identity.value.namePrefix, identity.value.awsAccountId) : undefined;
    const rows: AccessRow[] = [];
    // Without the identity nothing can be judged: said once, and every row shows "-" rather than a false "outside".
    const problems: string[] = identity.ok ? [] : [`cannot judge against the access model: ${identity.problems.join("; ")}`];
    const statementsOf = (what: string, subject: string, value: unknown): Statement[] => {
        if (value === PLANNED_UNKNOWN) {
            problems.push(`the ${what} of ${subject} is unknown until the update (it is computed from another resource's output)`);
            return [];
        }
        const parsed = parsePolicyDocument(value);
        if (!parsed.ok) {
            problems.push(`the ${what} of ${subject} ${parsed.problem}`);
            return [];
        }
        return parsed.statements;
    };
    for (const { role, holder, documents } of rolesWithDocuments(resources)) {
        const subject = `role ${role.name}`;
        const statements = documents.flatMap((d) => statementsOf(d.what, subject, d.value));
        const judge = names && holder ? (grant: Grant) => judgeGrant(holder, grant, names).rule !== undefined : undefined;
        rows.push(...grouped(subject, holder ?? "nobody the model knows", await allowedGrants(statements), judge));
    }
    const known = identity.ok
        ? {
              accountId: identity.value.awsAccountId,
              audiences: { developers: identity.value.developerPrincipals, consumers: identity.value.consumerPrincipals },
          }
        : undefined;
    for (const resource of resources.filter((r) => DOCUMENT_PROPERTIES[r.type]?.principals && r.type !== "aws:iam/role:Role")) {
        for (const d of documentsOf(resource)) {
            const subject = `${d.what} ${resource.name}`;
            const statements = statementsOf(d.what, resource.name, d.value);
            if (!names || !known) {
                rows.push(...grouped(subject, "-", await allowedGrants(statements), undefined));
                continue;
            }
            const denies = statements.filter((s) => s.effect === "Deny");
            for (const { statement, strangers, holders } of await judgeResourcePolicy(statements, selfOf(resource.type, names), known, names)) {
                for (const { holder, verdicts } of holders) {
                    const allowed = new Set(verdicts.filter((v) => v.rule !== undefined).map((v) => v.grant));
                    rows.push(
                        ...grouped(
                            subject,
                            holder,
                            verdicts.map((v) => v.grant),
                            (g) => allowed.has(g),
                        ),
                    );
                }
                const others = statement.principals.filter((p) => !strangers.includes(p));
                if (holders.length === 0 && others.length > 0) {
                    rows.push(...grouped(subject, `${others.join(", ")} (the account: IAM decides)`, await allowedGrants([statement, ...denies]), undefined));
                }
                for (const stranger of strangers) {
                    rows.push({
                        subject,
                        who: stranger,
                        service: "-",
                        level: "-",
                        actions: statement.actions,
                        resources: statement.resources,
                        model: "outside the model: a principal it does not know",
                    });
                }
            }
        }
    }
    return { stack, from, rows, problems };
}

function asIamResource(r: CheckpointResource): IamResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.urn.split("::").pop() ?? r.urn,
        props: { ...r.inputs, ...r.outputs },
        dependsOn: (property) => r.propertyDependencies?.[property] ?? [],
    };
}

/** One row per service and access level. */
function grouped(subject: string, who: AccessHolder | string, grants: Grant[], allowed: ((g: Grant) => boolean) | undefined): AccessRow[] {
    const groups = new Map<string, Grant[]>();
    for (const grant of grants) {
        const key = `${grant.service}\n${grant.levels.join(", ")}`;
        groups.set(key, [...(groups.get(key) ?? []), grant]);
    }
    return [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, members]) => {
            const [service, level] = key.split("\n");
            const outside = allowed ? members.filter((g) => !allowed(g)) : [];
            return {
                subject,
                who,
                service,
                level,
                actions: unique(members.map((g) => g.action)),
                resources: unique(members.map((g) => g.resource)),
                model: allowed === undefined ? "-" : outside.length === 0 ? "allowed" : `outside the model: ${unique(outside.map((g) => g.action)).join(", ")}`,
            };
        });
}

function unique(values: string[]): string[] {
    return [...new Set(values)].sort();
}

/**
 * What each role and resource policy of a deployed stack allows, for a reviewer: per service and
 * AWS access level, the actions and the resources, read from the stack's state and judged against
 * the access model (policy-pack/src/contract/access-model.ts) as the pack judges it.
 */
import {
    AccessHolder,
    CheckpointResource,
    ENVIRONMENT_IDENTITY_OUTPUT,
    Grant,
    IamResource,
    Statement,
    allowedGrants,
    documentsOf,
    judgeGrant,
    namesForAccess,
    parseEnvironmentIdentity,
    parsePolicyDocument,
    rolesWithDocuments,
} from "../../../policy-pack/src/contract";
import { StackSource, readCheckpoint } from "../stacks";

export interface AccessRow {
    /** `role qa-role`, `bucket policy landing-bucket-policy`. */
    subject: string;
    /** The role's holder in the access model, or a resource policy's principals. */
    who: string;
    service: string;
    level: string;
    actions: string[];
    resources: string[];
    /** `allowed`, `outside the model: N action(s)`, or `-` where the model does not judge (resource policies). */
    model: string;
}

export interface AccessReport {
    stack: string;
    rows: AccessRow[];
    /** Documents that could not be read (invalid JSON, no Statement). */
    problems: string[];
}

/** Reads the stack's state (`pulumi stack export`) and reports what it allows. */
export async function readAccessReport(source: StackSource, stack: string): Promise<AccessReport> {
    return accessReportOf(stack, await readCheckpoint(source, stack));
}

export async function accessReportOf(stack: string, checkpoint: CheckpointResource[]): Promise<AccessReport> {
    const resources = checkpoint.filter((r) => !r.delete).map(asIamResource);
    const root = checkpoint.find((r) => r.type === "pulumi:pulumi:Stack");
    const identity = parseEnvironmentIdentity(root?.outputs?.[ENVIRONMENT_IDENTITY_OUTPUT], `${stack}'s ${ENVIRONMENT_IDENTITY_OUTPUT} output`);
    const names = identity.ok ? namesForAccess(identity.value.namePrefix, identity.value.awsAccountId) : undefined;
    const rows: AccessRow[] = [];
    const problems: string[] = [];
    const statementsOf = (what: string, subject: string, value: unknown): Statement[] => {
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
        const judge = (grant: Grant) => (names && holder ? judgeGrant(holder, grant, names).rule !== undefined : false);
        rows.push(...grouped(subject, holder ?? "nobody the model knows", await allowedGrants(statements), holder ? judge : undefined));
    }
    for (const resource of resources.filter(
        (r) => r.type !== "aws:iam/role:Role" && r.type !== "aws:iam/rolePolicy:RolePolicy" && r.type !== "aws:iam/policy:Policy",
    )) {
        for (const d of documentsOf(resource)) {
            const statements = statementsOf(d.what, resource.name, d.value);
            const denies = statements.filter((s) => s.effect === "Deny");
            for (const allow of statements.filter((s) => s.effect === "Allow")) {
                rows.push(...grouped(`${d.what} ${resource.name}`, allow.principals.join(", ") || "-", await allowedGrants([allow, ...denies]), undefined));
            }
        }
    }
    return { stack, rows, problems };
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

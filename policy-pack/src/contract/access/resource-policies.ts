/**
 * Resource policies (bucket, key and topic policies) judged against the access model: each Allow
 * statement's principals are placed among the model's holders — AWS services, an audience by its
 * configured principals, or the environment's own account (which hands the decision to IAM, where
 * the roles are judged) — and what it allows them is judged as a role's grants are. A principal
 * the model does not know is refused (ADR-0041: nobody else). Trust policies only let principals
 * assume a role; who they let in is checked by the principal policies, what the role may do here.
 */
import { AccessHolder } from "../access-model";
import { Audience } from "../environments";
import { AtlasNames } from "../resource-names";
import { Statement, isConditioned } from "./documents";
import { Grant, allowedGrants } from "./grants";
import { Verdict, judgeGrant } from "./judge";

/** The principals an environment knows, from its identity (`environmentIdentity`). */
export interface KnownPrincipals {
    accountId: string;
    audiences: Partial<Record<Audience, readonly string[]>>;
}

export interface StatementJudgement {
    statement: Statement;
    /** Principals the model does not know: refused whatever they are allowed. */
    strangers: string[];
    /** Each holder the statement lets in, with what it allows them. */
    holders: { holder: AccessHolder; verdicts: Verdict[] }[];
}

/** What a resource policy's Allow statements give whom. `self` is what `"Resource": "*"` means in it (a key policy: the key). */
export async function judgeResourcePolicy(
    statements: Statement[],
    self: string | undefined,
    known: KnownPrincipals,
    names: AtlasNames,
): Promise<StatementJudgement[]> {
    const denies = statements.filter((s) => s.effect === "Deny" && !isConditioned(s));
    const judgements: StatementJudgement[] = [];
    for (const statement of statements.filter((s) => s.effect === "Allow")) {
        const placed = statement.principals.map((principal, i) => ({ principal, place: placeOf(principal, statement.principalKinds[i], known, names) }));
        const holders = [...new Set(placed.flatMap(({ place }) => (place === "account" || place === undefined ? [] : [place])))];
        const grants = holders.length > 0 ? await allowedGrants([withSelf(statement, self), ...denies.map((d) => withSelf(d, self))]) : [];
        judgements.push({
            statement,
            strangers: placed.filter(({ place }) => place === undefined).map(({ principal }) => principal),
            holders: holders.map((holder) => ({ holder, verdicts: grants.map((grant: Grant) => judgeGrant(holder, grant, names)) })),
        });
    }
    return judgements;
}

/** `"Resource": "*"` in a key policy is the key itself, not every resource: read it as one of the account's keys. */
export function selfOf(resourceType: string, names: AtlasNames): string | undefined {
    return resourceType === "aws:kms/key:Key" ? `arn:${names.partition}:kms:*:${names.placement.accountId}:key/*` : undefined;
}

function withSelf(statement: Statement, self: string | undefined): Statement {
    return self === undefined ? statement : { ...statement, resources: statement.resources.map((r) => (r === "*" ? self : r)) };
}

/** A principal's place in the model: a holder, the environment's own account, or undefined (a stranger). */
function placeOf(principal: string, kind: string | undefined, known: KnownPrincipals, names: AtlasNames): AccessHolder | "account" | undefined {
    if (kind === "Service") {
        return "services";
    }
    if (kind === "AWS" && (principal === known.accountId || principal === `arn:${names.partition}:iam::${known.accountId}:root`)) {
        return "account";
    }
    const audience = (Object.entries(known.audiences) as [Audience, readonly string[]][]).find(([, principals]) => principals.includes(principal));
    return audience?.[0];
}

/** IAM policy documents read into statements: who (Principal), what (Action, NotAction), on what (Resource, NotResource), when (Condition). */

export interface Statement {
    sid?: string;
    effect: string;
    /** Every principal value (`*`, ARNs, service names), flattened. */
    principals: string[];
    /** Every principal value with its kind: `AWS`, `Service`, `Federated`, or `*` for `"Principal": "*"`. */
    principalKinds: string[];
    actions: string[];
    notActions: string[];
    resources: string[];
    notResources: string[];
    condition: Record<string, Record<string, unknown>>;
}

export type ParsedDocument = { ok: true; statements: Statement[] } | { ok: false; problem: string };

/** Parses a JSON string or object. Never quotes the input back: it may hold a secret. */
export function parsePolicyDocument(value: unknown): ParsedDocument {
    let document: unknown = value;
    if (typeof value === "string") {
        try {
            document = JSON.parse(value);
        } catch {
            return { ok: false, problem: "is not valid JSON" };
        }
    }
    const statements = (document as { Statement?: unknown } | null)?.Statement;
    if (typeof document !== "object" || document === null || statements === undefined) {
        return { ok: false, problem: "has no Statement" };
    }
    return { ok: true, statements: (Array.isArray(statements) ? statements : [statements]).map(readStatement) };
}

function readStatement(raw: Record<string, unknown>): Statement {
    const principal = raw.Principal;
    return {
        ...(typeof raw.Sid === "string" && raw.Sid !== "" ? { sid: raw.Sid } : {}),
        effect: String(raw.Effect),
        principals: flatten(principal),
        principalKinds:
            typeof principal === "string"
                ? [principal]
                : principal !== null && typeof principal === "object"
                  ? Object.entries(principal).flatMap(([kind, values]) => flatten(values).map(() => kind))
                  : [],
        actions: flatten(raw.Action),
        notActions: flatten(raw.NotAction),
        resources: flatten(raw.Resource),
        notResources: flatten(raw.NotResource),
        condition: (raw.Condition ?? {}) as Statement["condition"],
    };
}

function flatten(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(flatten);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(flatten);
    }
    return [];
}

/** True when the statement holds a condition: an Allow's only narrows it; a Deny's may not apply. */
export function isConditioned(statement: Statement): boolean {
    return Object.keys(statement.condition).length > 0;
}

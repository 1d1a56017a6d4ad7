/** Just enough IAM policy-document reading to see who a resource policy lets in. */
import { PolicyResource } from "@pulumi/policy";

export interface Statement {
    effect: string;
    /** Every principal value (`*`, ARNs, service names), flattened. */
    principals: string[];
    actions: string[];
    condition: Record<string, Record<string, unknown>>;
}

export type ParsedDocument = { ok: true; statements: Statement[] } | { ok: false; problem: string };

/** Resource-based policies the guardrails read, by resource type and property. */
const DOCUMENT_PROPERTIES: Record<string, { property: string; what: string }> = {
    "aws:iam/role:Role": { property: "assumeRolePolicy", what: "trust policy" },
    "aws:s3/bucketPolicy:BucketPolicy": { property: "policy", what: "bucket policy" },
    "aws:kms/key:Key": { property: "policy", what: "key policy" },
};

export interface ResourceDocument {
    resource: PolicyResource;
    what: string;
    document: ParsedDocument;
}

/** Every resource policy in the stack. An absent key policy is AWS's default and grants no one else. */
export function resourceDocuments(resources: PolicyResource[]): ResourceDocument[] {
    return resources.flatMap((resource) => {
        const source = DOCUMENT_PROPERTIES[resource.type];
        if (!source || (resource.type === "aws:kms/key:Key" && resource.props[source.property] === undefined)) {
            return [];
        }
        return [{ resource, what: source.what, document: parsePolicyDocument(resource.props[source.property]) }];
    });
}

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
    return {
        effect: String(raw.Effect),
        principals: flatten(raw.Principal),
        actions: flatten(raw.Action),
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

/** Principals among `who` (or everyone, `*`) that Allow statements let in. */
export function allowedAmong(statements: Statement[], who: ReadonlySet<string>): string[] {
    const granted = statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => s.principals)
        .filter((p) => p === "*" || who.has(p));
    return [...new Set(granted)].sort();
}

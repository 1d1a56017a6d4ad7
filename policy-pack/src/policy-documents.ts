/** The IAM policy documents a stack holds, where they come from, and who a resource policy lets in. */
import { PolicyResource } from "@pulumi/policy";
import { ParsedDocument, Statement, parsePolicyDocument } from "./contract/access/documents";
import { DOCUMENT_PROPERTIES, documentsOf } from "./contract/access/roles";
import { isUnknownValue, rawProps } from "./unknowns";

export { ParsedDocument, Statement, parsePolicyDocument };

export interface ResourceDocument {
    resource: PolicyResource;
    what: string;
    document: ParsedDocument;
}

/** Every resource policy in the stack. An absent key policy is AWS's default and grants no one else. */
export function resourceDocuments(resources: PolicyResource[]): ResourceDocument[] {
    return resources.flatMap((resource) => {
        const source = DOCUMENT_PROPERTIES[resource.type];
        if (!source?.principals || (resource.type === "aws:kms/key:Key" && resource.props[source.property] === undefined)) {
            return [];
        }
        return [{ resource, what: source.what, document: parsePolicyDocument(resource.props[source.property]) }];
    });
}

export interface IamDocument extends ResourceDocument {
    /** The property that holds it, whose dependencies say what it is computed from. */
    property: string;
    /** False while preview cannot know it (it is built from another resource's output): judged once known. */
    known: boolean;
}

/**
 * Every IAM policy document of the stack: resource policies, trust policies, inline and managed
 * policies, and a role's `inlinePolicies`. Unknown values are noted, not thrown.
 */
export function iamDocuments(resources: PolicyResource[]): IamDocument[] {
    return resources.flatMap((resource) =>
        documentsOf({ urn: resource.urn, type: resource.type, name: resource.name, props: rawProps(resource.props), dependsOn: () => [] }).map((d) =>
            judgedDocument(resource, d.what, d.property, d.value),
        ),
    );
}

/** A document read for judging: parsed when known, else marked unknown (never thrown). */
export function judgedDocument(resource: PolicyResource, what: string, property: string, value: unknown): IamDocument {
    const known = !containsUnknown(value);
    return { resource, what, property, known, document: known ? parsePolicyDocument(value) : { ok: false, problem: "is unknown during preview" } };
}

function containsUnknown(value: unknown): boolean {
    if (typeof value === "string") {
        return isUnknownValue(value);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

/** Principals among `who` (or everyone, `*`) that Allow statements let in. */
export function allowedAmong(statements: Statement[], who: ReadonlySet<string>): string[] {
    const granted = statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => s.principals)
        .filter((p) => p === "*" || who.has(p));
    return [...new Set(granted)].sort();
}

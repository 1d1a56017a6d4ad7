/**
 * Synthetic prod stacks of any size, shaped like the Atlas program's: the resources the program
 * registers under mocks, replicated with unique logical and physical names (replica k renames
 * `name` to `name-rk` and the name prefix `atlas-prod-` to `atlas-prod-rk-`). The stack keeps
 * one explicit provider, as a real stack of that size in one account and region would, and its
 * outputs stay consistent: `release` lists every resource, staging's facts (as `upstreamRelease`
 * and as promote's `stagingEvidence`) list the same parity resources at the same version, so the
 * release-gate policies do all their work and pass.
 */
import * as fs from "fs";
import { load } from "js-yaml";
import * as path from "path";
import { buildPromotionConfig, StagingEvidence } from "../../policy-pack/src/config";
import { isEnvironmentSpecificRole } from "../../policy-pack/src/contract/environment-keys";
import {
    isTrackedType,
    parityResources,
    RELEASE_OUTPUT,
    ReleaseFacts,
    resourceRole,
    resourcesDigestOf,
    UPSTREAM_RELEASE_OUTPUT,
    UPSTREAM_STACK_OUTPUT,
} from "../../policy-pack/src/contract/release-facts";
import type { ResourceSpec } from "../../policy-pack/tests/helpers";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface TemplateResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** `urn::id` of the provider, as the mocks saw it. */
    provider?: string;
    protect: boolean;
}

export interface TemplateStack {
    resources: TemplateResource[];
    outputs: Record<string, unknown>;
}

export interface ProgramTemplate {
    prod: TemplateStack;
    staging: TemplateStack;
}

export interface SyntheticStack {
    /** The resources as the engine lists them for stack policies (the Stack resource first). */
    specs: ResourceSpec[];
    /** The `--policy-pack-config` document promote would pass for this prod stack. */
    config: Record<string, unknown>;
    /** Whole replicas of the program's resources (the last, partial one not counted). */
    replicas: number;
    templateSize: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
/** Policies do not see stack-reference reads (docs/DESIGN.md). */
const UNSEEN_TYPES = new Set(["pulumi:pulumi:StackReference"]);
const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

export function syntheticProdStack(template: ProgramTemplate, size: number): SyntheticStack {
    const seen = template.prod.resources.filter((r) => !UNSEEN_TYPES.has(r.type));
    const stack = seen.find((r) => r.type === STACK_TYPE);
    if (!stack) {
        throw new Error("the program template has no pulumi:pulumi:Stack resource");
    }
    const providers = seen.filter((r) => r.type.startsWith("pulumi:providers:"));
    const body = seen.filter((r) => r !== stack && !providers.includes(r));
    const available = size - 1 - providers.length;
    if (available < body.length) {
        throw new Error(`a stack shaped like the program's needs at least ${body.length + 1 + providers.length} resources (asked for ${size})`);
    }
    const identity = template.prod.outputs.environmentIdentity as { namePrefix: string };
    const prefix = `${identity.namePrefix}-`;

    const replicas = Math.floor(available / body.length);
    // The partial replica takes buckets last, so no bucket lacks the companions the guardrails require.
    const partialOrder = [...body.filter((r) => !BUCKET_TYPES.has(r.type)), ...body.filter((r) => BUCKET_TYPES.has(r.type))];
    const bodySpecs: ResourceSpec[] = [];
    for (let k = 0; k < replicas; k++) {
        bodySpecs.push(...body.map((r) => replicate(r, k, prefix)));
    }
    bodySpecs.push(...partialOrder.slice(0, available - replicas * body.length).map((r) => replicate(r, replicas, prefix)));
    const providerSpecs = providers.map((r) => replicate(r, 0, prefix));

    const prodRoles = [...providerSpecs, ...bodySpecs].filter((s) => isTrackedType(s.type)).map((s) => resourceRole(s.type, s.name)).sort();
    const stagingOwnRoles = template.staging.resources
        .filter((r) => isTrackedType(r.type) && isEnvironmentSpecificRole(r.name))
        .map((r) => resourceRole(r.type, r.name));
    const stagingRoles = [...new Set([...parityResources(prodRoles), ...stagingOwnRoles])].sort();
    const prodFacts = factsWith(template.prod.outputs[RELEASE_OUTPUT], prodRoles);
    const stagingFacts = factsWith(template.staging.outputs[RELEASE_OUTPUT], stagingRoles);
    const stagingStack = "organization/atlas/staging";

    const stackSpec: ResourceSpec = {
        type: STACK_TYPE,
        name: stack.name,
        props: {
            ...template.prod.outputs,
            [RELEASE_OUTPUT]: prodFacts,
            [UPSTREAM_STACK_OUTPUT]: stagingStack,
            [UPSTREAM_RELEASE_OUTPUT]: stagingFacts,
        },
    };
    const evidence: StagingEvidence = {
        targetStack: "organization/atlas/prod",
        stagingStack,
        stagingRelease: stagingFacts,
        stagingLastUpdate: { result: "succeeded", updateVersion: 1, releaseVersion: stagingFacts.version },
    };
    const config = buildPromotionConfig(evidence, guardrailConfig() as never) as Record<string, unknown>;
    return { specs: [stackSpec, ...providerSpecs, ...bodySpecs], config, replicas, templateSize: body.length };
}

function replicate(resource: TemplateResource, k: number, prefix: string): ResourceSpec {
    const props = k === 0 ? resource.inputs : (JSON.parse(JSON.stringify(resource.inputs).split(prefix).join(`${prefix}r${k}-`)) as Record<string, unknown>);
    return {
        type: resource.type,
        name: k === 0 ? resource.name : `${resource.name}-r${k}`,
        props,
        protect: resource.protect,
        provider: resource.provider ? providerName(resource.provider) : undefined,
    };
}

/** `urn:pulumi:prod::atlas::pulumi:pulumi:Stack$pulumi:providers:aws::aws::aws-id` → `aws`. */
function providerName(reference: string): string {
    const parts = reference.split("::");
    return parts[parts.length - 2];
}

/** The program's facts with another resource list; a clean CI build (promotable). */
function factsWith(release: unknown, resources: string[]): ReleaseFacts {
    const facts = release as ReleaseFacts;
    return { ...facts, promotable: true, resources, resourcesDigest: resourcesDigestOf(resources) };
}

/** What promote adds for the guardrails: every environment's address and principals, from the stack files. */
function guardrailConfig(): Record<string, unknown> {
    const environments: Record<string, { awsAccountId: string; namePrefix: string }> = {};
    const developerPrincipals = new Set<string>();
    const consumerPrincipals = new Set<string>();
    for (const file of fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
        const config = ((load(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
        const [environment, awsAccountId, namePrefix] = ["environment", "awsAccountId", "namePrefix"].map((key) => config[`atlas:${key}`]);
        if (typeof environment === "string" && typeof awsAccountId === "string" && typeof namePrefix === "string") {
            environments[environment] = { awsAccountId, namePrefix };
        }
        for (const p of (config["atlas:developerPrincipals"] as string[] | undefined) ?? []) developerPrincipals.add(p);
        for (const p of (config["atlas:consumerPrincipals"] as string[] | undefined) ?? []) consumerPrincipals.add(p);
    }
    return {
        "no-cross-environment-references": { environments },
        "no-developer-access": { developerPrincipals: [...developerPrincipals].sort() },
        "consumer-access-prod-only": { consumerPrincipals: [...consumerPrincipals].sort() },
    };
}

/**
 * Synthetic staging and prod stacks of any size for the policy-scaling benchmark, shaped like the
 * Atlas program's: the resources the program registers under mocks for each environment,
 * replicated with unique logical and physical names (replica k renames `name` to `name-rk` and
 * the name prefix `atlas-prod-` to `atlas-prod-rk-`), one explicit provider per stack.
 *
 * What property-level parity has to work through is all there:
 * - per-environment values: each side is rendered from its own environment's program run, so
 *   accounts, name prefixes, the environment's name and principals differ as the stack files say;
 * - generated ids: every custom resource gets a computed ARN; a KMS key's id is a UUID and
 *   resources without a name get a generated suffix, different in each environment, and the
 *   references between resources (the mocks' `arn:mock:…` values) carry those ARNs;
 * - unknowns: every tenth replica is new in prod, so during preview its computed outputs, and every
 *   input computed from them, are unknown (compared by the resources they come from);
 * - a secret per replica (a Glue job token, equal on both sides) and the program's file asset.
 *
 * Staging is deployed (its checkpoint: inputs, outputs, dependencies; `checkpointOf` from the
 * policy tests' fixtures), prod is planned (the engine's props for the pack, built by the policy
 * tests' helpers). The evidence is what `promote` would pass: staging's history ends in a
 * successful release update of the candidate, so every gate policy passes on a consistent stack.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { load } from "js-yaml";
import { environmentValues } from "../../cli/lib/stacks/stack-file-config";
import {
    AtlasPolicyPackConfig,
    buildPromotionConfig,
    comparedResourcesOf,
    EVIDENCE_FORMAT,
    isEnvironmentSpecificRole,
    PromotionEvidence,
    RELEASE_FORMAT,
    RELEASE_OUTPUT,
    ReleaseFacts,
    ReleaseIdentity,
    StagingStateEvidence,
    UPSTREAM_RELEASE_OUTPUT,
    UPSTREAM_STACK_OUTPUT,
} from "../../policy-pack/src/contract";
import { checkpointOf, releaseUpdate } from "../../policy-pack/tests/fixtures";
import { ResourceSpec, UNKNOWN_STRING, secret } from "../../policy-pack/tests/helpers";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface TemplateResource {
    type: string;
    name: string;
    /** False for a component. */
    custom: boolean;
    /** The inputs in the engine's wire form (secrets and file assets marked). */
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

type Side = "staging" | "prod";

export interface SyntheticSide {
    /** The resources as the engine lists them (the Stack resource first). */
    specs: ResourceSpec[];
    /** Whole replicas of the program's resources (the last, partial one not counted). */
    replicas: number;
    templateSize: number;
    /** Replicas that are new in prod (their computed outputs unknown during preview). */
    newReplicas: number;
}

export const STAGING_STACK = "organization/atlas/staging";
export const PROD_STACK = "organization/atlas/prod";
/** The release being promoted (the evidence is consistent with it). */
export const CANDIDATE: ReleaseIdentity = { version: "1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", digest: `sha256:${"5e".repeat(32)}` };
/** Every NEW_EVERY-th replica is new in prod. */
const NEW_EVERY = 10;
const REGION = "eu-west-1";

const STACK_TYPE = "pulumi:pulumi:Stack";
/** Policies do not see stack-reference reads (docs/engine-behaviour.md). */
const UNSEEN_TYPES = new Set(["pulumi:pulumi:StackReference"]);
const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
/** Marks a reference to another resource's ARN inside compiled inputs: `«ref:<index>»`. */
const REFERENCE = /«ref:(\d+)»/g;
const REFERENCE_START = "«ref:";

interface Compiled {
    resource: TemplateResource;
    inputs: Record<string, unknown>;
    /** Input key -> indexes of the resources whose ARN it holds. */
    references: Record<string, number[]>;
}

/** The side's template resources with their references to other resources' ARNs made explicit. */
function compile(stack: TemplateStack): Compiled[] {
    const mockArns = stack.resources.map((r, index) => ({ arn: `arn:mock:${r.type}:${r.name}`, index })).sort((a, b) => b.arn.length - a.arn.length);
    return stack.resources.map((resource) => {
        const references: Record<string, number[]> = {};
        const inputs = Object.fromEntries(
            Object.entries(resource.inputs).map(([key, value]) => {
                let text = JSON.stringify(value);
                for (const { arn, index } of mockArns) {
                    if (text.includes(arn)) {
                        text = text.split(arn).join(`${REFERENCE_START}${index}»`);
                        (references[key] ??= []).push(index);
                    }
                }
                return [key, JSON.parse(text)];
            }),
        );
        if (resource.type === "aws:glue/job:Job") {
            inputs.notificationToken = secret("synthetic-token-equal-in-both-stacks");
        }
        return { resource, inputs, references };
    });
}

/** Which template resources each replica holds: whole replicas, then a partial one the same in both stacks. */
function layout(template: ProgramTemplate, size: number): { replicas: number; partial: Set<string> } {
    const seen = template.prod.resources.filter((r) => !UNSEEN_TYPES.has(r.type));
    const body = seen.filter((r) => r.type !== STACK_TYPE && !r.type.startsWith("pulumi:providers:"));
    const providers = seen.length - body.length - 1;
    const available = size - 1 - providers;
    if (available < body.length) {
        throw new Error(`a stack shaped like the program's needs at least ${body.length + 1 + providers} resources (asked for ${size})`);
    }
    const replicas = Math.floor(available / body.length);
    // The partial replica takes buckets last (so no bucket lacks its companions) and prod's own resources never.
    const shared = body.filter((r) => !isEnvironmentSpecificRole(r.name));
    const order = [...shared.filter((r) => !BUCKET_TYPES.has(r.type)), ...shared.filter((r) => BUCKET_TYPES.has(r.type))];
    return { replicas, partial: new Set(order.slice(0, available - replicas * body.length).map((r) => `${r.type}::${r.name}`)) };
}

/** One side of the synthetic pair; `size` counts prod's resources as the engine lists them. */
export function syntheticStack(template: ProgramTemplate, side: Side, size: number): SyntheticSide {
    const { replicas, partial } = layout(template, size);
    const stack = template[side];
    const compiled = compile(stack);
    const identity = stack.outputs.environmentIdentity as { namePrefix: string; awsAccountId: string };
    const prefix = `${identity.namePrefix}-`;
    const seen = compiled.filter((c) => !UNSEEN_TYPES.has(c.resource.type));
    const stackResource = seen.find((c) => c.resource.type === STACK_TYPE);
    if (!stackResource) {
        throw new Error("the program template has no pulumi:pulumi:Stack resource");
    }
    const providers = seen.filter((c) => c.resource.type.startsWith("pulumi:providers:"));
    const body = seen.filter((c) => c !== stackResource && !providers.includes(c));

    const specs: ResourceSpec[] = [{ type: STACK_TYPE, name: stackResource.resource.name, props: stackOutputs(stack.outputs, side) }];
    specs.push(...providers.map((c) => ({ type: c.resource.type, name: c.resource.name, props: c.inputs })));
    let newReplicas = 0;
    for (let k = 0; k <= replicas; k++) {
        const members = k < replicas ? body : body.filter((c) => partial.has(`${c.resource.type}::${c.resource.name}`));
        const isNew = side === "prod" && k % NEW_EVERY === NEW_EVERY - 1;
        newReplicas += isNew && members.length > 0 ? 1 : 0;
        const replica = new Replica(side, k, prefix, identity.awsAccountId, compiled, isNew);
        specs.push(...members.map((c) => replica.spec(c)));
    }
    return { specs, replicas, templateSize: body.length, newReplicas };
}

/** Renders the template's resources as replica k of one side. */
class Replica {
    private readonly arns = new Map<number, string>();

    constructor(
        private readonly side: Side,
        private readonly k: number,
        private readonly prefix: string,
        private readonly account: string,
        private readonly compiled: Compiled[],
        /** New in prod: computed outputs unknown during preview. */
        private readonly isNew: boolean,
    ) {}

    name(resource: TemplateResource): string {
        return this.k === 0 ? resource.name : `${resource.name}-r${this.k}`;
    }

    spec(c: Compiled): ResourceSpec {
        const { resource } = c;
        const outputs: Record<string, unknown> = {};
        if (resource.custom && !("arn" in c.inputs)) {
            outputs.arn = this.isNew ? UNKNOWN_STRING : this.arnOf(this.compiled.indexOf(c));
            if (resource.type === "aws:kms/key:Key") {
                outputs.keyId = this.isNew ? UNKNOWN_STRING : this.generated(resource, "uuid");
            }
        }
        const dependsOn = Object.fromEntries(
            Object.entries(c.references).map(([key, indexes]) => [key, [...new Set(indexes.map((i) => this.name(this.compiled[i].resource)))]]),
        );
        return {
            type: resource.type,
            name: this.name(resource),
            props: this.render(c.inputs) as Record<string, unknown>,
            outputs,
            protect: resource.protect,
            ...(resource.provider ? { provider: providerName(resource.provider) } : {}),
            ...(Object.keys(dependsOn).length > 0 ? { dependsOn } : {}),
        };
    }

    /** Physical names in the replica's own prefix; references as the referenced resource's ARN (unknown while it is new). */
    private render(value: unknown): unknown {
        if (typeof value === "string") {
            const renamed = this.k === 0 ? value : value.split(this.prefix).join(`${this.prefix}r${this.k}-`);
            if (!renamed.includes(REFERENCE_START)) {
                return renamed;
            }
            return this.isNew ? UNKNOWN_STRING : renamed.replace(REFERENCE, (_, index: string) => this.arnOf(Number(index)));
        }
        if (Array.isArray(value)) {
            return value.map((item) => this.render(item));
        }
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.render(item)]));
        }
        return value;
    }

    /** `arn:aws:<service>:<region>:<account>:<kind>/<name>`, the name generated where the program gives none. */
    private arnOf(index: number): string {
        let arn = this.arns.get(index);
        if (arn === undefined) {
            const { resource, inputs } = this.compiled[index];
            const [, module, kind] = resource.type.split(":");
            const named = typeof inputs.name === "string" && !inputs.name.includes(REFERENCE_START) ? (this.render(inputs.name) as string) : undefined;
            const physical =
                resource.type === "aws:kms/key:Key"
                    ? this.generated(resource, "uuid")
                    : (named ?? `${this.name(resource)}-${this.generated(resource, "suffix")}`);
            arn = `arn:aws:${module.split("/")[0]}:${REGION}:${this.account}:${kind.charAt(0).toLowerCase()}${kind.slice(1)}/${physical}`;
            this.arns.set(index, arn);
        }
        return arn;
    }

    /** A value the cloud would generate: different in every stack and replica. */
    private generated(resource: TemplateResource, form: "uuid" | "suffix"): string {
        const hex = createHash("sha256").update(`${this.side}/${this.k}/${resource.type}/${resource.name}`).digest("hex");
        return form === "uuid" ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}` : hex.slice(0, 12);
    }
}

/** The Stack resource's outputs: the template's, with release facts of the candidate (prod also carries staging's). */
function stackOutputs(outputs: Record<string, unknown>, side: Side): Record<string, unknown> {
    const facts = (environment: Side): ReleaseFacts => ({
        format: RELEASE_FORMAT,
        project: "atlas",
        stack: environment,
        environment,
        version: CANDIDATE.version,
        commit: CANDIDATE.commit,
        digest: CANDIDATE.digest,
    });
    const own = { ...outputs, [RELEASE_OUTPUT]: facts(side) };
    return side === "prod" ? { ...own, [UPSTREAM_STACK_OUTPUT]: STAGING_STACK, [UPSTREAM_RELEASE_OUTPUT]: facts("staging") } : own;
}

/** `urn:pulumi:prod::atlas::pulumi:pulumi:Stack$pulumi:providers:aws::aws::aws-id` → `aws`. */
function providerName(reference: string): string {
    const parts = reference.split("::");
    return parts[parts.length - 2];
}

export interface PromotionFigures {
    /** The `--policy-pack-config` document promote would pass for the prod update. */
    config: AtlasPolicyPackConfig;
    stagingResources: number;
    /** Serialised sizes, in bytes. */
    bytes: { config: number; promotion: number; stagingState: number };
}

/** What promote reads from staging for a prod update of this size, and the policy config it builds from it. */
export function promotionConfig(template: ProgramTemplate, size: number): PromotionFigures {
    const staging = syntheticStack(template, "staging", size);
    const checkpoint = checkpointOf("staging", staging.specs);
    const promotion: PromotionEvidence = {
        format: EVIDENCE_FORMAT,
        targetStack: PROD_STACK,
        stagingStack: STAGING_STACK,
        candidate: CANDIDATE,
        candidateDirectory: REPO_ROOT,
        stagingChanges: [releaseUpdate(CANDIDATE, checkpoint.length)],
        stagingResourceCount: checkpoint.length,
    };
    const stagingState: StagingStateEvidence = {
        environments: { staging: environmentValues(REPO_ROOT, "staging"), prod: environmentValues(REPO_ROOT, "prod") },
        resources: comparedResourcesOf(checkpoint),
    };
    const config = buildPromotionConfig(promotion, stagingState, guardrailConfig() as AtlasPolicyPackConfig);
    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
    return { config, stagingResources: checkpoint.length, bytes: { config: bytes(config), promotion: bytes(promotion), stagingState: bytes(stagingState) } };
}

/** What promote adds for the guardrails: every environment's address and principals, from the stack files. */
function guardrailConfig(): Record<string, unknown> {
    const environments: Record<string, { awsAccountId: string; namePrefix: string }> = {};
    const developerPrincipals = new Set<string>();
    const consumerPrincipals = new Set<string>();
    for (const file of fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
        const config = ((load(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<
            string,
            unknown
        >;
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

/**
 * Resources of a stack's checkpoint (`pulumi stack export`) in the form parity compares: the
 * inputs each resource was deployed with, the values its provider computed, and what it depends
 * on. Secrets become digests (the export must carry their plain text: `--show-secrets`), assets
 * their content hashes.
 */
import { ComparedResource, isCompared, resourceOptions } from "./resources";
import { assetValue, secretValue } from "./values";

import { ARCHIVE_SIG, ASSET_SIG, SECRET_SIG, SIG } from "../value-signatures";

const ASSET_SIGS = new Set([ASSET_SIG, ARCHIVE_SIG]);

/** A resource as `pulumi stack export` writes it (the fields parity reads). */
export interface CheckpointResource {
    urn: string;
    type: string;
    custom?: boolean;
    /** The physical id (custom resources). */
    id?: string;
    external?: boolean;
    delete?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
    provider?: string;
    ignoreChanges?: string[];
    additionalSecretOutputs?: string[];
    customTimeouts?: Record<string, number>;
    retainOnDelete?: boolean;
    replaceOnChanges?: string[];
}

/** Thrown for a secret the export holds only encrypted. */
export class EncryptedSecretError extends Error {}

/** True when a compared resource holds a secret (so the export must show secrets to compare them). */
export function holdsSecrets(resources: readonly CheckpointResource[]): boolean {
    return resources.filter(isComparedEntry).some((r) => JSON.stringify([r.inputs, r.outputs]).includes(SECRET_SIG));
}

/** Live resources parity compares: not reads (StackReferences), not pending deletions, not engine bookkeeping. */
function isComparedEntry(resource: CheckpointResource): boolean {
    return !resource.external && !resource.delete && isCompared(resource.type);
}

export function comparedResourcesOf(resources: readonly CheckpointResource[]): ComparedResource[] {
    return resources.filter(isComparedEntry).map((r) => {
        const inputs = convertMap(r.inputs ?? {}, r.urn);
        const outputs = convertMap(r.outputs ?? {}, r.urn);
        const computed = Object.fromEntries(Object.entries(outputs).filter(([key]) => !(key in inputs)));
        return {
            urn: r.urn,
            type: r.type,
            custom: r.custom === true,
            inputs,
            computed,
            dependencies: [...(r.dependencies ?? [])],
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, urns]) => [key, [...urns]])),
            protect: r.protect === true,
            ...optionsOf(r),
            ...(r.provider ? { provider: r.provider } : {}),
        };
    });
}

function convertMap(values: Record<string, unknown>, urn: string): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, convert(value, urn)]));
}

function convert(value: unknown, urn: string): unknown {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((item) => convert(item, urn));
    }
    const record = value as Record<string, unknown>;
    const sig = record[SIG];
    if (sig === SECRET_SIG) {
        if (typeof record.plaintext !== "string") {
            throw new EncryptedSecretError(`the state of ${urn} holds an encrypted secret; export it with --show-secrets to compare it`);
        }
        return secretValue(JSON.parse(record.plaintext));
    }
    if (typeof sig === "string" && ASSET_SIGS.has(sig)) {
        return assetValue(typeof record.hash === "string" ? record.hash : "(no hash)");
    }
    return convertMap(record, urn);
}

function optionsOf(resource: CheckpointResource): { options?: ReturnType<typeof resourceOptions> } {
    const options = resourceOptions(resource);
    return options ? { options } : {};
}

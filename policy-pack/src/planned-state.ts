/**
 * Prod's resources as the engine passes them to a stack policy (the plan during preview, the
 * result after an update), in the form desired-state parity compares: values unknown during
 * preview, secrets and file assets carry their markers (contract/desired-state/values.ts).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { PolicyResource } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { ComparedResource, isCompared } from "./contract/desired-state/resources";
import { UNKNOWN_VALUE, assetValue, secretValue } from "./contract/desired-state/values";
import { pathKey, secretPathsOf } from "./secret-paths";
import { isUnknownValue, rawProps } from "./unknowns";

export async function plannedResources(resources: readonly PolicyResource[]): Promise<ComparedResource[]> {
    return Promise.all(
        resources.filter((r) => isCompared(r.type)).map(async (r): Promise<ComparedResource> => {
            const raw = rawProps(r.props);
            const secrets = secretPathsOf(raw);
            return {
                urn: r.urn,
                type: r.type,
                // Custom resources (providers included) have a provider; components do not.
                custom: r.provider !== undefined || r.type.startsWith("pulumi:providers:"),
                inputs: (await convert(raw, [], secrets)) as Record<string, unknown>,
                dependencies: r.dependencies.map((d) => d.urn),
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
                protect: r.opts.protect === true,
                ...(r.provider ? { provider: r.provider.urn } : {}),
            };
        }),
    );
}

async function convert(value: unknown, path: (string | number)[], secrets: ReadonlySet<string>): Promise<unknown> {
    if (secrets.has(pathKey(path))) {
        return secretValue(await plain(value));
    }
    if (isUnknownValue(value)) {
        return UNKNOWN_VALUE;
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        return assetValue(await assetHash(value));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return Promise.all((value as unknown[]).map((item, i) => convert(item, [...path, i], secrets)));
    }
    const entries = await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await convert(item, [...path, key], secrets)] as const));
    return Object.fromEntries(entries);
}

/** A secret's value without proxies or asset objects, for its digest. */
async function plain(value: unknown): Promise<unknown> {
    return convert(value, [], new Set());
}

/** Pulumi's hash of a file or text asset: the SHA-256 of its content, as the checkpoint records it. */
async function assetHash(asset: pulumi.asset.Asset | pulumi.asset.Archive): Promise<string> {
    const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");
    if (asset instanceof pulumi.asset.StringAsset) {
        return sha256(await asset.text);
    }
    if (asset instanceof pulumi.asset.FileAsset) {
        const file = await asset.path;
        return fs.promises.readFile(file).then(sha256, () => `(unreadable file ${file})`);
    }
    return "(an asset kind parity does not hash)";
}

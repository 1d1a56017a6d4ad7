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
    // Values convert synchronously (a stack may have 10,000 resources); only file assets are awaited, all at once.
    const assets: Promise<void>[] = [];
    const planned = resources.filter((r) => isCompared(r.type)).map((r): ComparedResource => {
        const raw = rawProps(r.props);
        return {
            urn: r.urn,
            type: r.type,
            // Custom resources (providers included) have a provider; components do not.
            custom: r.provider !== undefined || r.type.startsWith("pulumi:providers:"),
            inputs: convert(raw, [], secretPathsOf(raw), assets) as Record<string, unknown>,
            dependencies: r.dependencies.map((d) => d.urn),
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
            protect: r.opts.protect === true,
            ...(r.provider ? { provider: r.provider.urn } : {}),
        };
    });
    await Promise.all(assets);
    return planned;
}

/** The value with markers; an asset's marker is filled in when its hash (queued on `assets`) is known. */
function convert(value: unknown, path: (string | number)[], secrets: ReadonlySet<string>, assets: Promise<void>[]): unknown {
    if (secrets.size > 0 && secrets.has(pathKey(path))) {
        return secretValue(convert(value, [], new Set(), []));
    }
    if (isUnknownValue(value)) {
        return UNKNOWN_VALUE;
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        const marker = assetValue("");
        assets.push(assetHash(value).then((hash) => void Object.assign(marker, assetValue(hash))));
        return marker;
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return (value as unknown[]).map((item, i) => convert(item, [...path, i], secrets, assets));
    }
    const converted: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
        converted[key] = convert(item, [...path, key], secrets, assets);
    }
    return converted;
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

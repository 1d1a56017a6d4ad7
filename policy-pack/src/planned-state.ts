/**
 * Prod's resources as the engine passes them to a stack policy (the plan during preview, the
 * result after an update), in the form desired-state parity compares: a resource's own inputs (as
 * its Analyze call recorded them, planned-inputs.ts) apart from what its provider computed, and
 * values unknown during preview, secrets and file assets with their markers
 * (contract/desired-state/values.ts). A file asset's relative path is the program's: it is read
 * from the program's directory.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PolicyResource } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { ComparedResource, isCompared, resourceOptions } from "./contract/desired-state/resources";
import { UNKNOWN_VALUE, assetValue, secretValue, setOwn } from "./contract/desired-state/values";
import { recordedInputs } from "./planned-inputs";
import { pathKey, secretPathsOf } from "./secret-paths";
import { isUnknownValue, rawProps } from "./unknowns";

export interface PlannedState {
    resources: ComparedResource[];
    /** Custom resources whose inputs no Analyze call recorded: their settings cannot be told from computed values. */
    unrecorded: string[];
}

export async function plannedResources(resources: readonly PolicyResource[], programDirectory: string = process.cwd()): Promise<PlannedState> {
    // Values convert synchronously (a stack may have 10,000 resources); only file assets are awaited, all at once.
    const assets: Promise<void>[] = [];
    const unrecorded: string[] = [];
    const convertAll = (props: Record<string, unknown>) => convert(props, [], secretPathsOf(props), { assets, programDirectory }) as Record<string, unknown>;
    const planned = resources
        .filter((r) => isCompared(r.type))
        .map((r): ComparedResource => {
            // Custom resources (providers included) have a provider; components do not.
            const custom = r.provider !== undefined || r.type.startsWith("pulumi:providers:");
            const outputs = convertAll(rawProps(r.props));
            const recorded = recordedInputs(r.urn);
            if (custom && !recorded) {
                unrecorded.push(r.urn);
            }
            const inputs = recorded ? convertAll(recorded) : outputs;
            const options = resourceOptions(r.opts);
            return {
                urn: r.urn,
                type: r.type,
                custom,
                inputs,
                // With the inputs known, the rest of the outputs is what the provider computed.
                ...(recorded ? { computed: Object.fromEntries(Object.entries(outputs).filter(([key]) => !(key in inputs))) } : {}),
                dependencies: r.dependencies.map((d) => d.urn),
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
                protect: r.opts.protect === true,
                ...(options ? { options } : {}),
                ...(r.provider ? { provider: r.provider.urn } : {}),
            };
        });
    await Promise.all(assets);
    return { resources: planned, unrecorded };
}

/** One resource's inputs as its Analyze call passes them, converted as above (step-time parity). */
export async function plannedInputs(props: Record<string, unknown>, programDirectory: string): Promise<Record<string, unknown>> {
    const assets: Promise<void>[] = [];
    const raw = rawProps(props);
    const inputs = convert(raw, [], secretPathsOf(raw), { assets, programDirectory }) as Record<string, unknown>;
    await Promise.all(assets);
    return inputs;
}

interface Conversion {
    /** Hashes of file assets, filled into their markers when read. */
    assets: Promise<void>[];
    programDirectory: string;
}

/**
 * The value with markers; an asset's marker is filled in when its hash (queued on `assets`) is known.
 * `at` is the value's path, tracked only while some value of the resource is secret (most have none).
 */
function convert(value: unknown, at: (string | number)[], secrets: ReadonlySet<string>, conversion: Conversion): unknown {
    if (secrets.size > 0 && secrets.has(pathKey(at))) {
        return secretValue(convert(value, [], new Set(), { ...conversion, assets: [] }));
    }
    if (isUnknownValue(value)) {
        return UNKNOWN_VALUE;
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        const marker = assetValue("");
        conversion.assets.push(assetHash(value, conversion.programDirectory).then((hash) => void Object.assign(marker, assetValue(hash))));
        return marker;
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return (value as unknown[]).map((item, i) => convert(item, secrets.size > 0 ? [...at, i] : at, secrets, conversion));
    }
    const converted: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
        setOwn(converted, key, convert(item, secrets.size > 0 ? [...at, key] : at, secrets, conversion));
    }
    return converted;
}

/**
 * Each file's hash, read once per pack process: many resources carry the same file (a job's script), and
 * both parity policies hash every one. The program's files do not change during an update.
 */
const fileHashes = new Map<string, Promise<string>>();

/** Pulumi's hash of a file or text asset: the SHA-256 of its content, as the checkpoint records it. */
async function assetHash(asset: pulumi.asset.Asset | pulumi.asset.Archive, programDirectory: string): Promise<string> {
    if (asset instanceof pulumi.asset.StringAsset) {
        return sha256(await asset.text);
    }
    if (asset instanceof pulumi.asset.FileAsset) {
        const file = path.resolve(programDirectory, await asset.path);
        let hash = fileHashes.get(file);
        if (hash === undefined) {
            hash = fs.promises.readFile(file).then(sha256, () => `(unreadable file ${file})`);
            fileHashes.set(file, hash);
        }
        return hash;
    }
    return "(an asset kind parity does not hash)";
}

function sha256(content: string | Buffer): string {
    return createHash("sha256").update(content).digest("hex");
}

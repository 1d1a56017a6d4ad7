/**
 * Reads a stack's parity-relevant config from its stack file (`Pulumi.<stack>.yaml`), with
 * the defaults the program applies, without running the program or decrypting secrets.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { UsageError } from "../kit";
import { CONFIG_KEY_NAMES, CONFIG_KEYS, qualified } from "../../../src/config";
import { KeySpec } from "../../../src/config/schema";
import { parseValue } from "../../../src/config/values";
import {
    canonicalJson,
    ENVIRONMENT_SPECIFIC_KEYS,
    EnvironmentAddress,
    ENVIRONMENTS,
    EnvironmentValues,
    isEnvironmentSpecificKey,
} from "../../../policy-pack/src/contract";
/** A parity-relevant config value as a stack file holds it. */
export type ParityValue = string | number | boolean | string[];

/** Stands in for an encrypted value: stack files of different stacks cannot be compared on it. */
export const ENCRYPTED = "[secret: encrypted in the stack file; compare with --deployed]";

/** A stack file is missing or wrong: bad input (exit 2), reported with what to fix. */
export class StackFileError extends UsageError {}

export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** A stack file's document; a missing or unreadable file is a StackFileError. */
function stackFileDocument(projectDir: string, stack: string): { config?: unknown; environment?: unknown } {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) {
        throw new StackFileError(
            `no stack file ${path.relative(process.cwd(), file) || file} for stack "${stack}"; create the stack with \`pulumi stack init ${stack}\``,
        );
    }
    try {
        return (yaml.load(fs.readFileSync(file, "utf8")) as { config?: unknown; environment?: unknown } | null) ?? {};
    } catch (error) {
        throw new StackFileError(`${file} is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
}

/** The `config:` map of a stack file; a missing or unreadable file is a StackFileError. */
function stackFileConfig(projectDir: string, stack: string): Record<string, unknown> {
    return (stackFileDocument(projectDir, stack).config ?? {}) as Record<string, unknown>;
}

/**
 * The `config:` map of the stack file the CLI reads for `stack`, when that file alone says what the stack's config
 * is; undefined when only the CLI can say: no such file (config kept elsewhere), an unreadable one, or one that
 * imports ESC environments (whose values the CLI resolves). Reading it saves a CLI start per value.
 */
export function configOfStackFileAlone(projectDir: string, stack: string): Record<string, unknown> | undefined {
    let document: { config?: unknown; environment?: unknown };
    try {
        document = stackFileDocument(projectDir, stack);
    } catch {
        return undefined;
    }
    const config = document.config ?? {};
    const plainMap = config !== null && typeof config === "object" && !Array.isArray(config);
    return plainMap && document.environment === undefined ? (config as Record<string, unknown>) : undefined;
}

/** True for a stack file's encrypted value (`secure: <ciphertext>`). */
export function isEncryptedValue(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
}

export function parityConfigFromStackFile(projectDir: string, stack: string): Record<string, ParityValue> {
    const file = stackFilePath(projectDir, stack);
    const config = stackFileConfig(projectDir, stack);
    const parity: Record<string, ParityValue> = {};
    for (const key of CONFIG_KEY_NAMES.filter((k) => !isEnvironmentSpecificKey(k))) {
        const raw = config[qualified(key)];
        if (isEncryptedValue(raw)) {
            parity[key] = ENCRYPTED;
        } else if (raw === undefined) {
            const fallback = (CONFIG_KEYS[key] as KeySpec).default;
            if (fallback !== undefined) {
                parity[key] = fallback as ParityValue;
            }
        } else {
            const parsed = parseValue(CONFIG_KEYS[key], typeof raw === "string" ? raw : JSON.stringify(raw));
            if (!parsed.ok) {
                throw new StackFileError(
                    `${file}: ${qualified(key)} is ${parsed.found}, which the program rejects; run \`pulumi preview -s ${stack}\` for the full message`,
                );
            }
            parity[key] = parsed.value as ParityValue;
        }
    }
    return parity;
}

/** One parity-relevant key whose value differs between two stack files (values as canonical JSON, `(absent)` when unset). */
export interface StackFileDifference {
    /** The key as the program names it (`glueNumberOfWorkers`). */
    key: string;
    /** The key as a stack file spells it (`atlas:glueNumberOfWorkers`). */
    setting: string;
    from: string;
    to: string;
}

export interface StackFileComparison {
    differences: StackFileDifference[];
    /** Keys encrypted in both files: they cannot be compared from the files (the deployed states can). */
    encrypted: string[];
}

/** Two stacks' stack files, parity-relevant key by key (`npm run parity`, and promote's pull-request report). */
export function compareStackFiles(projectDir: string, from: string, to: string): StackFileComparison {
    const [fromConfig, toConfig] = [parityConfigFromStackFile(projectDir, from), parityConfigFromStackFile(projectDir, to)];
    const keys = [...new Set([...Object.keys(fromConfig), ...Object.keys(toConfig)])].sort();
    const encrypted = keys.filter((key) => fromConfig[key] === ENCRYPTED && toConfig[key] === ENCRYPTED);
    const shown = (value: ParityValue | undefined) => (value === undefined ? "(absent)" : canonicalJson(value));
    return {
        differences: keys
            .filter((key) => !encrypted.includes(key) && canonicalJson(fromConfig[key] ?? null) !== canonicalJson(toConfig[key] ?? null))
            .map((key) => ({ key, setting: qualified(key), from: shown(fromConfig[key]), to: shown(toConfig[key]) })),
        encrypted,
    };
}

/** What the stack files say about every environment, for the pack's cross-environment guardrails. */
export interface EnvironmentFacts {
    /** Each environment's account and name prefix. */
    addresses: Record<string, EnvironmentAddress>;
    /** Every developer principal named in any stack file (dev's, in practice). */
    developerPrincipals: string[];
    /** Every consumer principal named in any stack file (prod's, in practice). */
    consumerPrincipals: string[];
}

/**
 * Reads the dev, staging and prod stack files, so the pack can refuse a resource in one
 * environment that names another environment's account, prefix, developers or consumers.
 * Fails closed: a missing or unreadable file, or one without its identity, is an error.
 */
export function environmentFacts(projectDir: string): EnvironmentFacts {
    const facts: EnvironmentFacts = { addresses: {}, developerPrincipals: [], consumerPrincipals: [] };
    for (const stack of ENVIRONMENTS) {
        const config = stackFileConfig(projectDir, stack);
        const [environment, awsAccountId, namePrefix] = ["environment", "awsAccountId", "namePrefix"].map((key) => config[qualified(key)]);
        if (environment !== stack || typeof awsAccountId !== "string" || typeof namePrefix !== "string") {
            throw new StackFileError(
                `${stackFilePath(projectDir, stack)} must set atlas:environment: ${stack}, atlas:awsAccountId and atlas:namePrefix (the release tooling passes every environment's identity to the policy pack)`,
            );
        }
        facts.addresses[stack] = { awsAccountId, namePrefix };
        facts.developerPrincipals.push(...stringList(config[qualified("developerPrincipals")]));
        facts.consumerPrincipals.push(...stringList(config[qualified("consumerPrincipals")]));
    }
    facts.developerPrincipals = [...new Set(facts.developerPrincipals)].sort();
    facts.consumerPrincipals = [...new Set(facts.consumerPrincipals)].sort();
    return facts;
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * A stack's values of the environment-specific keys from its stack file, with the program's
 * defaults: what parity sets aside for that stack. Encrypted values are left out (they are never
 * decrypted here); such a value then compares as itself.
 */
export function environmentValues(projectDir: string, stack: string): EnvironmentValues {
    const config = stackFileConfig(projectDir, stack);
    const values: Record<string, string | string[]> = {};
    for (const key of ENVIRONMENT_SPECIFIC_KEYS) {
        const raw = config[qualified(key)] ?? (CONFIG_KEYS[key as keyof typeof CONFIG_KEYS] as KeySpec | undefined)?.default;
        if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") {
            values[key] = String(raw);
        } else if (Array.isArray(raw)) {
            values[key] = stringList(raw);
        }
    }
    return values;
}

/**
 * Reads a stack's parity-relevant config from its stack file (`Pulumi.<stack>.yaml`), with
 * the defaults the program applies, without running the program or decrypting secrets.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_KEY_NAMES, CONFIG_KEYS, qualified } from "../../src/config";
import { KeySpec } from "../../src/config/schema";
import { parseValue } from "../../src/config/values";
import { isEnvironmentSpecificKey } from "../../policy-pack/src/contract/environment-keys";
import { ParityValue } from "../../policy-pack/src/contract/release-facts";

/** Stands in for an encrypted value: stack files of different stacks cannot be compared on it. */
export const ENCRYPTED = "[secret: encrypted in the stack file; compare with --deployed]";

export class StackFileError extends Error {}

export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

export function parityConfigFromStackFile(projectDir: string, stack: string): Record<string, ParityValue> {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) {
        throw new StackFileError(`no stack file ${path.relative(process.cwd(), file) || file} for stack "${stack}"; create the stack with \`pulumi stack init ${stack}\``);
    }
    let document: unknown;
    try {
        document = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new StackFileError(`${file} is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    const config = ((document as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    const parity: Record<string, ParityValue> = {};
    for (const key of CONFIG_KEY_NAMES.filter((k) => !isEnvironmentSpecificKey(k))) {
        const raw = config[qualified(key)];
        if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && "secure" in raw) {
            parity[key] = ENCRYPTED;
        } else if (raw === undefined) {
            const fallback = (CONFIG_KEYS[key] as KeySpec).default;
            if (fallback !== undefined) {
                parity[key] = fallback as ParityValue;
            }
        } else {
            const parsed = parseValue(CONFIG_KEYS[key], typeof raw === "string" ? raw : JSON.stringify(raw));
            if (!parsed.ok) {
                throw new StackFileError(`${file}: ${qualified(key)} is ${parsed.found}, which the program rejects; run \`pulumi preview -s ${stack}\` for the full message`);
            }
            parity[key] = parsed.value as ParityValue;
        }
    }
    return parity;
}

export interface EnvironmentAddress {
    awsAccountId: string;
    namePrefix: string;
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
 * Reads every stack file beside Pulumi.yaml, so the pack can refuse a resource in one
 * environment that names another environment's account, prefix, developers or consumers.
 */
export function environmentFacts(projectDir: string): EnvironmentFacts {
    const facts: EnvironmentFacts = { addresses: {}, developerPrincipals: [], consumerPrincipals: [] };
    for (const file of fs.readdirSync(projectDir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).sort()) {
        const config = (yaml.load(fs.readFileSync(path.join(projectDir, file), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
        const [environment, awsAccountId, namePrefix] = ["environment", "awsAccountId", "namePrefix"].map((key) => config[qualified(key)]);
        if (typeof environment === "string" && typeof awsAccountId === "string" && typeof namePrefix === "string") {
            facts.addresses[environment] = { awsAccountId, namePrefix };
        }
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

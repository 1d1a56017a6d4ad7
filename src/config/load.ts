import * as pulumi from "@pulumi/pulumi";
import { isEnvironmentSpecificKey } from "../../policy-pack/src/contract";
import { removeCommand, setCommand } from "./fixes";
import { ConfigError, ConfigProblem } from "./problems";
import { CROSS_RULES } from "./rules";
import { AtlasConfig, CONFIG_KEY_NAMES, CONFIG_NAMESPACE, ConfigKey, qualified, specOf } from "./schema";
import { expectation, parseValue } from "./values";

/** The raw config of one stack, as Pulumi hands it to the program. */
export interface ConfigSource {
    stack: string;
    /** Fully qualified keys (`atlas:environment`) to raw strings; lists and numbers as JSON. */
    values: Record<string, string>;
    isSecret(qualifiedKey: string): boolean;
}

/** The running stack's config. */
export function pulumiConfigSource(): ConfigSource {
    return { stack: pulumi.getStack(), values: pulumi.runtime.allConfig(), isSecret: isConfigSecret };
}

/** Validates the whole config and returns it typed, or throws one ConfigError listing every problem. */
export function loadAtlasConfig(source: ConfigSource = pulumiConfigSource()): AtlasConfig {
    const problems: ConfigProblem[] = [...unknownKeyProblems(source)];
    const config: Partial<Record<ConfigKey, unknown>> = {};
    const invalid = new Set<ConfigKey>();
    for (const key of CONFIG_KEY_NAMES) {
        const result = readKey(source, key);
        if ("problem" in result) {
            problems.push(result.problem);
            invalid.add(key);
        } else {
            config[key] = result.value;
        }
    }
    const checked = config as Partial<AtlasConfig>;
    for (const rule of CROSS_RULES.filter((r) => !r.keys.some((key) => invalid.has(key)))) {
        const problem = rule.check(checked, source.stack);
        if (problem) {
            problems.push(problem);
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(source.stack, problems);
    }
    return config as AtlasConfig;
}

function readKey(source: ConfigSource, key: ConfigKey): { value: unknown } | { problem: ConfigProblem } {
    const spec = specOf(key);
    const raw = source.values[qualified(key)];
    // Pulumi.yaml declares optional keys with the default "", so "" means unset.
    if (raw === undefined || raw === "") {
        if (spec.required) {
            return { problem: { key: qualified(key), found: "no value", expected: expectation(spec), fix: setCommand(source.stack, key) } };
        }
        return { value: spec.default };
    }
    const parsed = parseValue(spec, raw);
    if (!parsed.ok) {
        return { problem: { key: qualified(key), found: parsed.found, expected: expectation(spec), fix: setCommand(source.stack, key) } };
    }
    if (!spec.secret && !isEnvironmentSpecificKey(key) && source.isSecret(qualified(key))) {
        // Parity keys are compared between staging and prod, and parity reports a secret as its
        // digest; a digest of a small value space (a number, an enum) would give the secret away.
        return {
            problem: {
                key: qualified(key),
                found: "a secret value",
                expected: "a plain value (staging and prod compare it, and parity reports it)",
                fix: setCommand(source.stack, key),
            },
        };
    }
    if (spec.secret && !source.isSecret(qualified(key))) {
        return {
            problem: {
                key: qualified(key),
                found: "a plain-text value",
                expected: "a secret (it must never be stored or shown in plain text)",
                fix: setCommand(source.stack, key),
            },
        };
    }
    return { value: parsed.value };
}

function unknownKeyProblems(source: ConfigSource): ConfigProblem[] {
    const known = new Set<string>(CONFIG_KEY_NAMES.map(qualified));
    return Object.keys(source.values)
        .filter((key) => key.startsWith(`${CONFIG_NAMESPACE}:`) && !known.has(key))
        .sort()
        .map((key) => ({
            key,
            found: "a key the program does not know",
            expected: "one of the keys declared in Pulumi.yaml (a typo, or a key from another release?)",
            fix: removeCommand(source.stack, key.slice(CONFIG_NAMESPACE.length + 1)),
        }));
}

/**
 * Whether the engine marked a config key as secret. `pulumi.runtime` exports this function but
 * the SDK leaves it out of the type declarations (it is marked internal).
 */
function isConfigSecret(qualifiedKey: string): boolean {
    const fn = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    if (!fn) {
        throw new Error("@pulumi/pulumi no longer exports pulumi.runtime.isConfigSecret; update the secret check in src/config/load.ts");
    }
    return fn(qualifiedKey);
}

/**
 * A deployed stack's values of the environment-specific keys (ENVIRONMENT_SPECIFIC_CONFIG): its stack file's, and the
 * digests of those it holds as secrets. Parity sets these aside, in the gate's evidence and in `parity --deployed`.
 */
import { ENVIRONMENT_SPECIFIC_CONFIG, EnvironmentValues, secretValue } from "../../../policy-pack/src/contract";
import { UsageError } from "../kit";
import { configOfStackFileAlone, environmentValues, isEncryptedValue } from "./stack-file-config";
import { shortName, StackSource } from "./stack-source";

/** A stack's values of the environment-specific keys: its stack file's in the checkout, and its secrets' digests. */
export async function deployedEnvironmentValues(source: StackSource, environment: string, stack: string): Promise<EnvironmentValues> {
    return { ...environmentValues(source.checkout, environment), ...(await secretEnvironmentValues(source, stack)) };
}

/**
 * The environment-specific keys a stack holds as secrets (an on-call endpoint), as digests: parity
 * sets a secret equal to one aside like any environment-specific value. Decrypted here only, to
 * digest it and check its shape; the value itself goes nowhere.
 */
async function secretEnvironmentValues(source: StackSource, stack: string): Promise<EnvironmentValues> {
    const secrets = await secretKeys(source, stack);
    const values: Record<string, ReturnType<typeof secretValue>> = {};
    for (const [key, { shape }] of Object.entries(ENVIRONMENT_SPECIFIC_CONFIG).filter(([key]) => secrets.has(`atlas:${key}`))) {
        const plain = await decrypted(source, stack, key);
        if (shape && !shape.pattern.test(plain)) {
            throw new UsageError(
                `${stack}'s secret atlas:${key} is not ${shape.description}; parity sets it aside only in that shape: pulumi config set --stack ${stack} --secret atlas:${key} <value>`,
            );
        }
        values[key] = secretValue(plain);
    }
    return values;
}

/** The stack's config keys held as secrets: from the stack file the CLI reads when it alone says, else from the CLI. */
async function secretKeys(source: StackSource, stack: string): Promise<Set<string>> {
    const fromFile = configOfStackFileAlone(source.projectDir, shortName(stack));
    if (fromFile) {
        return new Set(Object.keys(fromFile).filter((key) => isEncryptedValue(fromFile[key])));
    }
    const config = JSON.parse(await source.pulumi(["config", "--json", "--stack", stack])) as Record<string, { secret?: boolean }>;
    return new Set(Object.keys(config).filter((key) => config[key]?.secret === true));
}

async function decrypted(source: StackSource, stack: string, key: string): Promise<string> {
    try {
        return (await source.pulumi(["config", "get", `atlas:${key}`, "--stack", stack])).replace(/\n$/, "");
    } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split("\n").find((line) => line.includes("error")) ?? "";
        throw new Error(
            `could not decrypt ${stack}'s secret atlas:${key} to set it aside in parity (${reason.trim()}); give the deploy role kms:Decrypt on ${stack}'s secrets key and promote again`,
        );
    }
}

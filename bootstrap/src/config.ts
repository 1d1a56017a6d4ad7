/**
 * The bootstrap's own settings (Pulumi.yaml's `config:`), typed and checked once. Everything about the
 * environments (accounts, regions, name prefixes) is read from their stack files instead (accounts.ts).
 */
import * as pulumi from "@pulumi/pulumi";

export interface BootstrapConfig {
    /** `owner/name` of the GitHub repository whose workflows assume the roles. */
    githubRepository: string;
    /** The account holding the state bucket and the secrets keys. */
    toolingAccountId: string;
    toolingRegion: string;
    /** The state bucket's name; the backend is `s3://<stateBucket>`. */
    stateBucket: string;
}

const SETTINGS: Record<keyof BootstrapConfig, { pattern: RegExp; hint: string }> = {
    githubRepository: { pattern: /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, hint: "owner/name, as in https://github.com/owner/name" },
    toolingAccountId: { pattern: /^\d{12}$/, hint: "12 digits" },
    toolingRegion: { pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/, hint: "an AWS region such as eu-west-1" },
    stateBucket: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: "an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)" },
};

/** Reads and checks the settings from a plain map (the stack's config, or a test's); throws naming every bad one. */
export function parseBootstrapConfig(read: (key: string) => string | undefined, stack: string): BootstrapConfig {
    const problems: string[] = [];
    const config: Partial<BootstrapConfig> = {};
    for (const [key, { pattern, hint }] of Object.entries(SETTINGS) as [keyof BootstrapConfig, { pattern: RegExp; hint: string }][]) {
        const value = read(key);
        if (value === undefined || !pattern.test(value)) {
            problems.push(
                `atlas-bootstrap:${key} is ${value === undefined ? "not set" : JSON.stringify(value)}; expected ${hint} (pulumi config set -s ${stack} ${key} …)`,
            );
        } else {
            config[key] = value;
        }
    }
    if (problems.length > 0) {
        throw new Error(`bootstrap config of stack ${stack}:\n  ${problems.join("\n  ")}`);
    }
    return config as BootstrapConfig;
}

export function loadBootstrapConfig(): BootstrapConfig {
    const config = new pulumi.Config();
    return parseBootstrapConfig((key) => config.get(key), pulumi.getStack());
}

/**
 * Which AWS accounts the release needs, read from the environments' stack files (`Pulumi.<env>.yaml` beside the
 * main program) with the program's own config schema, so a new environment of the model is bootstrapped with no
 * change here. Accounts are grouped: one bootstrap stack per account, named after the account's first environment
 * in model order (the OIDC provider exists once per account), each holding the roles of every environment it hosts.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ENVIRONMENT_MODEL, underscored } from "../../policy-pack/src/contract";
import { CONFIG_KEYS, qualified } from "../../src/config";
import { parseValue } from "../../src/config/values";

/** Where an environment lives and what it names its resources, from its stack file. */
export interface EnvironmentAccount {
    environment: string;
    accountId: string;
    region: string;
    namePrefix: string;
    /** The environment whose state this one reads (the model's promotedFrom: prod reads staging's). */
    upstream?: string;
    /** Name stems of the environment's extra stacks (`dev-`, `pr-`): their state is the environment's too. */
    extraStackPrefixes: string[];
}

/** One bootstrap stack: an account and the environments it hosts. */
export interface AccountStack {
    stack: string;
    accountId: string;
    region: string;
    environments: EnvironmentAccount[];
}

export const TOOLING_STACK = "tooling";

/** The main project's directory (its Pulumi.yaml and stack files), from bootstrap/src. */
export const MAIN_PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The main project's name (its state objects live under it in the backend). */
export function mainProjectName(projectDir: string = MAIN_PROJECT_DIR): string {
    const name = (yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown } | null)?.name;
    if (typeof name !== "string") {
        throw new Error(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
    }
    return name;
}

/** Every environment of the model with its account, region and name prefix; fails naming the stack file and key. */
export function environmentAccounts(projectDir: string = MAIN_PROJECT_DIR): EnvironmentAccount[] {
    return ENVIRONMENT_MODEL.map((spec) => {
        const file = path.join(projectDir, `Pulumi.${spec.name}.yaml`);
        if (!fs.existsSync(file)) {
            throw new Error(`no stack file ${file} for environment ${spec.name}: the bootstrap reads its account and region there`);
        }
        const config = (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
        const read = (key: "awsAccountId" | "awsRegion" | "namePrefix"): string => {
            const raw = config[qualified(key)];
            const parsed = typeof raw === "string" ? parseValue(CONFIG_KEYS[key], raw) : undefined;
            if (!parsed?.ok) {
                throw new Error(`${file}: ${qualified(key)} must be set in plain text (${CONFIG_KEYS[key].description})`);
            }
            return parsed.value as string;
        };
        const promotedFrom: string | undefined = "promotedFrom" in spec ? spec.promotedFrom : undefined;
        return {
            environment: spec.name,
            accountId: read("awsAccountId"),
            region: read("awsRegion"),
            namePrefix: read("namePrefix"),
            ...(promotedFrom ? { upstream: promotedFrom } : {}),
            extraStackPrefixes: spec.extraStacks.map((extra) => extra.prefix),
        };
    });
}

/** The bootstrap stacks of the accounts, in model order. */
export function accountStacks(environments: EnvironmentAccount[]): AccountStack[] {
    const stacks: AccountStack[] = [];
    for (const environment of environments) {
        const existing = stacks.find((s) => s.accountId === environment.accountId);
        if (existing) {
            existing.environments.push(environment);
        } else {
            stacks.push({ stack: environment.environment, accountId: environment.accountId, region: environment.region, environments: [environment] });
        }
    }
    return stacks;
}

/** The spellings of a name prefix in physical names (Glue databases underscore it), as the contract derives them. */
export function prefixSpellings(namePrefix: string): string[] {
    return [...new Set([namePrefix, underscored(namePrefix)])];
}

// The provider configuration the stand-in honours: region, the caller account and its guard, default tags.

/** The account the fake credentials belong to (tests set it to prove the account guard). */
export const CALLER_ACCOUNT_ENV = "ATLAS_STANDIN_CALLER_ACCOUNT";

/** The account the fake credentials belong to when nothing says otherwise (AWS's documentation account). */
const DEFAULT_CALLER_ACCOUNT = "123456789012";

export interface ProviderSettings {
    readonly region: string;
    readonly account: string;
    readonly partition: string;
    readonly dnsSuffix: string;
    readonly defaultTags: Record<string, string>;
}

/**
 * Settings from the Configure request's `variables` (`aws:config:<key>` → string; the engine JSON-encodes
 * non-string values, and the SDK's Provider resource already sends lists and objects as JSON strings).
 * Throws the real provider's errors for a missing region or a caller account outside the allowed set, so a
 * wrong credential cannot touch another environment.
 */
export function settingsFromVariables(variables: Record<string, string>, env: NodeJS.ProcessEnv): ProviderSettings {
    const config = (key: string): string | undefined => variables[`aws:config:${key}`] || undefined;

    const region = config("region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new Error("Missing region information\nMake sure you have set your AWS region, e.g. `pulumi config set aws:region us-west-2`.");
    }

    const allowed = stringList(config("allowedAccountIds"));
    const forbidden = stringList(config("forbiddenAccountIds"));
    const account = env[CALLER_ACCOUNT_ENV] || allowed[0] || DEFAULT_CALLER_ACCOUNT;
    if ((allowed.length > 0 && !allowed.includes(account)) || forbidden.includes(account)) {
        throw new Error(`AWS Account ID not allowed: ${account}`);
    }

    const defaultTags = jsonValue(config("defaultTags")) as { tags?: Record<string, string> } | undefined;
    return {
        region,
        account,
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        defaultTags: { ...defaultTags?.tags },
    };
}

function stringList(raw: string | undefined): string[] {
    const value = jsonValue(raw);
    if (value === undefined) {
        return [];
    }
    return Array.isArray(value) ? value.map(String) : [String(raw)];
}

/** A config value that may hold JSON; stack config can also hold a bare string. */
function jsonValue(raw: string | undefined): unknown {
    if (raw === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

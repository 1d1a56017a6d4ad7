/**
 * What doctor reads from a stack file, read once, as the CLI uses it (an offline workspace's copy holds what only
 * the workspace has: its secrets provider): the secrets provider and the stack's AWS account and region. Nothing is
 * decrypted.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import { stackFilePath } from "../stacks";

export interface StackFileFacts {
    /** `secretsprovider:`, when set (`awskms://…`, `passphrase`, …). */
    provider?: string;
    /** `encryptionsalt:` is set: the stack's secrets are under a passphrase. */
    passphraseSalt: boolean;
    /** `atlas:awsAccountId`. */
    accountId?: string;
    /** `atlas:awsRegion`. */
    region?: string;
}

/** The facts of `Pulumi.<stack>.yaml` in `projectDir`; undefined when there is no such file. */
export function readStackFileFacts(projectDir: string, stack: string): StackFileFacts | undefined {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const document = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown> & { config?: Record<string, unknown> };
    const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : undefined);
    return {
        provider: text(document.secretsprovider),
        passphraseSalt: text(document.encryptionsalt) !== undefined,
        accountId: text(document.config?.["atlas:awsAccountId"]),
        region: text(document.config?.["atlas:awsRegion"]),
    };
}

/**
 * The credentials' account is the stack's `atlas:awsAccountId`: a deploy with another account's credentials fails
 * half-way at the provider's account guard, or — worse, without one — deploys into the wrong account. The account
 * is STS GetCallerIdentity's answer (through the `aws` CLI: the project has no AWS SDK), or, in an offline
 * workspace, the stand-in provider's caller (ATLAS_STANDIN_CALLER_ACCOUNT; unset, the stand-in's credentials are
 * each stack's own). Where neither can answer, the check says it was not made.
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { CALLER_ACCOUNT_ENV } from "../../../tools/stand-in-aws/provider-settings";
import { Finding, notChecked, ok, problem } from "./check-result";

export const accountCheck = (stack: string) => `${stack}'s AWS account`;

/** Whose credentials these are: an account and where the answer came from, or why it could not be had. */
export type CallerIdentity =
    | { readonly account: string; readonly source: string }
    /** The offline stand-in with no caller set: its credentials belong to whichever account the stack allows. */
    | { readonly account: "each stack's own"; readonly source: string }
    | { readonly account: undefined; readonly why: string; readonly noCredentials?: boolean };

/**
 * One finding per stack. With one stack asked for (`--stack`), its account must be the credentials'. With every
 * stack, each lives in its own account: a stack whose account is not the credentials' is not checked when the
 * credentials are another stack's (run doctor for it with its own), and a problem when they are no stack's.
 */
export function accountFindings(accounts: ReadonlyMap<string, string | undefined>, identity: CallerIdentity, oneStack: boolean): Finding[] {
    const stacks = [...accounts.keys()];
    const owners = stacks.filter((stack) => identity.account !== undefined && accounts.get(stack) === identity.account);
    return stacks.map((stack) => {
        const check = accountCheck(stack);
        const expected = accounts.get(stack);
        if (expected === undefined) {
            return problem(
                check,
                `Pulumi.${stack}.yaml sets no atlas:awsAccountId`,
                `pulumi config set --stack ${stack} atlas:awsAccountId <the account's 12 digits>`,
            );
        }
        if (identity.account === undefined) {
            return identity.noCredentials
                ? problem(
                      check,
                      `no AWS credentials: ${identity.why}`,
                      `assume ${stack}'s deploy role in account ${expected} (aws sso login, or the role your CI assumes)`,
                  )
                : notChecked(check, `${identity.why}; compare \`aws sts get-caller-identity\` with ${expected} yourself`);
        }
        if (identity.account === "each stack's own" || identity.account === expected) {
            return ok(check, `${expected}, ${identity.source}`);
        }
        if (!oneStack && owners.length > 0) {
            return notChecked(
                check,
                `the credentials are ${owners.join(" and ")}'s account (${identity.account}); run npm run doctor -- --stack ${stack} with ${stack}'s credentials (account ${expected})`,
            );
        }
        return problem(
            check,
            `the credentials belong to account ${identity.account} (${identity.source}), but ${stack} deploys to ${expected} (atlas:awsAccountId)`,
            `use ${stack}'s credentials (its deploy role in account ${expected}); if the stack file is wrong, pulumi config set --stack ${stack} atlas:awsAccountId <account>`,
        );
    });
}

/** The offline stand-in's caller, as its provider decides it (tools/stand-in-aws/provider-settings.ts). */
export function standInIdentity(env: NodeJS.ProcessEnv): CallerIdentity {
    const account = env[CALLER_ACCOUNT_ENV];
    return account
        ? { account, source: `the stand-in's credentials, ${CALLER_ACCOUNT_ENV}` }
        : { account: "each stack's own", source: `the stand-in's credentials (${CALLER_ACCOUNT_ENV} unset: each stack's own account)` };
}

const run = promisify(execFile);

/** STS GetCallerIdentity through the `aws` CLI, failing fast (one attempt, short timeouts). */
export async function stsIdentity(env: NodeJS.ProcessEnv = process.env): Promise<CallerIdentity> {
    const args = ["sts", "get-caller-identity", "--output", "json", "--cli-connect-timeout", "5", "--cli-read-timeout", "10"];
    try {
        const { stdout } = await run("aws", args, { env: { ...env, AWS_MAX_ATTEMPTS: "1", AWS_RETRY_MODE: "standard", AWS_PAGER: "" }, timeout: 30_000 });
        const answer = JSON.parse(stdout) as { Account?: string; Arn?: string };
        return answer.Account
            ? { account: answer.Account, source: `STS: ${answer.Arn ?? "the caller"}` }
            : { account: undefined, why: "STS answered without an account" };
    } catch (error) {
        const failure = error as { code?: string; stderr?: string; message?: string };
        if (failure.code === "ENOENT") {
            return { account: undefined, why: "STS was not asked: no AWS SDK in node_modules and no aws CLI on PATH" };
        }
        const reason = (failure.stderr || failure.message || "").trim().split("\n").filter(Boolean).pop() ?? "no answer";
        return /Unable to locate credentials|NoCredentialProviders|could not be found/i.test(reason)
            ? { account: undefined, why: reason, noCredentials: true }
            : { account: undefined, why: `STS could not be reached: ${reason}` };
    }
}

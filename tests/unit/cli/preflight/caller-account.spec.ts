/**
 * Doctor's account check (cli/lib/preflight/caller-account.ts): the credentials' account against each stack's
 * `atlas:awsAccountId`, from STS through the `aws` CLI (a fake one on a PATH of its own here) or, offline, the
 * stand-in provider's caller. Where nobody could say whose credentials these are, the check says so: never ok.
 */
import { strict as assert } from "assert";
import { accountFindings, CallerIdentity, standInIdentity, stsIdentity } from "../../../../cli/lib/preflight/caller-account";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { CALLER_ACCOUNT_ENV, settingsFromVariables } from "../../../../tools/stand-in-aws/provider-settings";
import { FakeAwsCli, pathWithoutAws } from "../../../support/fake-aws-cli";

const ACCOUNTS = new Map([
    ["dev", "111111111111"],
    ["staging", "222222222222"],
    ["prod", "333333333333"],
]);
const STS = (account: string): CallerIdentity => ({ account, source: `STS: arn:aws:sts::${account}:assumed-role/atlas-deploy/ci` });
const lines = (accounts: ReadonlyMap<string, string | undefined>, identity: CallerIdentity, oneStack = false) =>
    accountFindings(accounts, identity, oneStack).map(findingLine);

describe("doctor: the credentials' AWS account", () => {
    describe("against the stacks' accounts", () => {
        it("is ok for a stack deployed with its own account's credentials", () => {
            assert.deepEqual(lines(new Map([["prod", "333333333333"]]), STS("333333333333"), true), [
                "ok  prod's AWS account (333333333333, STS: arn:aws:sts::333333333333:assumed-role/atlas-deploy/ci)",
            ]);
        });

        it("is a problem for one stack (--stack) whose account the credentials are not, with the stack's own credentials as the fix", () => {
            const [line] = lines(new Map([["prod", "333333333333"]]), STS("222222222222"), true);
            assert.match(line, /^✘ {3}prod's AWS account: the credentials belong to account 222222222222 \(STS: [^)]*\), but prod deploys to 333333333333/);
            assert.match(line, /to fix: use prod's credentials \(its deploy role in account 333333333333\)/);
        });

        it("checking every stack, leaves the other stacks' accounts not checked when the credentials are one stack's (each lives in its own)", () => {
            const [dev, staging, prod] = lines(ACCOUNTS, STS("222222222222"));
            assert.match(staging, /^ok {2}staging's AWS account \(222222222222/);
            assert.match(
                dev,
                /^\?\? {2}dev's AWS account: not checked: the credentials are staging's account \(222222222222\); run npm run doctor -- --stack dev/,
            );
            assert.match(prod, /^\?\? {2}prod's AWS account: not checked: .*with prod's credentials \(account 333333333333\)$/);
        });

        it("checking every stack, is a problem for each when the credentials are no stack's", () => {
            const found = lines(ACCOUNTS, STS("999999999999"));
            assert.equal(found.length, 3);
            found.forEach((line, i) =>
                assert.match(line, new RegExp(`^✘ {3}${[...ACCOUNTS.keys()][i]}'s AWS account: the credentials belong to account 999999999999`)),
            );
        });

        it("is a problem for a stack file without atlas:awsAccountId, whoever the credentials are", () => {
            const [line] = lines(new Map([["staging", undefined]]), STS("222222222222"), true);
            assert.match(
                line,
                /^✘ {3}staging's AWS account: Pulumi\.staging\.yaml sets no atlas:awsAccountId; to fix: pulumi config set --stack staging atlas:awsAccountId /,
            );
        });

        it("is not checked, never ok, when STS could not answer, and says how to compare by hand", () => {
            const found = lines(ACCOUNTS, { account: undefined, why: "STS could not be reached: Could not connect to the endpoint URL" });
            assert.equal(found.length, 3);
            for (const [i, line] of found.entries()) {
                const [stack, account] = [...ACCOUNTS.entries()][i];
                assert.match(
                    line,
                    new RegExp(
                        `^\\?\\? {2}${stack}'s AWS account: not checked: STS could not be reached: .*; compare \`aws sts get-caller-identity\` with ${account} yourself$`,
                    ),
                );
            }
        });

        it("is a problem when there are no credentials at all, with the stack's deploy role as the fix", () => {
            const [line] = lines(new Map([["prod", "333333333333"]]), { account: undefined, why: "Unable to locate credentials.", noCredentials: true }, true);
            assert.match(
                line,
                /^✘ {3}prod's AWS account: no AWS credentials: Unable to locate credentials\.; to fix: assume prod's deploy role in account 333333333333/,
            );
        });
    });

    describe("offline, the stand-in provider's caller", () => {
        it("is ATLAS_STANDIN_CALLER_ACCOUNT when set, as the stand-in provider decides it", () => {
            const identity = standInIdentity({ [CALLER_ACCOUNT_ENV]: "222222222222" });
            assert.equal(identity.account, "222222222222");
            assert.match(
                lines(new Map([["prod", "333333333333"]]), identity, true)[0],
                /^✘ {3}prod's AWS account: the credentials belong to account 222222222222 \(the stand-in's credentials, ATLAS_STANDIN_CALLER_ACCOUNT\)/,
            );
        });

        it("unset (or empty), is each stack's own account: the stand-in's credentials are whatever the stack allows", () => {
            for (const env of [{}, { [CALLER_ACCOUNT_ENV]: "" }]) {
                assert.deepEqual(
                    lines(ACCOUNTS, standInIdentity(env)).map((line) => line.slice(0, 4)),
                    ["ok  ", "ok  ", "ok  "],
                );
            }
        });

        it("agrees with the stand-in provider: what doctor calls another account's credentials, the provider refuses", () => {
            const prodProvider = { "aws:config:region": "eu-west-1", "aws:config:allowedAccountIds": JSON.stringify(["333333333333"]) };
            assert.equal(settingsFromVariables(prodProvider, {}).account, "333333333333", "unset: the stack's own account");
            assert.throws(() => settingsFromVariables(prodProvider, { [CALLER_ACCOUNT_ENV]: "222222222222" }), /AWS Account ID not allowed: 222222222222/);
        });
    });

    describe("from STS, through the aws CLI", () => {
        const ask = async (answer: ConstructorParameters<typeof FakeAwsCli>[0]) => {
            const aws = new FakeAwsCli(answer);
            try {
                return await stsIdentity(aws.env());
            } finally {
                aws.remove();
            }
        };

        it("is the account GetCallerIdentity answers, named with the caller's ARN", async () => {
            const arn = "arn:aws:sts::333333333333:assumed-role/atlas-deploy/ci";
            const identity = await ask({ stdout: JSON.stringify({ UserId: "AROA:ci", Account: "333333333333", Arn: arn }) });
            assert.deepEqual(identity, { account: "333333333333", source: `STS: ${arn}` });
        });

        it("is 'no credentials' when the CLI finds none", async () => {
            const identity = await ask({
                stderr: '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n',
                exitCode: 255,
            });
            assert.deepEqual(identity, {
                account: undefined,
                why: 'Unable to locate credentials. You can configure credentials by running "aws configure".',
                noCredentials: true,
            });
        });

        it("is unknown, with the CLI's last line, when STS cannot be reached", async () => {
            const identity = await ask({ stderr: '\nCould not connect to the endpoint URL: "https://sts.eu-west-1.amazonaws.com/"\n', exitCode: 255 });
            assert.equal(identity.account, undefined);
            assert.ok(!("noCredentials" in identity && identity.noCredentials), "an unreachable STS is not a missing credential");
            assert.match(
                "why" in identity ? identity.why : "",
                /^STS could not be reached: Could not connect to the endpoint URL: "https:\/\/sts\.eu-west-1\.amazonaws\.com\/"$/,
            );
        });

        it("is unknown when STS answers without an account", async () => {
            assert.deepEqual(await ask({ stdout: "{}" }), { account: undefined, why: "STS answered without an account" });
        });

        it("is unknown, saying STS was not asked, when there is no aws CLI on PATH", async () => {
            const empty = pathWithoutAws();
            try {
                const identity = await stsIdentity(empty.env);
                assert.equal(identity.account, undefined);
                assert.match("why" in identity ? identity.why : "", /^STS was not asked: .*no aws CLI on PATH$/);
            } finally {
                empty.remove();
            }
        });
    });
});

/** Every validation rule stops the program before any resource, with a message that says what to do. */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { ConfigError } from "../../src/config";
import { ProgramRun, RunOptions, StackName, TEST_ONCALL_ENDPOINT, programResources, runAtlas, runStack } from "./support/atlas-under-mocks";

interface Case {
    rule: string;
    stack: StackName;
    options: RunOptions;
    /** Lines the message must contain, in order. */
    message: string[];
    /** Run the stack file without the secrets it needs. */
    withoutSecrets?: true;
}

const CASES: Case[] = [
    {
        rule: "an enum key takes one of its values",
        stack: "dev",
        options: { set: { "atlas:environment": "qa" } },
        message: [`atlas:environment: found "qa"; expected one of "dev", "staging", "prod".`, "Fix: pulumi config set --stack dev atlas:environment staging"],
    },
    {
        rule: "the account id is 12 digits",
        stack: "dev",
        options: { set: { "atlas:awsAccountId": "1111" } },
        message: [`atlas:awsAccountId: found "1111"; expected 12 digits.`, "Fix: pulumi config set --stack dev atlas:awsAccountId 222222222222"],
    },
    {
        rule: "the region is an AWS region",
        stack: "dev",
        options: { set: { "atlas:awsRegion": "Ireland" } },
        message: [`atlas:awsRegion: found "Ireland"; expected an AWS region such as eu-west-1.`],
    },
    {
        rule: "an integer key takes an integer",
        stack: "dev",
        options: { set: { "atlas:glueNumberOfWorkers": "many" } },
        message: [
            `atlas:glueNumberOfWorkers: found "many"; expected an integer from 2 to 299.`,
            "Fix: pulumi config set --stack dev atlas:glueNumberOfWorkers 10",
        ],
    },
    {
        rule: "an integer key stays in its range",
        stack: "dev",
        options: { set: { "atlas:kmsDeletionWindowDays": "3" } },
        message: [`atlas:kmsDeletionWindowDays: found "3"; expected an integer from 7 to 30.`],
    },
    {
        rule: "log retention is one of CloudWatch's periods",
        stack: "dev",
        options: { set: { "atlas:logRetentionDays": "10" } },
        message: [`atlas:logRetentionDays: found "10"; expected one of 1, 3, 5, 7, 14, 30,`],
    },
    {
        rule: "a boolean key takes true or false",
        stack: "dev",
        options: { set: { "atlas:bucketVersioning": "yes" } },
        message: [`atlas:bucketVersioning: found "yes"; expected true or false.`],
    },
    {
        rule: "the schedule is an EventBridge expression",
        stack: "dev",
        options: { set: { "atlas:pipelineSchedule": "daily" } },
        message: [
            `atlas:pipelineSchedule: found "daily"; expected an EventBridge schedule expression`,
            `Fix: pulumi config set --stack dev atlas:pipelineSchedule 'cron(0 3 * * ? *)'`,
        ],
    },
    {
        rule: "a principal list is a list",
        stack: "dev",
        options: { set: { "atlas:developerPrincipals": "arn:aws:iam::111111111111:role/dev" } },
        message: [
            "atlas:developerPrincipals: found",
            "expected a list of IAM role or user ARNs",
            "Fix: pulumi config set --stack dev --path 'atlas:developerPrincipals[0]' arn:aws:iam::111111111111:role/atlas-developers",
        ],
    },
    {
        rule: "a principal list holds IAM ARNs",
        stack: "dev",
        options: { set: { "atlas:developerPrincipals": JSON.stringify(["alice"]) } },
        message: [`atlas:developerPrincipals: found "[\\"alice\\"]"; expected a list of IAM role or user ARNs`],
    },
    {
        rule: "required keys are set",
        stack: "dev",
        options: { remove: ["atlas:teamAlertEmail"] },
        message: [
            "atlas:teamAlertEmail: found no value; expected an e-mail address.",
            "Fix: pulumi config set --stack dev atlas:teamAlertEmail atlas-team@example.com",
        ],
    },
    {
        rule: "unknown atlas keys are refused",
        stack: "dev",
        options: { set: { "atlas:glueWorkers": "4" } },
        message: ["atlas:glueWorkers: found a key the program does not know", "Fix: pulumi config rm --stack dev atlas:glueWorkers"],
    },
    {
        rule: "developers get access in dev only",
        stack: "staging",
        options: { set: { "atlas:developerPrincipals": JSON.stringify(["arn:aws:iam::222222222222:role/dev"]) } },
        message: [
            `atlas:developerPrincipals: found 1 principal(s) in environment "staging"; expected no principals outside dev`,
            "Fix: pulumi config rm --stack staging atlas:developerPrincipals",
        ],
    },
    {
        rule: "QA gets access in staging only",
        stack: "prod",
        options: { set: { "atlas:qaPrincipals": JSON.stringify(["arn:aws:iam::333333333333:role/qa"]) } },
        message: [`atlas:qaPrincipals: found 1 principal(s) in environment "prod"; expected no principals outside staging`],
    },
    {
        rule: "consumers get access in prod only",
        stack: "staging",
        options: { set: { "atlas:consumerPrincipals": JSON.stringify(["arn:aws:iam::222222222222:role/reader"]) } },
        message: [`atlas:consumerPrincipals: found 1 principal(s) in environment "staging"; expected no principals outside prod`],
    },
    {
        rule: "staging and prod protect stateful resources",
        stack: "staging",
        options: { set: { "atlas:protectStatefulResources": "false" } },
        message: [
            `atlas:protectStatefulResources: found false in environment "staging"`,
            "Fix: pulumi config set --stack staging atlas:protectStatefulResources true",
        ],
    },
    {
        rule: "prod names its upstream stack",
        stack: "prod",
        options: { remove: ["atlas:upstreamStack"] },
        message: [`atlas:upstreamStack: found no value in environment "prod"`, "Fix: pulumi config set --stack prod atlas:upstreamStack staging"],
    },
    {
        rule: "a stack is not its own upstream",
        stack: "prod",
        options: { set: { "atlas:upstreamStack": "org/atlas/prod" } },
        message: [`atlas:upstreamStack: found "org/atlas/prod"; expected another stack than this one`],
    },
    {
        rule: "prod pages on-call",
        stack: "prod",
        options: { set: { "atlas:routeAlertsToOncall": "false" } },
        message: [`atlas:routeAlertsToOncall: found false in environment "prod"`],
    },
    {
        rule: "routing alerts to on-call needs the endpoint, set as a secret",
        stack: "prod",
        options: {},
        withoutSecrets: true,
        message: [
            "atlas:oncallEndpoint: found no value while atlas:routeAlertsToOncall is true",
            "Fix: pulumi config set --stack prod --secret atlas:oncallEndpoint https://...",
        ],
    },
    {
        rule: "the on-call endpoint is refused in plain text",
        stack: "prod",
        options: { set: { "atlas:oncallEndpoint": TEST_ONCALL_ENDPOINT } },
        withoutSecrets: true,
        message: ["atlas:oncallEndpoint: found a plain-text value; expected a secret", "Fix: pulumi config set --stack prod --secret atlas:oncallEndpoint"],
    },
    {
        rule: "the on-call endpoint is https, and a bad one is not echoed",
        stack: "prod",
        options: { secrets: { "atlas:oncallEndpoint": "http://pager.example.com/token-123" } },
        message: ["atlas:oncallEndpoint: found a value (hidden, it is a secret); expected an https:// URL."],
    },
    {
        rule: "a parity key is never a secret (staging and prod compare it, and parity reports it)",
        stack: "staging",
        options: { secrets: { "atlas:glueNumberOfWorkers": "10" } },
        message: [
            "atlas:glueNumberOfWorkers: found a secret value; expected a plain value",
            "Fix: pulumi config set --stack staging atlas:glueNumberOfWorkers",
        ],
    },
    {
        rule: "the name prefix contains the environment",
        stack: "staging",
        options: { set: { "atlas:namePrefix": "atlas-prod" } },
        message: [
            `atlas:namePrefix: found "atlas-prod"; expected a prefix containing the environment name "staging"`,
            "Fix: pulumi config set --stack staging atlas:namePrefix atlas-staging",
        ],
    },
];

function assertRefused(run: ProgramRun, lines: string[]): void {
    assert.ok(run.error, "the program ran");
    assert.ok(run.error instanceof ConfigError, `not a ConfigError: ${run.error}`);
    assert.ok(pulumi.RunError.isInstance(run.error), "Pulumi would print a stack trace");
    let from = 0;
    for (const line of lines) {
        const at = run.error.message.indexOf(line, from);
        assert.ok(at >= 0, `message lacks ${JSON.stringify(line)}:\n${run.error.message}`);
        from = at + line.length;
    }
    assert.deepEqual(
        programResources(run).map((r) => r.name),
        [],
        "resources were registered",
    );
}

describe("config validation", () => {
    for (const c of CASES) {
        it(c.rule, async () => {
            const run = c.withoutSecrets ? await runAtlas(c.stack, c.options) : await runStack(c.stack, c.options);
            assertRefused(run, c.message);
            assert.ok(!run.error?.message.includes("token-123"), "the message shows a secret");
            assert.match(run.error?.message ?? "", new RegExp(`^Stack "${c.stack}" has 1 config problem; nothing was deployed:`));
        });
    }

    it("lists every problem in one message", async () => {
        const run = await runStack("dev", {
            set: { "atlas:environment": "qa", "atlas:glueNumberOfWorkers": "0", "atlas:typo": "x" },
            remove: ["atlas:teamAlertEmail"],
        });
        assertRefused(run, ['Stack "dev" has 4 config problems', "atlas:typo", "atlas:environment", "atlas:teamAlertEmail", "atlas:glueNumberOfWorkers"]);
    });
});

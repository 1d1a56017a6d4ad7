/** iam-actions-exist and access-within-model: every action real, every grant inside the access model (contract/access-model.ts). */
import * as assert from "assert";
import { Environment } from "../src/contract/environment-identity";
import { accessWithinModel } from "../src/policies/access-within-model";
import { iamActionsExist } from "../src/policies/iam-actions-exist";
import { ACCOUNTS, CONSUMER, PREFIXES, PROVIDER, QA, compliantStack, trustPolicy } from "./fixtures";
import { ResourceSpec, UNKNOWN_STRING, messagesOf, onlyMessage } from "./helpers";

type Doc = Record<string, unknown>;
const allow = (Action: string | string[], Resource: string | string[], extra: Doc = {}): Doc => ({ Effect: "Allow", Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[], extra: Doc = {}): Doc => ({ Effect: "Deny", Action, Resource, ...extra });
const doc = (...statements: Doc[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

const bucket = (env: Environment, role: string) => `arn:aws:s3:::${PREFIXES[env]}-${role}-${ACCOUNTS[env]}`;
const keyArn = (env: Environment) => `arn:aws:kms:eu-west-1:${ACCOUNTS[env]}:key/1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d`;
const SERVICE_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** The compliant stack plus a role `<name>-role` with the inline policy `<name>-policy`. */
function withRole(env: Environment, name: string, trust: string, policy: string | Doc[]): ResourceSpec[] {
    return [
        ...compliantStack(env),
        { type: "aws:iam/role:Role", name: `${name}-role`, props: { name: `${PREFIXES[env]}-${name}-test`, assumeRolePolicy: trust }, provider: PROVIDER },
        {
            type: "aws:iam/rolePolicy:RolePolicy",
            name: `${name}-policy`,
            props: { role: `${PREFIXES[env]}-${name}-test`, policy: typeof policy === "string" ? policy : doc(...policy) },
            provider: PROVIDER,
            dependsOn: { role: [`${name}-role`] },
        },
    ];
}

/** What the program grants a reader: its zones, query results, the key, the catalog, the workgroup. */
function readerStatements(env: Environment, zones: string[]): Doc[] {
    const region = "eu-west-1";
    const db = (z: string) => `${PREFIXES[env].replace(/-/g, "_")}_${z}`;
    return [
        allow(
            ["s3:ListBucket", "s3:GetBucketLocation"],
            zones.map((z) => bucket(env, z)),
        ),
        allow(
            ["s3:GetObject", "s3:GetObjectVersion"],
            zones.map((z) => `${bucket(env, z)}/*`),
        ),
        allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], `${bucket(env, "query-results")}/*`),
        allow(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"], keyArn(env)),
        allow(
            ["glue:GetDatabase", "glue:GetTables", "glue:GetPartitions"],
            [
                `arn:aws:glue:${region}:${ACCOUNTS[env]}:catalog`,
                ...zones.flatMap((z) => [
                    `arn:aws:glue:${region}:${ACCOUNTS[env]}:database/${db(z)}`,
                    `arn:aws:glue:${region}:${ACCOUNTS[env]}:table/${db(z)}/*`,
                ]),
            ],
        ),
        allow(
            ["athena:StartQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup"],
            `arn:aws:athena:${region}:${ACCOUNTS[env]}:workgroup/${PREFIXES[env]}`,
        ),
    ];
}

const qaStack = (...extra: Doc[]) =>
    withRole("staging", "qa", trustPolicy(QA), [...readerStatements("staging", ["landing", "curated", "published"]), ...extra]);
const consumerStack = (...extra: Doc[]) => withRole("prod", "consumer", trustPolicy(CONSUMER), [...readerStatements("prod", ["published"]), ...extra]);

describe("iam-actions-exist", () => {
    it("lets every compliant stack and the program's reader policies through", async () => {
        for (const env of ["dev", "staging", "prod"] as Environment[]) {
            assert.deepStrictEqual(await messagesOf(iamActionsExist, env, compliantStack(env)), [], env);
        }
        assert.deepStrictEqual(await messagesOf(iamActionsExist, "staging", qaStack()), []);
    });

    it("refuses a misspelt action, naming it and the nearest real actions", async () => {
        const message = await onlyMessage(iamActionsExist, "staging", qaStack(allow("s3:GetObjcet", `${bucket("staging", "published")}/*`)));
        assert.match(
            message,
            /inline policy of aws:iam\/rolePolicy:RolePolicy "qa-policy" names Action "s3:GetObjcet": "s3:GetObjcet" is not an action of s3, so IAM accepts it and it grants nothing/,
        );
        assert.match(message, /To fix: use the real action meant: s3:GetObject\b/);
    });

    it("accepts wildcards that match actions (s3:Get*, s3:*), refuses one that matches none", async () => {
        assert.deepStrictEqual(await messagesOf(iamActionsExist, "staging", qaStack(allow(["s3:Get*", "s3:*", "*"], "*"))), []);
        assert.match(await onlyMessage(iamActionsExist, "staging", qaStack(allow("s3:Frobnicate*", "*"))), /"s3:Frobnicate\*" matches no action of s3/);
    });

    it("refuses an unknown service and a malformed entry, and checks NotAction as well as Action", async () => {
        assert.match(
            await onlyMessage(iamActionsExist, "staging", qaStack(allow("s4:GetObject", "*"))),
            /service "s4" is not in AWS's catalogue[\s\S]*To fix: use the real action meant: .*s3:GetObject/,
        );
        assert.match(await onlyMessage(iamActionsExist, "staging", qaStack(allow("GetObject", "*"))), /"GetObject" is not of the form service:action/);
        assert.match(
            await onlyMessage(iamActionsExist, "staging", qaStack({ Effect: "Deny", NotAction: "s3:GetObjectVersoin", Resource: "*" })),
            /names NotAction "s3:GetObjectVersoin"[\s\S]*it excludes nothing[\s\S]*s3:GetObjectVersion/,
        );
    });

    it("checks resource policies and trust policies too", async () => {
        const stack = withRole(
            "staging",
            "qa",
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: QA }, Action: "sts:AssumeRol" }] }),
            readerStatements("staging", ["published"]),
        );
        assert.match(
            await onlyMessage(iamActionsExist, "staging", stack),
            /the trust policy of aws:iam\/role:Role "qa-role" names Action "sts:AssumeRol"[\s\S]*sts:AssumeRole/,
        );
    });

    it("leaves a document unknown at preview to the update", async () => {
        assert.deepStrictEqual(await messagesOf(iamActionsExist, "staging", withRole("staging", "qa", trustPolicy(QA), UNKNOWN_STRING)), []);
    });
});

describe("access-within-model", () => {
    it("lets every compliant stack and the program's reader roles through", async () => {
        for (const env of ["dev", "staging", "prod"] as Environment[]) {
            assert.deepStrictEqual(await messagesOf(accessWithinModel, env, compliantStack(env)), [], env);
        }
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "staging", qaStack()), []);
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "prod", consumerStack()), []);
    });

    it("refuses a QA role that may write a data zone, naming role, action, level and resource", async () => {
        const zone = `${bucket("staging", "published")}/*`;
        const message = await onlyMessage(accessWithinModel, "staging", qaStack(allow("s3:PutObject", zone)));
        assert.match(
            message,
            new RegExp(
                `aws:iam/role:Role "qa-role" \\(qa\\) may s3:PutObject \\[Write\\] on ${zone.replace(/[*.]/g, "\\$&")} \\(the published zone\\), which the access model does not give qa`,
            ),
        );
        assert.match(message, /To fix: remove the grant; qa may hold List\/Read on the landing zone/);
    });

    it("refuses s3:* on a zone, one finding per level rather than per action", async () => {
        const messages = await messagesOf(accessWithinModel, "staging", qaStack(allow("s3:*", `${bucket("staging", "curated")}/*`)));
        assert.ok(messages.length >= 2 && messages.length <= 4, messages.join("\n"));
        assert.ok(
            messages.some((m) => /may s3:\w+, s3:\w+, s3:\w+, s3:\w+ and \d+ more \[Write\] on .*curated/.test(m)),
            messages.join("\n"),
        );
        assert.ok(messages.some((m) => /\[Permissions management, Write\]/.test(m)));
    });

    it("refuses a consumer role that reads the landing zone or may decrypt with any key", async () => {
        assert.match(
            await onlyMessage(accessWithinModel, "prod", consumerStack(allow("s3:GetObject", `${bucket("prod", "landing")}/*`))),
            /"consumer-role" \(consumers\) may s3:GetObject \[Read\] on .*landing.* \(the landing zone\)/,
        );
        assert.match(await onlyMessage(accessWithinModel, "prod", consumerStack(allow("kms:Decrypt", "*"))), /may kms:Decrypt \[Write\] on \* \(the key\)/);
    });

    it("lets an unconditioned Deny remove a Write, but not a conditioned one; judges a conditioned Allow as granted", async () => {
        const zone = `${bucket("staging", "published")}/*`;
        assert.deepStrictEqual(
            await messagesOf(accessWithinModel, "staging", qaStack(allow("s3:PutObject", zone), deny("s3:Put*", `${bucket("staging", "*")}/*`))),
            [],
        );
        assert.deepStrictEqual(
            await messagesOf(accessWithinModel, "staging", qaStack(allow("s3:PutObject", zone), { Effect: "Deny", NotAction: "s3:Get*", Resource: "*" })),
            [],
        );
        const conditionedDeny = deny("s3:PutObject", zone, { Condition: { Bool: { "aws:SecureTransport": "false" } } });
        assert.match(await onlyMessage(accessWithinModel, "staging", qaStack(allow("s3:PutObject", zone), conditionedDeny)), /may s3:PutObject \[Write\]/);
        const conditionedAllow = allow("s3:PutObject", zone, { Condition: { StringEquals: { "aws:PrincipalTag/team": "qa" } } });
        assert.match(await onlyMessage(accessWithinModel, "staging", qaStack(conditionedAllow)), /may s3:PutObject \[Write\]/);
    });

    it("refuses an Allow with NotAction (every other action) to QA", async () => {
        assert.match(
            await onlyMessage(accessWithinModel, "staging", qaStack({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
            /may \* except iam:\* \[List, Read, Write, Permissions management, Tagging\] on \*/,
        );
    });

    it("lets the services write their own environment and act account-wide only where AWS defines no resource", async () => {
        const own = [
            allow(["s3:PutObject", "s3:DeleteObject"], `${bucket("staging", "curated")}/*`),
            allow(["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups"], "*"),
            allow("cloudwatch:PutMetricData", "*", { Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } }),
            allow("iam:PassRole", `arn:aws:iam::${ACCOUNTS.staging}:role/${PREFIXES.staging}-pipeline`),
        ];
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "staging", withRole("staging", "pipeline", SERVICE_TRUST, own)), []);
        const messages = await messagesOf(
            accessWithinModel,
            "staging",
            withRole("staging", "pipeline", SERVICE_TRUST, [
                ...own,
                allow(["s3:PutObject", "iam:PassRole"], "*"),
                allow("s3:PutObject", "arn:aws:s3:::atlas-prod-curated-333333333333/*"),
            ]),
        );
        assert.deepStrictEqual(messages.map((m) => /may (.*?) \[(.*?)\] on (\S+?)(?: \(|,)/.exec(m)?.slice(1).join(" ") ?? m).sort(), [
            "s3:PutObject Write arn:aws:s3:::atlas-prod-curated-333333333333/*",
            "s3:PutObject, iam:PassRole Write *",
        ]);
    });

    it("judges a managed policy attached to the role as well as inline ones", async () => {
        const stack: ResourceSpec[] = [
            ...qaStack(),
            {
                type: "aws:iam/policy:Policy",
                name: "qa-extra",
                props: { policy: doc(allow("s3:DeleteObject", `${bucket("staging", "landing")}/*`)) },
                outputs: { arn: "arn:aws:iam::222222222222:policy/qa-extra" },
                provider: PROVIDER,
            },
            {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name: "qa-extra-attachment",
                props: { role: `${PREFIXES.staging}-qa-test`, policyArn: "arn:aws:iam::222222222222:policy/qa-extra" },
                provider: PROVIDER,
                dependsOn: { role: ["qa-role"], policyArn: ["qa-extra"] },
            },
        ];
        assert.match(await onlyMessage(accessWithinModel, "staging", stack), /"qa-role" \(qa\) may s3:DeleteObject \[Write\] on .*landing/);
    });

    it("refuses a role of an audience its environment does not grant, and a role held by nobody the model knows", async () => {
        assert.match(
            await onlyMessage(accessWithinModel, "prod", withRole("prod", "qa", trustPolicy(QA), [])),
            /"qa-role" is a qa role, but prod grants qa nothing \(ADR-0041: qa use staging\)/,
        );
        assert.match(
            await onlyMessage(accessWithinModel, "prod", withRole("prod", "break-glass", trustPolicy("arn:aws:iam::999999999999:root"), [])),
            /"break-glass-role" is held by no one the access model knows/,
        );
    });
});

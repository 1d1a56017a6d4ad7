/** iam-actions-exist and access-within-model: every action real, every grant inside the access model (contract/access-model.ts). */
import * as assert from "assert";
import { Environment } from "../src/contract/environment-identity";
import { accessWithinModel } from "../src/policies/access-within-model";
import { iamActionsExist } from "../src/policies/iam-actions-exist";
import { iamDocumentsKnownAtPreview } from "../src/policies/iam-documents-known-at-preview";
import { ACCOUNTS, CONSUMER, PREFIXES, PROVIDER, QA, compliantStack, trustPolicy } from "./fixtures";
import { ResourceSpec, UNKNOWN_STRING, messagesOf, onlyMessage, runPolicy } from "./helpers";

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
function withRole(env: Environment, name: string, trust: string, policy: string | Doc[], policyFrom: string[] = []): ResourceSpec[] {
    return [
        ...compliantStack(env),
        { type: "aws:iam/role:Role", name: `${name}-role`, props: { name: `${PREFIXES[env]}-${name}-test`, assumeRolePolicy: trust }, provider: PROVIDER },
        {
            type: "aws:iam/rolePolicy:RolePolicy",
            name: `${name}-policy`,
            props: { role: `${PREFIXES[env]}-${name}-test`, policy: typeof policy === "string" ? policy : doc(...policy) },
            provider: PROVIDER,
            dependsOn: { role: [`${name}-role`], ...(policyFrom.length > 0 ? { policy: policyFrom } : {}) },
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

/** The compliant stack plus a bucket policy and a topic policy holding the given statements. */
function withResourcePolicies(env: Environment, bucketStatements: Doc[], topicStatements: Doc[] = []): ResourceSpec[] {
    const name = `${PREFIXES[env]}-published-${ACCOUNTS[env]}`;
    return [
        ...compliantStack(env),
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: "published-bucket-policy",
            props: { bucket: name, policy: doc(...bucketStatements) },
            provider: PROVIDER,
        },
        ...(topicStatements.length > 0
            ? [
                  {
                      type: "aws:sns/topicPolicy:TopicPolicy",
                      name: "alert-topic-policy",
                      props: { arn: "x", policy: doc(...topicStatements) },
                      provider: PROVIDER,
                  },
              ]
            : []),
    ];
}

describe("access-within-model on resource policies", () => {
    const consumer = { Principal: { AWS: [CONSUMER] } };
    it("lets a consumer principal read prod's published zone, and AWS services write the environment's own topic", async () => {
        const topic = `arn:aws:sns:eu-west-1:${ACCOUNTS.prod}:atlas-prod-alerts`;
        const stack = withResourcePolicies(
            "prod",
            [allow(["s3:GetObject", "s3:ListBucket"], [bucket("prod", "published"), `${bucket("prod", "published")}/*`], consumer)],
            [allow("sns:Publish", topic, { Principal: { Service: "cloudwatch.amazonaws.com" } })],
        );
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "prod", stack), []);
    });

    it("refuses a bucket policy letting consumers read the landing zone, naming policy, action, level and resource", async () => {
        const landing = `${bucket("prod", "landing")}/*`;
        const message = await onlyMessage(accessWithinModel, "prod", withResourcePolicies("prod", [allow("s3:GetObject", landing, consumer)]));
        assert.match(
            message,
            /the bucket policy of aws:s3\/bucketPolicy:BucketPolicy "published-bucket-policy" lets consumers s3:GetObject \[Read\] on arn:aws:s3:::atlas-prod-landing-333333333333\/\* \(the landing zone\), which the access model does not give consumers/,
        );
    });

    it("refuses a principal the model does not know, and a service writing outside its environment", async () => {
        const stranger = "arn:aws:iam::999999999999:root";
        const elsewhere = "arn:aws:sns:eu-west-1:999999999999:their-topic";
        const messages = await messagesOf(
            accessWithinModel,
            "prod",
            withResourcePolicies(
                "prod",
                [allow("s3:GetObject", `${bucket("prod", "published")}/*`, { Sid: "Partner", Principal: { AWS: stranger } })],
                [allow("sns:Publish", elsewhere, { Principal: { Service: "cloudwatch.amazonaws.com" } })],
            ),
        );
        assert.equal(messages.length, 2, messages.join("\n"));
        assert.match(
            messages[0],
            /\(statement Partner\) lets in arn:aws:iam::999999999999:root, whom the access model does not know \(ADR-0041: nobody else\)/,
        );
        assert.match(
            messages[1],
            /topic policy of aws:sns\/topicPolicy:TopicPolicy "alert-topic-policy" lets services sns:Publish \[Write\] on arn:aws:sns:eu-west-1:999999999999:their-topic/,
        );
    });

    it("reads a key policy's Resource * as the key itself, and leaves the account's own root to IAM", async () => {
        const keyPolicy = doc(
            allow("kms:*", "*", { Principal: { AWS: [`arn:aws:iam::${ACCOUNTS.prod}:root`] } }),
            allow(["kms:Decrypt", "kms:GenerateDataKey*"], "*", { Principal: { Service: "cloudwatch.amazonaws.com" } }),
        );
        const stack = compliantStack("prod").map((r) => (r.type === "aws:kms/key:Key" ? { ...r, props: { ...r.props, policy: keyPolicy } } : r));
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "prod", stack), []);
        const open = compliantStack("prod").map((r) =>
            r.type === "aws:kms/key:Key" ? { ...r, props: { ...r.props, policy: doc(allow("kms:Decrypt", "*", consumer)) } } : r,
        );
        assert.deepStrictEqual(await messagesOf(accessWithinModel, "prod", open), [], "consumers may decrypt with their environment's key");
    });
});

describe("iam-documents-known-at-preview", () => {
    it("refuses in staging and prod a document unknown at preview, naming what it is computed from", async () => {
        for (const env of ["staging", "prod"] as Environment[]) {
            const message = await onlyMessage(iamDocumentsKnownAtPreview, env, withRole(env, "qa", trustPolicy(QA), UNKNOWN_STRING, ["qa-role"]));
            assert.match(
                message,
                /^Refused for stack "\w+": the inline policy of aws:iam\/rolePolicy:RolePolicy "qa-policy" is unknown at preview \(computed from "qa-role"\)/,
            );
            assert.match(
                message,
                /so what it grants could be judged only after the update applied it[\s\S]*To fix: build it from names and config known at preview/,
            );
        }
    });

    it("lets dev use outputs (judged after the update there), and passes every known document", async () => {
        const dev = await runPolicy(iamDocumentsKnownAtPreview, "dev", withRole("dev", "developer", trustPolicy(QA), UNKNOWN_STRING));
        assert.match(dev.notApplicable ?? "", /applies to staging and prod only/);
        for (const env of ["staging", "prod"] as Environment[]) {
            assert.deepStrictEqual(await messagesOf(iamDocumentsKnownAtPreview, env, compliantStack(env)), [], env);
        }
        assert.deepStrictEqual(
            await messagesOf(iamDocumentsKnownAtPreview, "staging", withRole("staging", "qa", trustPolicy(QA), readerStatements("staging", ["landing"]))),
            [],
        );
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
        assert.match(
            await onlyMessage(accessWithinModel, "prod", consumerStack(allow("kms:Decrypt", "*"))),
            /may kms:Decrypt \[Write\] on \* \(the environment's key\)/,
        );
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

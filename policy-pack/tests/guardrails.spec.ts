import * as assert from "assert";
import { StackValidationPolicy } from "@pulumi/policy";
import { Environment } from "../src/contract/environment-identity";
import { consumerAccessProdOnly, noDeveloperAccess } from "../src/policies/access";
import { devCostGuardrails } from "../src/policies/dev-cost-guardrails";
import { kmsKeyRotation } from "../src/policies/kms-key-rotation";
import { noCrossEnvironmentReferences } from "../src/policies/no-cross-environment-references";
import { prodStatefulProtected } from "../src/policies/prod-stateful-protected";
import { providerEnvironmentAndAccount } from "../src/policies/provider-environment-and-account";
import { s3BucketProtections } from "../src/policies/s3-bucket-protections";
import { CONSUMER, DEVELOPER, ENVIRONMENTS_CONFIG, PROVIDER, SECRET, compliantStack, identityOf, trustPolicy, withResource } from "./fixtures";
import { ResourceSpec, UNKNOWN_STRING, messagesOf, runPolicy, urnOf } from "./helpers";

const everywhere: [StackValidationPolicy, object][] = [
    [noDeveloperAccess, {}],
    [consumerAccessProdOnly, {}],
    [s3BucketProtections, {}],
    [kmsKeyRotation, {}],
    [prodStatefulProtected, {}],
    [providerEnvironmentAndAccount, {}],
    [noCrossEnvironmentReferences, ENVIRONMENTS_CONFIG],
    [devCostGuardrails, {}],
];

const addRole = (stack: ResourceSpec[], name: string, principal: string): ResourceSpec[] => [
    ...stack,
    { type: "aws:iam/role:Role", name, props: { assumeRolePolicy: trustPolicy(principal) }, provider: PROVIDER },
];

describe("environment guardrails", () => {
    it("let the compliant stack of every environment through, or are not applicable there", async () => {
        for (const environment of ["dev", "staging", "prod"] as Environment[]) {
            for (const [policy, config] of everywhere) {
                const run = await runPolicy(policy, environment, compliantStack(environment), config);
                assert.deepStrictEqual(run.violations, [], `${policy.name} in ${environment}`);
            }
        }
    });

    it("are not applicable outside their environments", async () => {
        const notApplicable = async (policy: StackValidationPolicy, stack: Environment) =>
            (await runPolicy(policy, stack, compliantStack(stack))).notApplicable;
        assert.strictEqual(await notApplicable(noDeveloperAccess, "dev"), 'applies to staging and prod only; stack "dev" is dev');
        assert.strictEqual(await notApplicable(consumerAccessProdOnly, "prod"), 'applies to dev and staging only; stack "prod" is prod');
        assert.strictEqual(await notApplicable(prodStatefulProtected, "dev"), 'applies to staging and prod only; stack "dev" is dev');
        assert.strictEqual(await notApplicable(devCostGuardrails, "prod"), 'applies to dev only; stack "prod" is prod');
    });

    describe("no-developer-access", () => {
        it("refuses a trust policy that lets a developer in, from the stack's list or the policy config's", async () => {
            const stack = addRole(compliantStack("staging"), "debug-role", DEVELOPER);
            assert.deepStrictEqual(await messagesOf(noDeveloperAccess, "staging", stack), []);
            const run = await runPolicy(noDeveloperAccess, "staging", stack, { developerPrincipals: [DEVELOPER] });
            assert.deepStrictEqual(run.violations, [
                {
                    message: `Refused for stack "staging": the trust policy of aws:iam/role:Role "debug-role" allows developer principal ${DEVELOPER} in staging.\nTo fix: remove the grant; developers use dev.`,
                    urn: urnOf("staging", { type: "aws:iam/role:Role", name: "debug-role" }),
                },
            ]);
            const fromStack = compliantStack("staging", { environmentIdentity: identityOf("staging", { developerPrincipals: [DEVELOPER] }) });
            assert.strictEqual((await messagesOf(noDeveloperAccess, "staging", addRole(fromStack, "debug-role", DEVELOPER))).length, 1);
        });

        it("refuses a grant to everyone and developer-* resources", async () => {
            const stack = [
                ...addRole(compliantStack("prod"), "open-role", "*"),
                {
                    type: "aws:iam/role:Role",
                    name: "developer-sandbox",
                    props: { assumeRolePolicy: trustPolicy("arn:aws:iam::333333333333:root") },
                    provider: PROVIDER,
                },
            ];
            assert.deepStrictEqual(
                (await messagesOf(noDeveloperAccess, "prod", stack)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "prod": aws:iam/role:Role "developer-sandbox" is a developer resource in prod.',
                    'Refused for stack "prod": the trust policy of aws:iam/role:Role "open-role" allows everyone (so every developer) in prod.',
                ],
            );
        });

        it("refuses a policy document it cannot read, without quoting it", async () => {
            const stack = [
                ...compliantStack("prod"),
                { type: "aws:iam/role:Role", name: "broken", props: { assumeRolePolicy: `{"Statement": ${SECRET}` }, provider: PROVIDER },
            ];
            assert.deepStrictEqual(
                (await messagesOf(noDeveloperAccess, "prod", stack)).map((m) => m.split("\n")[0]),
                ['Refused for stack "prod": the trust policy of aws:iam/role:Role "broken" is not valid JSON, so who it grants cannot be checked.'],
            );
        });

        it("refuses a missing environmentIdentity (fail closed)", async () => {
            assert.deepStrictEqual(await messagesOf(noDeveloperAccess, "prod", compliantStack("prod", { environmentIdentity: undefined })), [
                'Refused for stack "prod": prod\'s `environmentIdentity` output is missing.\nTo fix: export `environmentIdentity` {environment, awsAccountId, namePrefix, developerPrincipals, consumerPrincipals} from the program.',
            ]);
        });

        it("refuses an environmentIdentity of another environment", async () => {
            const [message] = await messagesOf(noDeveloperAccess, "prod", compliantStack("prod", { environmentIdentity: identityOf("dev") }));
            assert.strictEqual(
                message,
                'Refused for stack "prod": `environmentIdentity` says environment dev, but this is the prod stack.\nTo fix: set atlas:environment to prod in Pulumi.prod.yaml.',
            );
        });

        it("refuses a trust policy unknown during preview", async () => {
            const stack = [
                ...compliantStack("prod"),
                { type: "aws:iam/role:Role", name: "late", props: { assumeRolePolicy: UNKNOWN_STRING }, provider: PROVIDER },
            ];
            const [message] = await messagesOf(noDeveloperAccess, "prod", stack);
            assert.match(message, /the value at \.assumeRolePolicy is unknown during preview \(it is only known once the update runs\)/);
        });
    });

    describe("consumer-access-prod-only", () => {
        it("refuses consumer grants and consumer-* resources in staging", async () => {
            const stack = addRole(compliantStack("staging"), "consumer-read", CONSUMER);
            assert.deepStrictEqual(
                (await messagesOf(consumerAccessProdOnly, "staging", stack, { consumerPrincipals: [CONSUMER] })).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "staging": aws:iam/role:Role "consumer-read" is a consumer resource in staging.',
                    `Refused for stack "staging": the trust policy of aws:iam/role:Role "consumer-read" allows consumer principal ${CONSUMER} in staging.`,
                ],
            );
        });
    });

    describe("s3-bucket-protections", () => {
        it("refuses a bucket without aws:kms encryption, full public access block and TLS-only policy", async () => {
            let stack = withResource(compliantStack("dev"), "raw-encryption", (r) => ({
                ...r,
                props: { ...r.props, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            }));
            stack = withResource(stack, "raw-public-access", (r) => ({
                ...r,
                props: { ...r.props, blockPublicPolicy: false, restrictPublicBuckets: undefined },
            }));
            stack = withResource(stack, "raw-policy", (r) => ({ ...r, props: { ...r.props, policy: JSON.stringify({ Statement: [] }) } }));
            assert.deepStrictEqual(
                (await messagesOf(s3BucketProtections, "dev", stack)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" has no default encryption with aws:kms (found: AES256).',
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" does not block public access: blockPublicPolicy, restrictPublicBuckets not true.',
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" has no bucket policy statement denying requests without TLS.',
                ],
            );
        });

        it("refuses a bucket with no companions at all", async () => {
            const stack = compliantStack("dev").filter((r) => !["raw-encryption", "raw-public-access", "raw-policy"].includes(r.name));
            assert.deepStrictEqual(
                (await messagesOf(s3BucketProtections, "dev", stack)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" has no default encryption with aws:kms (found: none).',
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" does not block public access: no BucketPublicAccessBlock.',
                    'Refused for stack "dev": aws:s3/bucketV2:BucketV2 "raw" has no bucket policy statement denying requests without TLS.',
                ],
            );
        });

        it("matches companions by dependency when the bucket name is unknown during preview", async () => {
            const stack = compliantStack("dev").map((r) =>
                ["raw-encryption", "raw-public-access", "raw-policy"].includes(r.name) ? { ...r, props: { ...r.props, bucket: UNKNOWN_STRING } } : r,
            );
            assert.deepStrictEqual(await messagesOf(s3BucketProtections, "dev", stack), []);
        });

        it("tells two new buckets' companions apart without reading their unknown names", async () => {
            const second = (name: string) => ({
                ...compliantStack("dev").find((r) => r.name === name)!,
                name: `curated${name.slice(3)}`,
                dependsOn: { bucket: ["curated"] },
            });
            const stack = [
                ...compliantStack("dev").map((r) => (r.dependsOn ? { ...r, props: { ...r.props, bucket: UNKNOWN_STRING } } : r)),
                { type: "aws:s3/bucketV2:BucketV2", name: "curated", props: { bucket: UNKNOWN_STRING }, provider: PROVIDER },
                ...["raw-encryption", "raw-public-access"].map(second).map((r) => ({ ...r, props: { ...r.props, bucket: UNKNOWN_STRING } })),
            ];
            assert.deepStrictEqual(
                (await messagesOf(s3BucketProtections, "dev", stack)).map((m) => m.split("\n")[0]),
                ['Refused for stack "dev": aws:s3/bucketV2:BucketV2 "curated" has no bucket policy statement denying requests without TLS.'],
            );
        });

        it("falls back to the resource's dependencies when its bucket property has none recorded", async () => {
            const stack = withResource(compliantStack("dev"), "raw-policy", (r) => ({
                ...r,
                props: { ...r.props, bucket: UNKNOWN_STRING },
                dependsOn: { policy: ["raw"] },
            }));
            assert.deepStrictEqual(await messagesOf(s3BucketProtections, "dev", stack), []);
        });
    });

    it("kms-key-rotation refuses a key that does not rotate", async () => {
        const stack = withResource(compliantStack("staging"), "data-key", (r) => ({ ...r, props: { enableKeyRotation: false } }));
        assert.deepStrictEqual(await messagesOf(kmsKeyRotation, "staging", stack), [
            'Refused for stack "staging": aws:kms/key:Key "data-key" does not rotate (enableKeyRotation is not true).\nTo fix: set enableKeyRotation: true.',
        ]);
    });

    it("prod-stateful-protected refuses an unprotected prod bucket", async () => {
        const stack = withResource(compliantStack("prod"), "raw", (r) => ({ ...r, protect: false }));
        assert.deepStrictEqual(await messagesOf(prodStatefulProtected, "prod", stack), [
            'Refused for stack "prod": aws:s3/bucketV2:BucketV2 "raw" is not protected.\nTo fix: set atlas:protectStatefulResources: true so the program passes protect: true.',
        ]);
    });

    describe("provider-environment-and-account", () => {
        it("refuses a provider with another environment's tag and account", async () => {
            const stack = withResource(compliantStack("prod"), PROVIDER, (r) => ({
                ...r,
                props: { defaultTags: JSON.stringify({ tags: { environment: "staging" } }), allowedAccountIds: JSON.stringify(["222222222222"]) },
            }));
            assert.deepStrictEqual(
                (await messagesOf(providerEnvironmentAndAccount, "prod", stack)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "prod": provider "atlas-aws" (used by aws:kms/key:Key "data-key" and maybe others) tags resources with environment "staging", not prod.',
                    'Refused for stack "prod": provider "atlas-aws" (used by aws:kms/key:Key "data-key" and maybe others) has allowedAccountIds ["222222222222"], not exactly ["333333333333"] (this stack\'s account).',
                ],
            );
        });

        it("refuses resources on the default provider and without a provider", async () => {
            const stack = [
                ...compliantStack("dev"),
                { type: "pulumi:providers:aws", name: "default_7_48_0", props: { region: "eu-west-1" } },
                { type: "aws:sqs/queue:Queue", name: "stray", provider: "default_7_48_0" },
                { type: "aws:sqs/queue:Queue", name: "orphan" },
            ];
            assert.deepStrictEqual(
                (await messagesOf(providerEnvironmentAndAccount, "dev", stack)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "dev": aws:sqs/queue:Queue "orphan" has no provider.',
                    'Refused for stack "dev": provider "default_7_48_0" (used by aws:sqs/queue:Queue "stray" and maybe others) tags resources with environment (none), not dev.',
                    'Refused for stack "dev": provider "default_7_48_0" (used by aws:sqs/queue:Queue "stray" and maybe others) has allowedAccountIds (none), not exactly ["111111111111"] (this stack\'s account).',
                ],
            );
        });
    });

    describe("no-cross-environment-references", () => {
        it("refuses a property that names another environment's account or prefix, without printing it", async () => {
            const stack = [
                ...compliantStack("prod"),
                {
                    type: "aws:sqs/queue:Queue",
                    name: "bridge",
                    props: { policy: `arn:aws:sqs:eu-west-1:222222222222:atlas-staging-events?token=${SECRET}` },
                    provider: PROVIDER,
                },
            ];
            assert.deepStrictEqual(
                (await messagesOf(noCrossEnvironmentReferences, "prod", stack, ENVIRONMENTS_CONFIG)).map((m) => m.split("\n")[0]),
                [
                    'Refused for stack "prod": aws:sqs/queue:Queue "bridge": .policy refers to staging\'s account.',
                    'Refused for stack "prod": aws:sqs/queue:Queue "bridge": .policy refers to staging\'s name prefix.',
                ],
            );
        });

        it("passes over values unknown during preview and still finds the known references", async () => {
            const stack = [
                ...compliantStack("prod"),
                { type: "aws:sqs/queue:Queue", name: "late", props: { kmsKeyArn: UNKNOWN_STRING, tags: { source: "atlas-staging-feed" } }, provider: PROVIDER },
            ];
            assert.deepStrictEqual(
                (await messagesOf(noCrossEnvironmentReferences, "prod", stack, ENVIRONMENTS_CONFIG)).map((m) => m.split("\n")[0]),
                ['Refused for stack "prod": aws:sqs/queue:Queue "late": .tags.source refers to staging\'s name prefix.'],
            );
        });

        it("refuses to run without the environments' identities (fail closed)", async () => {
            const [message] = await messagesOf(noCrossEnvironmentReferences, "dev", compliantStack("dev"));
            assert.match(message, /^Refused for stack "dev": policy config gives no other environment's account id and name prefix/);
        });

        it("refuses identities that cannot be told apart", async () => {
            const config = { environments: { ...ENVIRONMENTS_CONFIG.environments, staging: { awsAccountId: "222222222222", namePrefix: "atlas" } } };
            const [message] = await messagesOf(noCrossEnvironmentReferences, "prod", compliantStack("prod"), config);
            assert.match(message, /staging share\(s\) this stack's account id or overlap\(s\) its name prefix/);
        });
    });

    it("dev-cost-guardrails advises (never refuses) on over-cap Glue, Athena and log settings with configurable caps", async () => {
        let stack = withResource(compliantStack("dev"), "etl", (r) => ({ ...r, props: { numberOfWorkers: 50, workerType: "G.8X" } }));
        stack = withResource(stack, "queries", (r) => ({ ...r, props: { configuration: {} } }));
        stack = withResource(stack, "etl-logs", (r) => ({ ...r, props: { retentionInDays: 0 } }));
        assert.deepStrictEqual(
            (await messagesOf(devCostGuardrails, "dev", stack)).map((m) => m.split("\n")[0]),
            [
                'Advice for stack "dev": aws:glue/job:Job "etl": numberOfWorkers is 50, above the dev cap 10.',
                'Advice for stack "dev": aws:glue/job:Job "etl": workerType "G.8X" is not one of G.1X, G.2X.',
                'Advice for stack "dev": aws:athena/workgroup:Workgroup "queries": configuration.bytesScannedCutoffPerQuery is unset (unbounded), above the dev cap 10737418240.',
                'Advice for stack "dev": aws:cloudwatch/logGroup:LogGroup "etl-logs": retentionInDays is unset (unbounded), above the dev cap 30.',
            ],
        );
        const relaxed = { maxGlueWorkers: 64, allowedGlueWorkerTypes: ["G.8X"], maxAthenaBytesScannedCutoffPerQuery: 1, maxLogRetentionDays: 1 };
        assert.strictEqual((await messagesOf(devCostGuardrails, "dev", stack, relaxed)).length, 2);
    });
});

/** npm run access's report: what each role and resource policy of a stack's state allows, per service and level, judged against the access model. */
import { strict as assert } from "assert";
import { CheckpointResource } from "../../../policy-pack/src/contract";
import { accessReportOf } from "../../../cli/lib/operations";
import { PLANNED_UNKNOWN, StackSource, readPlan } from "../../../cli/lib/stacks";

const urn = (type: string, name: string) => `urn:pulumi:staging::atlas::${type}::${name}`;
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/rolePolicy:RolePolicy";
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const published = "arn:aws:s3:::atlas-staging-published-222222222222";

function checkpoint(qaStatements: object[]): CheckpointResource[] {
    return [
        {
            urn: urn("pulumi:pulumi:Stack", "atlas-staging"),
            type: "pulumi:pulumi:Stack",
            outputs: {
                environmentIdentity: {
                    environment: "staging",
                    awsAccountId: "222222222222",
                    namePrefix: "atlas-staging",
                    developerPrincipals: [],
                    consumerPrincipals: [],
                },
            },
        },
        {
            urn: urn(ROLE, "qa-role"),
            type: ROLE,
            inputs: {
                name: "atlas-staging-qa",
                assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::222222222222:role/qa"] }, Action: "sts:AssumeRole" }),
            },
        },
        {
            urn: urn(POLICY, "qa-policy"),
            type: POLICY,
            inputs: { role: "atlas-staging-qa", policy: doc(...qaStatements) },
            propertyDependencies: { role: [urn(ROLE, "qa-role")] },
        },
        {
            urn: urn("aws:s3/bucketPolicy:BucketPolicy", "published-bucket-policy"),
            type: "aws:s3/bucketPolicy:BucketPolicy",
            inputs: {
                policy: doc(
                    { Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `${published}/logs/*` },
                    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "s3:ListBucket", Resource: published },
                    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:role/qa" }, Action: "s3:ListBucket", Resource: published },
                ),
            },
        },
    ];
}

describe("the access report (npm run access)", () => {
    it("lists each role's grants per service and level, allowed by the model", async () => {
        const report = await accessReportOf(
            "staging",
            checkpoint([{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [published, `${published}/*`] }]),
        );
        const qa = report.rows.filter((r) => r.subject === "role qa-role");
        assert.deepEqual(
            qa.map((r) => [r.who, r.service, r.level, r.actions.join(" "), r.model]),
            [
                ["qa", "s3", "List", "s3:ListBucket", "allowed"],
                ["qa", "s3", "Read", "s3:GetObject", "allowed"],
            ],
        );
        // A resource policy is judged for each principal it lets in: AWS services by the model, the account's own root left to
        // IAM (where the roles are judged), a principal the model does not know (QA reach staging through their role) refused.
        const bucketPolicy = report.rows.filter((r) => r.subject === "bucket policy published-bucket-policy");
        assert.deepEqual(
            bucketPolicy.map((r) => [r.who, r.level, r.model]),
            [
                ["services", "Write", "allowed"],
                ["arn:aws:iam::222222222222:root (the account: IAM decides)", "List", "-"],
                ["arn:aws:iam::222222222222:role/qa", "-", "outside the model: a principal it does not know"],
            ],
        );
        assert.deepEqual(report.problems, []);
    });

    it("marks a grant outside the model, and names an unreadable document", async () => {
        const report = await accessReportOf("staging", checkpoint([{ Effect: "Allow", Action: "s3:Put*", Resource: `${published}/*` }]));
        const write = report.rows.find((r) => r.subject === "role qa-role" && r.level === "Write");
        assert.match(write?.model ?? "", /^outside the model: .*s3:PutObject\b/);
        const broken = checkpoint([]);
        broken[2].inputs!.policy = "{not json";
        assert.deepEqual((await accessReportOf("staging", broken)).problems, ["the inline policy of role qa-role is not valid JSON"]);
    });

    // A preview's root stack has no outputs: the plan's identity is its config, and a stack nobody can place is not judged
    // (every row "-", one problem) rather than reported outside the model.
    it("judges a plan by the stack's config, and judges nothing without an identity", async () => {
        const planned = checkpoint([{ Effect: "Allow", Action: "s3:PutObject", Resource: `${published}/*` }]);
        delete planned[0].outputs;
        const config = {
            "atlas:environment": "staging",
            "atlas:awsAccountId": "222222222222",
            "atlas:namePrefix": "atlas-staging",
            "atlas:developerPrincipals": "[]",
            "atlas:consumerPrincipals": "[]",
        };
        const plan = await accessReportOf("staging", planned, config);
        assert.equal(plan.from, "plan");
        assert.match(plan.rows.find((r) => r.subject === "role qa-role")?.model ?? "", /^outside the model: s3:PutObject$/);
        const unplaced = await accessReportOf("staging", planned);
        assert.ok(unplaced.rows.length > 0 && unplaced.rows.every((r) => r.model === "-"), JSON.stringify(unplaced.rows));
        assert.deepEqual(unplaced.problems, ["cannot judge against the access model: staging's environmentIdentity output is missing"]);
    });

    it("reads a plan whole: refused when the preview lists fewer resources than the engine counts", async () => {
        const step = (op: string, name: string) => ({
            op,
            urn: urn(ROLE, name),
            newState: { urn: urn(ROLE, name), type: ROLE, inputs: { assumeRolePolicy: PLANNED_UNKNOWN } },
        });
        const source = (output: object) => ({ stack: async () => undefined, pulumi: async () => JSON.stringify(output) }) as unknown as StackSource;
        const whole = { steps: [step("same", "a"), step("create", "b"), step("delete", "c")], changeSummary: { same: 1, create: 1, delete: 1 }, config: {} };
        assert.deepEqual(
            (await readPlan(source(whole), "staging")).resources.map((r) => r.urn),
            [urn(ROLE, "a"), urn(ROLE, "b")],
        );
        // What `pulumi preview --json` prints without --show-sames: the unchanged resources missing from the steps.
        const partial = { steps: [step("create", "b")], changeSummary: { same: 75, create: 1 }, config: {} };
        await assert.rejects(readPlan(source(partial), "staging"), /lists 1 resource\(s\) the update would keep or make, but the engine counts 76/);
    });
});

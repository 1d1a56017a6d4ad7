/** npm run access's report: what each role and resource policy of a stack's state allows, per service and level, judged against the access model. */
import { strict as assert } from "assert";
import { CheckpointResource } from "../../../policy-pack/src/contract";
import { accessReportOf } from "../../../cli/lib/operations";

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
            inputs: { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:role/qa" }, Action: "s3:ListBucket", Resource: published }) },
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
        const bucketPolicy = report.rows.find((r) => r.subject === "bucket policy published-bucket-policy");
        assert.deepEqual([bucketPolicy?.who, bucketPolicy?.level, bucketPolicy?.model], ["arn:aws:iam::222222222222:role/qa", "List", "-"]);
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
});

/**
 * The program as it is grants only what the access model allows and names only real actions, in
 * every kind of stack: dev, staging, prod, a developer's stack and a review stack. Runs the real
 * program under mocks (with AWS-shaped ARNs for the key and roles) and the pack's two policies on it.
 */
import { strict as assert } from "assert";
import { accessWithinModel } from "../../policy-pack/src/policies/access-within-model";
import { iamActionsExist } from "../../policy-pack/src/policies/iam-actions-exist";
import { ResourceSpec, runPolicy } from "../../policy-pack/tests/helpers";
import { Inputs, ProgramRun, StackName, requiredSecrets, runAtlas, stackConfig } from "./support/atlas-under-mocks";

function awsArn(type: string, inputs: Inputs, config: Record<string, string>): string | undefined {
    const account = config["atlas:awsAccountId"];
    if (type === "aws:kms/key:Key") {
        return `arn:aws:kms:${config["atlas:awsRegion"]}:${account}:key/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`;
    }
    return type === "aws:iam/role:Role" ? `arn:aws:iam::${account}:role/${inputs.name}` : undefined;
}

/** A stack of `environment`'s file under another stack name (a developer's or review stack gets its own prefix). */
async function run(environment: StackName, namePrefix?: string): Promise<ProgramRun> {
    const config = { ...stackConfig(environment), ...(namePrefix ? { "atlas:namePrefix": namePrefix } : {}) };
    const result = await runAtlas(environment, {
        set: namePrefix ? { "atlas:namePrefix": namePrefix } : {},
        secrets: requiredSecrets(environment),
        env: { ATLAS_RELEASE_VERSION: "1.2.3" },
        arnOf: (type, inputs) => awsArn(type, inputs, config),
    });
    assert.equal(result.error, undefined, String(result.error));
    return result;
}

function specsOf(stack: string, result: ProgramRun): ResourceSpec[] {
    return [
        { type: "pulumi:pulumi:Stack", name: `atlas-${stack}`, props: result.outputs ?? {} },
        ...result.resources
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .map((r): ResourceSpec => ({ type: r.type, name: r.name, props: r.inputs, ...(r.custom ? { outputs: { arn: r.inputs.arn } } : {}) })),
    ];
}

const STACKS: [string, StackName, string | undefined][] = [
    ["dev", "dev", undefined],
    ["staging", "staging", undefined],
    ["prod", "prod", undefined],
    ["dev-alice", "dev", "atlas-dev--alice"],
    ["pr-42", "dev", "atlas-dev--pr42"],
];

describe("the program's IAM grants against the access model", () => {
    for (const [stack, environment, prefix] of STACKS) {
        it(`${stack}: every action is real and every role within the model`, async () => {
            const specs = specsOf(stack, await run(environment, prefix));
            assert.ok(specs.filter((s) => s.type === "aws:iam/rolePolicy:RolePolicy").length >= 4, "the program's roles are there to judge");
            for (const policy of [iamActionsExist, accessWithinModel]) {
                const outcome = await runPolicy(policy, stack, specs);
                assert.equal(outcome.notApplicable, undefined);
                assert.deepEqual(
                    outcome.violations.map((v) => v.message),
                    [],
                    `${policy.name} in ${stack}`,
                );
            }
        });
    }

    it("is judged, not waved through: the same staging run with a QA write on a zone is refused", async () => {
        const specs = specsOf("staging", await run("staging")).map((spec) =>
            spec.name === "qa-policy"
                ? {
                      ...spec,
                      props: { ...spec.props, policy: String(spec.props!.policy).replace('"s3:GetObjectVersion"]', '"s3:GetObjectVersion","s3:PutObject"]') },
                  }
                : spec,
        );
        const outcome = await runPolicy(accessWithinModel, "staging", specs);
        assert.match(
            outcome.violations.map((v) => v.message).join("\n"),
            /"qa-role" \(qa\) may s3:PutObject \[Write\] on arn:aws:s3:::atlas-staging-landing-222222222222\/\*/,
        );
    });
});

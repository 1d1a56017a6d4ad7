/**
 * Staging must be prod's mirror: the real program, run under mocks with each stack file, gives the
 * same resources with the same settings in staging and prod, as the gate's own comparison
 * (policy-pack/src/contract/desired-state) sees them with the stack files' environment-specific
 * values set aside. And the stack files themselves agree on every parity-relevant key.
 */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENCRYPTED, StackFileError, environmentValues, parityConfigFromStackFile } from "../../cli/lib/stacks/stack-file-config";
import { compareDesiredState } from "../../policy-pack/src/contract/desired-state/compare";
import { ComparedResource, isCompared } from "../../policy-pack/src/contract/desired-state/resources";
import { assetValue, secretValue } from "../../policy-pack/src/contract/desired-state/values";
import { ENVIRONMENT_SPECIFIC_KEYS, isEnvironmentSpecificKey, isEnvironmentSpecificRole } from "../../policy-pack/src/contract/environment-keys";
import { CONFIG_KEY_NAMES } from "../../src/config";
import { PROJECT, ProgramRun, REPO_ROOT, RunOptions, STACK_RUN_VERSION, StackName, programResources, runStack, stackRun } from "./support/atlas-under-mocks";

/**
 * A mock run's resources in the form parity compares: staging's as its checkpoint records them
 * (the provider's outputs apart from the inputs), prod's as the engine plans a deployed stack.
 * The mocks give every custom resource an `arn` output.
 */
async function comparedResources(stack: StackName, run: ProgramRun, side: "checkpoint" | "plan"): Promise<ComparedResource[]> {
    const resources: ComparedResource[] = [];
    for (const r of run.resources.filter((r) => isCompared(r.type))) {
        const inputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            inputs[key] = r.secretInputs.includes(key) ? secretValue(value) : await asCompared(value);
        }
        const computed = r.custom && !("arn" in inputs) ? { arn: `arn:mock:${r.type}:${r.name}` } : {};
        resources.push({
            urn: `urn:pulumi:${stack}::${PROJECT}::${r.type}::${r.name}`,
            type: r.type,
            custom: r.custom,
            ...(side === "checkpoint" ? { inputs, computed } : { inputs: { ...inputs, ...computed } }),
            dependencies: [],
            propertyDependencies: {},
            protect: r.protect === true,
            ...(r.provider ? { provider: side === "checkpoint" ? r.provider : r.provider.slice(0, r.provider.lastIndexOf("::")) } : {}),
        });
    }
    return resources;
}

/** Assets as their content hash (as both the checkpoint and planned-state.ts record them). */
async function asCompared(value: unknown): Promise<unknown> {
    if (value instanceof pulumi.asset.FileAsset) {
        return assetValue(
            createHash("sha256")
                .update(fs.readFileSync(await value.path))
                .digest("hex"),
        );
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(asCompared));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await asCompared(v)])));
    }
    return value;
}

async function compareRuns(staging: ProgramRun, prod: ProgramRun) {
    return compareDesiredState(
        { environment: environmentValues(REPO_ROOT, "staging"), resources: await comparedResources("staging", staging, "checkpoint") },
        { environment: environmentValues(REPO_ROOT, "prod"), resources: await comparedResources("prod", prod, "plan") },
    );
}

describe("staging mirrors prod", () => {
    let staging: ProgramRun;
    let prod: ProgramRun;
    before(async () => {
        staging = await stackRun("staging");
        prod = await stackRun("prod");
        assert.equal(staging.error ?? prod.error, undefined);
    });

    it("with the same resources and settings, property by property, apart from environment-specific values", async () => {
        const result = await compareRuns(staging, prod);
        assert.deepEqual(result.differences, []);
        assert.deepEqual(result.uncompared, []);
        assert.ok(result.resourcesCompared > 60, `compared ${result.resourcesCompared} resources`);
    });

    it("whose environment-specific resources are few and declared: QA access in staging; consumers and paging in prod", () => {
        const specific = (run: ProgramRun) =>
            programResources(run)
                .filter((r) => isEnvironmentSpecificRole(r.name))
                .map((r) => r.name)
                .sort();
        assert.deepEqual(specific(staging), ["qa-policy", "qa-role"]);
        assert.deepEqual(specific(prod), ["consumer-policy", "consumer-role", "oncall-subscription"]);
    });

    it("and prod's staging reference, which is bookkeeping, not compared", () => {
        const references = programResources(prod)
            .filter((r) => !isCompared(r.type))
            .map((r) => `${r.type}::${r.name}`);
        assert.deepEqual(references, ["pulumi:pulumi:StackReference::upstream-stack"]);
    });

    it("and a changed parity value shows up as a difference on the property it sets", async () => {
        const options: RunOptions = { env: { ATLAS_RELEASE_VERSION: STACK_RUN_VERSION }, set: { "atlas:glueNumberOfWorkers": "4" } };
        const smaller = await runStack("prod", options);
        const result = await compareRuns(staging, smaller);
        assert.deepEqual(result.differences, [{ resource: 'aws:glue/job:Job "etl-job"', path: "numberOfWorkers", staging: "10", prod: "4" }]);
    });
});

describe("stack files", () => {
    it("give staging and prod the same value of every parity-relevant key", () => {
        const [staging, prod] = [parityConfigFromStackFile(REPO_ROOT, "staging"), parityConfigFromStackFile(REPO_ROOT, "prod")];
        assert.deepEqual(prod, staging);
        assert.deepEqual(Object.keys(staging).sort(), CONFIG_KEY_NAMES.filter((key) => !isEnvironmentSpecificKey(key) && key in staging).sort());
        assert.deepEqual(
            Object.keys(staging).filter((key) => ENVIRONMENT_SPECIFIC_KEYS.includes(key)),
            [],
        );
        assert.equal(staging.glueNumberOfWorkers, 10);
    });

    it("give each environment its environment-specific values, with the program's defaults", () => {
        assert.deepEqual(environmentValues(REPO_ROOT, "staging"), {
            environment: "staging",
            awsAccountId: "222222222222",
            awsRegion: "eu-west-1",
            namePrefix: "atlas-staging",
            developerPrincipals: [],
            qaPrincipals: ["arn:aws:iam::222222222222:role/atlas-qa"],
            consumerPrincipals: [],
            routeAlertsToOncall: "false",
            teamAlertEmail: "atlas-team@example.com",
        });
        const prod = environmentValues(REPO_ROOT, "prod");
        assert.equal(prod.upstreamStack, "staging");
        assert.deepEqual(prod.consumerPrincipals, ["arn:aws:iam::333333333333:role/analytics-readers", "arn:aws:iam::333333333333:role/finance-reporting"]);
    });

    describe("read from another project directory", () => {
        let dir: string;
        const write = (stack: string, config: string) => fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), `config:\n${config}`);
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-stack-files-"));
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("stand in for encrypted values without decrypting them, and apply defaults to unset keys", () => {
            write("prod", "  atlas:glueWorkerType:\n    secure: AAABAHNlY3JldA==\n  atlas:namePrefix: atlas-x\n");
            const parity = parityConfigFromStackFile(dir, "prod");
            assert.equal(parity.glueWorkerType, ENCRYPTED);
            assert.ok(!("namePrefix" in parity));
            assert.deepEqual(environmentValues(dir, "prod").namePrefix, "atlas-x");
            assert.equal(environmentValues(dir, "prod").routeAlertsToOncall, "false", "the program's default");
        });

        it("refuse a value the program would reject, and a missing stack file", () => {
            write("prod", "  atlas:glueNumberOfWorkers: many\n");
            assert.throws(
                () => parityConfigFromStackFile(dir, "prod"),
                (e: Error) => e instanceof StackFileError && /atlas:glueNumberOfWorkers is .*which the program rejects/.test(e.message),
            );
            assert.throws(
                () => environmentValues(dir, "qa"),
                (e: Error) => e instanceof StackFileError && /no stack file .*Pulumi\.qa\.yaml for stack "qa"/.test(e.message),
            );
        });
    });
});

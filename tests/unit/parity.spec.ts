/** Staging must be prod's mirror: the same resources with the same settings, but for the declared environment-specific keys. */
import { strict as assert } from "assert";
import { ENVIRONMENT_SPECIFIC_KEYS, isEnvironmentSpecificRole } from "../../policy-pack/src/contract/environment-keys";
import { isTrackedType, ReleaseFacts } from "../../policy-pack/src/contract/release-facts";
import { ProgramRun, RunOptions, STACK_RUN_VERSION, StackName, programResources, runStack, stackConfig, stackRun } from "./support/atlas-under-mocks";

/**
 * Every resource that does not exist because of an environment-specific key, as `type::name`
 * → inputs, with the values of environment-specific keys replaced by placeholders.
 */
function normalisedGraph(stack: StackName, run: ProgramRun): Map<string, string> {
    const config = stackConfig(stack);
    const identities: [string, string][] = [];
    for (const key of ENVIRONMENT_SPECIFIC_KEYS) {
        const value = config[`atlas:${key}`];
        if (value && !value.startsWith("[") && value !== "true" && value !== "false") {
            identities.push([value, `<${key}>`], [value.replace(/-/g, "_"), `<${key}_>`]);
        }
    }
    identities.sort(([a], [b]) => b.length - a.length);
    const graph = new Map<string, string>();
    for (const r of programResources(run).filter((r) => isTrackedType(r.type) && !isEnvironmentSpecificRole(r.name))) {
        let inputs = JSON.stringify(r.inputs);
        for (const [value, placeholder] of identities) {
            inputs = inputs.split(value).join(placeholder);
        }
        graph.set(`${r.type}::${r.name}`, inputs);
    }
    return graph;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
    const keys = new Set([...a.keys(), ...b.keys()]);
    return [...keys].filter((key) => a.get(key) !== b.get(key)).sort();
}

describe("staging mirrors prod", () => {
    let staging: ProgramRun;
    let prod: ProgramRun;
    before(async () => {
        staging = await stackRun("staging");
        prod = await stackRun("prod");
    });

    it("with the same resources and settings, apart from environment-specific ones", () => {
        assert.deepEqual(differences(normalisedGraph("staging", staging), normalisedGraph("prod", prod)), []);
    });

    it("which are few and declared: QA access in staging; consumers and paging in prod", () => {
        const specific = (run: ProgramRun) => programResources(run).filter((r) => isEnvironmentSpecificRole(r.name)).map((r) => r.name).sort();
        assert.deepEqual(specific(staging), ["qa-policy", "qa-role"]);
        assert.deepEqual(specific(prod), ["consumer-policy", "consumer-role", "oncall-subscription"]);
    });

    it("and prod's staging reference, which is bookkeeping, not platform shape", () => {
        const references = programResources(prod).filter((r) => !isTrackedType(r.type)).map((r) => `${r.type}::${r.name}`);
        assert.ok(references.includes("pulumi:pulumi:StackReference::upstream-stack"), references.join(", "));
    });

    it("so their release facts carry the same config and resource digests", () => {
        const [s, p] = [staging.outputs?.release as ReleaseFacts, prod.outputs?.release as ReleaseFacts];
        assert.equal(s.configDigest, p.configDigest);
        assert.equal(s.resourcesDigest, p.resourcesDigest);
    });

    it("and a changed parity value shows up as a difference", async () => {
        const options: RunOptions = { env: { ATLAS_RELEASE_VERSION: STACK_RUN_VERSION }, set: { "atlas:glueNumberOfWorkers": "4" } };
        const smaller = await runStack("prod", options);
        assert.deepEqual(differences(normalisedGraph("staging", staging), normalisedGraph("prod", smaller)), ["aws:glue/job:Job::etl-job"]);
        assert.notEqual((smaller.outputs?.release as ReleaseFacts).configDigest, (staging.outputs?.release as ReleaseFacts).configDigest);
    });
});

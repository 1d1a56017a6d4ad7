/**
 * Child process: runs the Atlas program under Pulumi mocks (tests/unit/support) for staging and
 * prod and writes what it registered, as plain JSON, to the file named by argv[2]. The synthetic
 * stacks of the policy-scaling benchmark are replicas of this. A child process, because mocks
 * change @pulumi/pulumi's process-wide runtime settings.
 */
import * as fs from "fs";
import { RELEASE_OUTPUT } from "../../policy-pack/src/contract/release-facts";
import { runStack } from "../../tests/unit/support/atlas-under-mocks";
import { ProgramTemplate, TemplateResource } from "../lib/synthetic-stack";

const VERSION = "1.2.3";

async function main(): Promise<void> {
    const target = process.argv[2];
    if (!target) {
        throw new Error("usage: program-template.ts OUTPUT.json");
    }
    const env = { ATLAS_RELEASE_VERSION: VERSION };
    const staging = await runStack("staging", { env });
    if (staging.error || !staging.outputs) {
        throw staging.error ?? new Error("staging produced no outputs");
    }
    const prod = await runStack("prod", { env, upstreamOutputs: { [RELEASE_OUTPUT]: staging.outputs[RELEASE_OUTPUT] } });
    if (prod.error || !prod.outputs) {
        throw prod.error ?? new Error("prod produced no outputs");
    }
    const plain = (run: typeof prod): TemplateResource[] =>
        run.resources.map((r) => ({ type: r.type, name: r.name, inputs: JSON.parse(JSON.stringify(r.inputs)), provider: r.provider, protect: r.protect === true }));
    const template: ProgramTemplate = {
        prod: { resources: plain(prod), outputs: JSON.parse(JSON.stringify(prod.outputs)) },
        staging: { resources: plain(staging), outputs: JSON.parse(JSON.stringify(staging.outputs)) },
    };
    fs.writeFileSync(target, JSON.stringify(template));
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        console.error(`program-template: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
    },
);

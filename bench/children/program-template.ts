/**
 * Child process: runs the Atlas program under Pulumi mocks (tests/unit/support) for staging and
 * prod and writes what it registered, as plain JSON in the engine's wire form (secrets and file
 * assets marked as the engine sends them), to the file named by argv[2]. The synthetic stacks of
 * the policy-scaling benchmark are replicas of this. A child process, because mocks change
 * @pulumi/pulumi's process-wide runtime settings.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { RELEASE_OUTPUT } from "../../policy-pack/src/contract";
import { fileAsset, secret } from "../../policy-pack/tests/helpers";
import { ProgramRun, runStack } from "../../tests/unit/support/atlas-under-mocks";
import { ProgramTemplate, TemplateResource } from "../lib/synthetic-stack";

const VERSION = "1.2.3";

/** A registered input as the engine would send it: file assets as their wire form, everything else plain JSON. */
async function wire(value: unknown): Promise<unknown> {
    if (value instanceof pulumi.asset.FileAsset) {
        return fileAsset(await value.path);
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(wire));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await wire(item)])));
    }
    return value;
}

async function resourcesOf(run: ProgramRun): Promise<TemplateResource[]> {
    return Promise.all(
        run.resources.map(async (r): Promise<TemplateResource> => {
            const inputs: Record<string, unknown> = {};
            for (const [key, value] of Object.entries(r.inputs)) {
                inputs[key] = r.secretInputs.includes(key) ? secret(await wire(value)) : await wire(value);
            }
            return {
                type: r.type,
                name: r.name,
                custom: r.custom,
                inputs: JSON.parse(JSON.stringify(inputs)),
                provider: r.provider,
                protect: r.protect === true,
            };
        }),
    );
}

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
    const template: ProgramTemplate = {
        prod: { resources: await resourcesOf(prod), outputs: JSON.parse(JSON.stringify(prod.outputs)) },
        staging: { resources: await resourcesOf(staging), outputs: JSON.parse(JSON.stringify(staging.outputs)) },
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

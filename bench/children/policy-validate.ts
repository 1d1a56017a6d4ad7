/**
 * Child process: one cold run of the pack's parity check over a synthetic prod stack, as the
 * engine runs the pack in a fresh policy-pack process. It reads the policy config promote would
 * pass (`--config FILE`, staging's evidence included, parsed as the analyzer parses it), builds the
 * prod plan of `--size` resources from the program template (`--template FILE`) as the engine
 * passes it, and times staging-prod-parity's validateStack with its block of the config. Then,
 * for context, the advisory coverage note (which makes the same comparison) and the rest of the
 * pack. Prints one JSON line with the timings, what the comparison found (a compliant stack: no
 * violations) and the process's peak memory (maxRSS) after the parity check and at the end.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { Policy, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { STACK_POLICIES } from "../../policy-pack/src/policies";
import { stagingProdParity } from "../../policy-pack/src/policies/staging-prod-parity";
import { stagingProdParityAtStep } from "../../policy-pack/src/policies/staging-prod-parity-at-step";
import { stagingProdParityCoverage } from "../../policy-pack/src/policies/staging-prod-parity-coverage";
import { stackResources } from "../../policy-pack/tests/helpers";
import { secondsSince } from "../lib/stats";
import { ProgramTemplate, syntheticStack } from "../lib/synthetic-stack";

export interface ValidationResult {
    size: number;
    replicas: number;
    newReplicas: number;
    /** Building the PolicyResource arguments (props deserialized and behind the unknown-checking proxy). */
    buildSeconds: number;
    /** staging-prod-parity over the stack. */
    paritySeconds: number;
    /** staging-prod-parity-at-step: one call per resource, as the engine makes them before each step, summed. */
    atStepSeconds: number;
    atStepViolations: string[];
    /** staging-prod-parity-coverage (advisory; the same comparison again). */
    coverageSeconds: number;
    /** Every other policy of the pack. */
    restSeconds: number;
    parityViolations: string[];
    /** How many values the coverage note lists as compared by the resources they come from. */
    comparedByDependency: number;
    restViolations: string[];
    /** maxRSS once the modules are loaded, before anything is built: Node, @pulumi/policy and the pack. */
    baselineRssBytes: number;
    maxRssAfterParityBytes: number;
    maxRssBytes: number;
}

class NotApplicable extends Error {}

async function main(): Promise<void> {
    const baselineRssBytes = process.resourceUsage().maxRSS * 1024;
    const { values } = parseArgs({ options: { template: { type: "string" }, size: { type: "string" }, config: { type: "string" } }, strict: true });
    const size = Number(values.size);
    if (!values.template || !values.config || !Number.isInteger(size) || size <= 0) {
        throw new Error("usage: policy-validate.ts --template FILE --config FILE --size N");
    }
    const template = JSON.parse(fs.readFileSync(values.template, "utf8")) as ProgramTemplate;
    const config = JSON.parse(fs.readFileSync(values.config, "utf8")) as Record<string, unknown>;
    const prod = syntheticStack(template, "prod", size);

    let started = process.hrtime.bigint();
    const resources = stackResources("prod", prod.specs);
    const buildSeconds = secondsSince(started);

    started = process.hrtime.bigint();
    const parityViolations = await validate(stagingProdParity, resources, config);
    const paritySeconds = secondsSince(started);
    const maxRssAfterParityBytes = process.resourceUsage().maxRSS * 1024;

    started = process.hrtime.bigint();
    const atStepViolations = await validate(stagingProdParityAtStep, resources, config);
    const atStepSeconds = secondsSince(started);

    started = process.hrtime.bigint();
    const coverage = await validate(stagingProdParityCoverage, resources, config);
    const coverageSeconds = secondsSince(started);

    started = process.hrtime.bigint();
    const restViolations: string[] = [];
    for (const policy of STACK_POLICIES.filter((p) => p !== stagingProdParity && p !== stagingProdParityCoverage)) {
        restViolations.push(...(await validate(policy, resources, config)).map((v) => `${policy.name}: ${v}`));
    }
    const restSeconds = secondsSince(started);

    const result: ValidationResult = {
        size: prod.specs.length,
        replicas: prod.replicas,
        newReplicas: prod.newReplicas,
        buildSeconds,
        paritySeconds,
        coverageSeconds,
        atStepSeconds,
        atStepViolations: atStepViolations.map((v) => v.slice(0, 600)),
        restSeconds,
        parityViolations: parityViolations.map((v) => v.slice(0, 600)),
        comparedByDependency: Number(/(\d+) value\(s\) are unknown until the update/.exec(coverage[0] ?? "")?.[1] ?? 0),
        restViolations: restViolations.map((v) => v.slice(0, 300)),
        baselineRssBytes,
        maxRssAfterParityBytes,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** One policy over the stack, with its block of the config (as the engine hands it over): the violations it reported. */
async function validate(policy: Policy, resources: PolicyResource[], config: Record<string, unknown>): Promise<string[]> {
    const violations: string[] = [];
    const report: ReportViolation = (message) => {
        violations.push(message);
    };
    const block = blockOf(config[policy.name]);
    const getConfig = <T extends object>() => block as T;
    const skip = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    try {
        const stackPolicy = policy as StackValidationPolicy;
        if (typeof stackPolicy.validateStack === "function") {
            await stackPolicy.validateStack({ resources, stackTags: new Map(), getConfig, notApplicable: skip }, report);
        }
        const resourcePolicy = policy as ResourceValidationPolicy;
        if (resourcePolicy.validateResource) {
            const validations = Array.isArray(resourcePolicy.validateResource) ? resourcePolicy.validateResource : [resourcePolicy.validateResource];
            for (const resource of resources) {
                for (const check of validations) {
                    await check(resourceArgs(resource, getConfig, skip), report);
                }
            }
        }
    } catch (error) {
        if (!(error instanceof NotApplicable)) {
            throw error;
        }
    }
    return violations;
}

/** The engine hands a policy its own block of the policy config, without the enforcement level. */
function blockOf(block: unknown): Record<string, unknown> {
    if (block === null || typeof block !== "object") {
        return {};
    }
    const { enforcementLevel: _level, ...rest } = block as Record<string, unknown>;
    return rest;
}

function resourceArgs(resource: PolicyResource, getConfig: <T extends object>() => T, notApplicable: (reason?: string) => never): ResourceValidationArgs {
    return {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: resource.opts,
        provider: resource.provider,
        stackTags: new Map<string, string>(),
        isType: resource.isType as ResourceValidationArgs["isType"],
        asType: resource.asType as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
    };
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        console.error(`policy-validate: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
    },
);

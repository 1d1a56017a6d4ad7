/**
 * Child process: builds a synthetic prod stack of `--size` resources from the program template
 * (`--template FILE`), then runs the policy pack's validation over it once, cold, as the engine
 * does in a fresh policy-pack process: every policy's validateStack with its policy-config block,
 * and every resource validation per resource. Prints one JSON line with the timings, the
 * violations found (a compliant stack has none) and the process's peak memory (maxRSS).
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { Policy, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ALL_POLICIES } from "../../policy-pack/src/policies";
import { stackResources } from "../../policy-pack/tests/helpers";
import { secondsSince } from "../lib/stats";
import { ProgramTemplate, syntheticProdStack } from "../lib/synthetic-stack";

export interface ValidationResult {
    size: number;
    replicas: number;
    /** Building the PolicyResource arguments (props behind the unknown-checking proxy). */
    buildSeconds: number;
    /** Every policy over the stack. */
    validateSeconds: number;
    perPolicySeconds: Record<string, number>;
    violations: number;
    violationSamples: string[];
    notApplicable: string[];
    maxRssBytes: number;
    heapUsedBytes: number;
}

class NotApplicable extends Error {}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { template: { type: "string" }, size: { type: "string" } }, strict: true });
    const size = Number(values.size);
    if (!values.template || !Number.isInteger(size) || size <= 0) {
        throw new Error("usage: policy-validate.ts --template FILE --size N");
    }
    const template = JSON.parse(fs.readFileSync(values.template, "utf8")) as ProgramTemplate;
    const stack = syntheticProdStack(template, size);

    let started = process.hrtime.bigint();
    const resources = stackResources("prod", stack.specs);
    const buildSeconds = secondsSince(started);

    const violations: string[] = [];
    const notApplicable: string[] = [];
    const perPolicySeconds: Record<string, number> = {};
    const report: ReportViolation = (message) => {
        violations.push(message);
    };
    started = process.hrtime.bigint();
    for (const policy of ALL_POLICIES as Policy[]) {
        const policyStarted = process.hrtime.bigint();
        const config = blockOf(stack.config[policy.name]);
        const getConfig = <T extends object>() => config as T;
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
                    for (const validate of validations) {
                        await validate(resourceArgs(resource, getConfig, skip), report);
                    }
                }
            }
        } catch (error) {
            if (!(error instanceof NotApplicable)) {
                throw error;
            }
            notApplicable.push(policy.name);
        }
        perPolicySeconds[policy.name] = secondsSince(policyStarted);
    }
    const validateSeconds = secondsSince(started);

    const result: ValidationResult = {
        size: stack.specs.length,
        replicas: stack.replicas,
        buildSeconds,
        validateSeconds,
        perPolicySeconds,
        violations: violations.length,
        violationSamples: violations.slice(0, 3).map((v) => v.slice(0, 300)),
        notApplicable,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        heapUsedBytes: process.memoryUsage().heapUsed,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
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

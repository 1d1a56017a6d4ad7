/**
 * Turns a check into a CrossGuard stack policy that keeps the pack's promises: it runs only in
 * the environments it is for (`notApplicable` elsewhere), refuses unknown config keys, reports
 * values unknown during preview as violations at the policy's own level (the engine would
 * otherwise downgrade them to advisory, i.e. let a mandatory gate pass), and turns a crash into a
 * refusal whose message cannot carry a secret.
 */
import { EnforcementLevel, PolicyConfigSchema, PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Environment } from "./contract/environment-identity";
import { unknownConfigKeys } from "./config";
import { ENFORCEMENT_LEVELS, PolicyName } from "./enforcement";
import { StackView, UNPLACED_STACK_FIX, readStackView } from "./stack-view";
import { isUnknownValueError } from "./unknowns";

/** One refusal: what is wrong, what to do about it, and the resource it is about (if one). */
export interface Finding {
    problem: string;
    fix: string;
    resource?: PolicyResource;
}

/** Findings for facts that could not be read, with the fix for where they come from. */
export function unreadable(problems: string[], fix: string): Finding[] {
    return problems.map((problem) => ({ problem, fix }));
}

/** What a policy of the kit is, whatever stacks it judges. */
export interface PolicyBasics {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
    remediationSteps: string;
}

/** A stack as a policy reads it: what its findings are about and the check to run, or why it cannot be judged at all. */
export type StackReading<C> = { subject: string; check: (config: C) => Finding[] | Promise<Finding[]> } | { unjudged: Finding };

/**
 * A stack policy that keeps the kit's promises, whatever stacks it reads (the release's environments here, the
 * bootstrap's accounts in bootstrap/policy-pack): unknown config keys refused, unknowns at preview and crashes
 * turned into refusals at the policy's own level, every finding said as what is wrong and how to fix it.
 */
export function guardedStackPolicy<C extends object>(basics: PolicyBasics, read: (args: StackValidationArgs) => StackReading<C>): StackValidationPolicy {
    const level = basics.enforcementLevel;
    return {
        ...basics,
        validateStack: async (args, reportViolation) => {
            const reading = read(args);
            if ("unjudged" in reading) {
                reportViolation(formatFinding("this stack", reading.unjudged, level));
                return;
            }
            const config = args.getConfig<C>();
            const unknownKeys = unknownConfigKeys(config, basics.configSchema);
            const findings: Finding[] =
                unknownKeys.length > 0
                    ? [
                          {
                              problem: `policy config for "${basics.name}" has unknown key(s) ${unknownKeys.join(", ")}`,
                              fix: "correct the --policy-pack-config file (see policy-pack/README.md, Policy config)",
                          },
                      ]
                    : await runGuarded(() => reading.check(config));
            for (const finding of findings) {
                reportViolation(formatFinding(reading.subject, finding, level), finding.resource?.urn);
            }
        },
    };
}

export interface StackCheck<C> {
    name: PolicyName;
    description: string;
    /** Environments the policy is for; elsewhere it reports `notApplicable`. */
    environments: readonly Environment[];
    configSchema?: PolicyConfigSchema;
    remediationSteps: string;
    check: (view: StackView, config: C) => Finding[] | Promise<Finding[]>;
}

/** A policy of the release's pack: it places the stack in its environment by name and runs only where it applies. */
export function stackPolicy<C extends object>(spec: StackCheck<C>): StackValidationPolicy {
    const { environments, check, ...basics } = spec;
    return guardedStackPolicy<C>({ ...basics, enforcementLevel: ENFORCEMENT_LEVELS[spec.name] }, (args) => {
        const read = readStackView(args.resources);
        if (!read.ok) {
            return { unjudged: { problem: read.problem, fix: UNPLACED_STACK_FIX } };
        }
        const view = read.view;
        if (!environments.includes(view.environment)) {
            args.notApplicable(`applies to ${environments.join(" and ")} only; stack "${view.stack}" is ${view.environment}`);
        }
        return { subject: `stack "${view.stack}"`, check: (config) => check(view, config) };
    });
}

async function runGuarded(check: () => Finding[] | Promise<Finding[]>): Promise<Finding[]> {
    try {
        return await check();
    } catch (error) {
        if (isUnknownValueError(error)) {
            return [
                {
                    problem: `the value at .${error.props.join(".")} is unknown during preview (it is only known once the update runs), so it cannot be checked`,
                    fix: "deploy what it depends on first (for staging facts: update staging), or make the program compute it from config known at preview (e.g. names, not generated ARNs)",
                },
            ];
        }
        // The message of an arbitrary error may quote the data it choked on, which can be a secret.
        const kind = error instanceof Error ? error.name : typeof error;
        return [
            {
                problem: `the policy could not evaluate the stack (internal ${kind}), so it refuses`,
                fix: "report this to the policy-pack owners with the CI log",
            },
        ];
    }
}

/** A mandatory policy refuses; an advisory one only reports. */
export function formatFinding(subject: string, finding: Finding, level: string): string {
    return `${level === "mandatory" ? "Refused" : "Advice"} for ${subject}: ${finding.problem}.\nTo fix: ${finding.fix}.`;
}

/**
 * Turns a check into a CrossGuard stack policy that keeps the pack's promises: it runs only in
 * the environments it is for (`notApplicable` elsewhere), refuses unknown config keys, reports
 * values unknown during preview as violations at the policy's own level (the engine would
 * otherwise downgrade them to advisory, i.e. let a mandatory gate pass), and turns a crash into a
 * refusal whose message cannot carry a secret.
 */
import { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
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

export interface StackCheck<C> {
    name: PolicyName;
    description: string;
    /** Environments the policy is for; elsewhere it reports `notApplicable`. */
    environments: readonly Environment[];
    configSchema?: PolicyConfigSchema;
    remediationSteps: string;
    check: (view: StackView, config: C) => Finding[] | Promise<Finding[]>;
}

export function stackPolicy<C extends object>(spec: StackCheck<C>): StackValidationPolicy {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: ENFORCEMENT_LEVELS[spec.name],
        configSchema: spec.configSchema,
        remediationSteps: spec.remediationSteps,
        validateStack: async (args, reportViolation) => {
            const read = readStackView(args.resources);
            if (!read.ok) {
                reportViolation(formatFinding("this stack", { problem: read.problem, fix: UNPLACED_STACK_FIX }, ENFORCEMENT_LEVELS[spec.name]));
                return;
            }
            const view = read.view;
            if (!spec.environments.includes(view.environment)) {
                args.notApplicable(`applies to ${spec.environments.join(" and ")} only; stack "${view.stack}" is ${view.environment}`);
            }
            const config = args.getConfig<C>();
            const unknownKeys = unknownConfigKeys(config, spec.configSchema);
            const findings: Finding[] =
                unknownKeys.length > 0
                    ? [
                          {
                              problem: `policy config for "${spec.name}" has unknown key(s) ${unknownKeys.join(", ")}`,
                              fix: "correct the --policy-pack-config file (see policy-pack/README.md, Policy config)",
                          },
                      ]
                    : await runGuarded(() => spec.check(view, config));
            for (const finding of findings) {
                reportViolation(formatFinding(`stack "${view.stack}"`, finding, ENFORCEMENT_LEVELS[spec.name]), finding.resource?.urn);
            }
        },
    };
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

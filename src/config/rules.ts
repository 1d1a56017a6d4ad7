/**
 * Rules that relate several keys. A rule is skipped when one of its keys has an invalid value,
 * so one bad value is reported once, by its key check, and not again by every rule reading it.
 */
import {
    Audience,
    ENVIRONMENT_MODEL,
    EnvironmentModel,
    environmentsGranting,
    environmentsProtectingState,
    prefixNamesEnvironment,
} from "../../policy-pack/src/contract";
import { removeCommand, setCommand } from "./fixes";
import { ConfigProblem } from "./problems";
import { AtlasConfig, ConfigKey, qualified } from "./schema";

type Checked = Partial<AtlasConfig>;

export interface CrossRule {
    keys: readonly ConfigKey[];
    /** Returns the problem, or undefined when the rule holds or cannot be judged. */
    check(config: Checked, stack: string): ConfigProblem | undefined;
}

const MODEL: EnvironmentModel = ENVIRONMENT_MODEL;
const spec = (environment: string | undefined) => MODEL.find((e) => e.name === environment);

/** A principal list only the environments granting its audience may hold (the environment model). */
function principalsOnlyWhereGranted(key: "developerPrincipals" | "qaPrincipals" | "consumerPrincipals", audience: Audience): CrossRule {
    const granting = environmentsGranting(audience, MODEL).join(" and ");
    return {
        keys: [key, "environment"],
        check(config, stack) {
            const principals = config[key];
            if (!principals || principals.length === 0 || !config.environment || spec(config.environment)?.audiences.includes(audience)) {
                return undefined;
            }
            return {
                key: qualified(key),
                found: `${principals.length} principal(s) in environment "${config.environment}"`,
                expected: `no principals outside ${granting} (this access exists in ${granting} only)`,
                fix: removeCommand(stack, key),
            };
        },
    };
}

export const CROSS_RULES: readonly CrossRule[] = [
    principalsOnlyWhereGranted("developerPrincipals", "developers"),
    principalsOnlyWhereGranted("qaPrincipals", "qa"),
    principalsOnlyWhereGranted("consumerPrincipals", "consumers"),
    {
        keys: ["protectStatefulResources", "environment"],
        check(config, stack) {
            if (config.protectStatefulResources !== false || !spec(config.environment)?.protectsState) {
                return undefined;
            }
            return {
                key: qualified("protectStatefulResources"),
                found: `false in environment "${config.environment}"`,
                expected: `true in ${environmentsProtectingState(MODEL).join(" and ")} (stateful resources are protected and retained on delete)`,
                fix: setCommand(stack, "protectStatefulResources", "true"),
            };
        },
    },
    {
        keys: ["upstreamStack", "environment"],
        check(config, stack) {
            const upstream = spec(config.environment)?.promotedFrom;
            if (upstream === undefined || config.upstreamStack !== undefined) {
                return undefined;
            }
            return {
                key: qualified("upstreamStack"),
                found: `no value in environment "${config.environment}"`,
                expected: `the stack ${config.environment} is promoted from (${upstream})`,
                fix: setCommand(stack, "upstreamStack", upstream),
            };
        },
    },
    {
        keys: ["upstreamStack"],
        check(config, stack) {
            const upstream = config.upstreamStack;
            if (upstream === undefined || upstream.split("/").pop() !== stack) {
                return undefined;
            }
            return {
                key: qualified("upstreamStack"),
                found: JSON.stringify(upstream),
                expected: "another stack than this one",
                fix: setCommand(stack, "upstreamStack", "staging"),
            };
        },
    },
    {
        keys: ["routeAlertsToOncall", "environment"],
        check(config, stack) {
            // An environment that serves consumers is monitored: its alerts page on-call.
            if (!spec(config.environment)?.audiences.includes("consumers") || config.routeAlertsToOncall !== false) {
                return undefined;
            }
            return {
                key: qualified("routeAlertsToOncall"),
                found: `false in environment "${config.environment}"`,
                expected: `true in ${config.environment} (${config.environment} alerts page on-call)`,
                fix: setCommand(stack, "routeAlertsToOncall", "true"),
            };
        },
    },
    {
        keys: ["routeAlertsToOncall", "oncallEndpoint"],
        check(config, stack) {
            if (config.routeAlertsToOncall !== true || config.oncallEndpoint !== undefined) {
                return undefined;
            }
            return {
                key: qualified("oncallEndpoint"),
                found: "no value while atlas:routeAlertsToOncall is true",
                expected: "the on-call pager's https endpoint, set as a secret",
                fix: setCommand(stack, "oncallEndpoint", "https://..."),
            };
        },
    },
    {
        keys: ["namePrefix", "environment"],
        check(config, stack) {
            const { namePrefix, environment } = config;
            if (!namePrefix || !environment || prefixNamesEnvironment(namePrefix, environment)) {
                return undefined;
            }
            return {
                key: qualified("namePrefix"),
                found: JSON.stringify(namePrefix),
                expected: `a prefix containing the environment name "${environment}" between dashes (or at an end)`,
                fix: setCommand(stack, "namePrefix", `atlas-${environment}`),
            };
        },
    },
];

import { PolicyResource } from "@pulumi/policy";
import { DEV_COST_DEFAULTS, DEV_COST_SCHEMA, DevCostConfig } from "../config";
import { resourceLabel } from "../identity";
import { Finding, stackPolicy } from "../policy-kit";
import { withGuardrail } from "../applicability";

/** Guardrail (advisory): dev experiments stay cheap. Caps come from policy config. */
export const devCostGuardrails = stackPolicy<DevCostConfig>({
    name: "dev-cost-guardrails",
    description: "Dev should cap Glue workers and worker types, Athena bytes scanned per query, and log retention.",
    environments: withGuardrail("cost-limits"),
    configSchema: DEV_COST_SCHEMA,
    remediationSteps: "Lower the values in Pulumi.dev.yaml, or raise the caps in the dev policy config if the experiment needs it.",
    check: (view, config) => {
        const caps = { ...DEV_COST_DEFAULTS, ...config };
        return view.resources.flatMap((resource): Finding[] => {
            switch (resource.type) {
                case "aws:glue/job:Job":
                    return [
                        ...overCap(resource, "numberOfWorkers", resource.props.numberOfWorkers, caps.maxGlueWorkers, "maxGlueWorkers"),
                        ...(caps.allowedGlueWorkerTypes.includes(resource.props.workerType)
                            ? []
                            : [
                                  finding(
                                      resource,
                                      `workerType ${JSON.stringify(resource.props.workerType ?? null)} is not one of ${caps.allowedGlueWorkerTypes.join(", ")}`,
                                      "allowedGlueWorkerTypes",
                                  ),
                              ]),
                    ];
                case "aws:athena/workgroup:Workgroup":
                    return overCap(
                        resource,
                        "configuration.bytesScannedCutoffPerQuery",
                        resource.props.configuration?.bytesScannedCutoffPerQuery,
                        caps.maxAthenaBytesScannedCutoffPerQuery,
                        "maxAthenaBytesScannedCutoffPerQuery",
                    );
                case "aws:cloudwatch/logGroup:LogGroup":
                    // 0 or unset means "never expire".
                    return overCap(resource, "retentionInDays", resource.props.retentionInDays || undefined, caps.maxLogRetentionDays, "maxLogRetentionDays");
                default:
                    return [];
            }
        });
    },
});

function overCap(resource: PolicyResource, property: string, value: unknown, cap: number, capKey: string): Finding[] {
    if (typeof value === "number" && value <= cap) {
        return [];
    }
    return [finding(resource, `${property} is ${value === undefined ? "unset (unbounded)" : JSON.stringify(value)}, above the dev cap ${cap}`, capKey)];
}

function finding(resource: PolicyResource, problem: string, capKey: string): Finding {
    return {
        resource,
        problem: `${resourceLabel(resource)}: ${problem}`,
        fix: `lower it in Pulumi.dev.yaml, or raise ${capKey} in the dev-cost-guardrails policy config`,
    };
}

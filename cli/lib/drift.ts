/**
 * Drift: where the cloud no longer is what a stack's state says it deployed (a console edit, a deletion behind
 * Pulumi's back). Found with a refresh preview (`pulumi refresh --preview-only`): the provider reads every resource
 * from the cloud, the engine compares, nothing is written to the state or its history.
 *
 * What the engine shows of secrets: a refresh preview hands out both sides of a secret as "[secret]" (the CLI blinds
 * them, even with --show-secrets), so a drifted secret is reported by its path, from the provider's diff, with both
 * sides "[secret]": never its value, and no digest either, because the refreshed value never leaves the engine.
 */
import { EngineEvent } from "@pulumi/pulumi/automation";
import { keysOfBoth, labelOf, printable, propertyPath, SECRET_SIG, SIG } from "../../policy-pack/src/contract";
import { StackSource } from "./stacks";
import { markdownTable, textTable } from "./tables";

/** How the engine shows a secret in events. */
const BLINDED_SECRET = "[secret]";

export interface PropertyDrift {
    /** Property path, as parity messages write them (`tags.owner`, `defaultArguments["--conf"]`). */
    path: string;
    /** What the stack's state says (secret-free rendering). */
    recorded: string;
    /** What the cloud holds now. */
    cloud: string;
}

export interface DriftedResource {
    urn: string;
    /** `<type> "<logical name>"`, as parity messages name resources. */
    label: string;
    change: "changed" | "deleted";
    properties: PropertyDrift[];
}

export interface DriftReport {
    stack: string;
    /** ISO time the check finished. */
    checkedAt: string;
    seconds: number;
    /** Resources the provider read (every resource but the stack, its providers and components). */
    checkedResources: number;
    drifted: DriftedResource[];
}

/**
 * A refresh preview of `stack`: every drifted resource, property by property; changes nothing. `env` reaches the
 * CLI and the provider (e.g. AWS_PROFILE with read access to the stack's account).
 */
export async function detectDrift(source: StackSource, stackName: string, env: Record<string, string> = {}): Promise<DriftReport> {
    const started = Date.now();
    const stack = await source.stack(stackName, { env });
    const outputs: NonNullable<EngineEvent["resOutputsEvent"]>["metadata"][] = [];
    const failures: string[] = [];
    await stack
        .previewRefresh({
            color: "never",
            onEvent: (event) => {
                if (event.resOutputsEvent) {
                    outputs.push(event.resOutputsEvent.metadata);
                }
                if (event.diagnosticEvent?.severity === "error" && event.diagnosticEvent.message.trim()) {
                    failures.push(event.diagnosticEvent.message.trim());
                }
            },
        })
        .catch((error: unknown) => {
            throw new Error(
                `the refresh preview of ${stackName} failed: ${failures[0] ?? (error instanceof Error ? error.message.split("\n").slice(-3).join(" ") : String(error))}`,
            );
        });
    const read = outputs.filter((m) => m.old?.custom && !m.type.startsWith("pulumi:providers:"));
    return {
        stack: stackName,
        checkedAt: new Date().toISOString(),
        seconds: (Date.now() - started) / 1000,
        checkedResources: read.length,
        drifted: read
            .map(driftOf)
            .filter((d): d is DriftedResource => d !== undefined)
            .sort((a, b) => a.label.localeCompare(b.label)),
    };
}

function driftOf(m: NonNullable<EngineEvent["resOutputsEvent"]>["metadata"]): DriftedResource | undefined {
    const label = labelOf({ type: m.type, urn: m.urn });
    if (m.op === "delete") {
        return { urn: m.urn, label, change: "deleted", properties: [] };
    }
    const properties = differences(m.old?.outputs ?? {}, m.new?.outputs ?? {}, "");
    // A drifted secret shows as "[secret]" on both sides; the provider's diff still names it.
    for (const key of m.op === "update" ? (m.diffs ?? []) : []) {
        if (!properties.some((p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`))) {
            properties.push({ path: key, recorded: BLINDED_SECRET, cloud: `${BLINDED_SECRET} (changed)` });
        }
    }
    return properties.length > 0 ? { urn: m.urn, label, change: "changed", properties } : undefined;
}

/** Where two values differ, path by path; a secret is one value, shown as "[secret]" whatever it holds. */
export function differences(recorded: unknown, cloud: unknown, path: string): PropertyDrift[] {
    if (isSigned(recorded) || isSigned(cloud)) {
        return JSON.stringify(recorded) === JSON.stringify(cloud) ? [] : [{ path, recorded: shown(recorded), cloud: shown(cloud) }];
    }
    if (isObject(recorded) && isObject(cloud)) {
        return keysOfBoth(recorded, cloud).flatMap((key) => differences(recorded[key], cloud[key], propertyPath(path, key)));
    }
    if (Array.isArray(recorded) && Array.isArray(cloud) && recorded.length === cloud.length) {
        return recorded.flatMap((item, i) => differences(item, cloud[i], `${path}[${i}]`));
    }
    return JSON.stringify(recorded) === JSON.stringify(cloud) ? [] : [{ path, recorded: printable(recorded), cloud: printable(cloud) }];
}

/** A value as Pulumi signs it (a secret, an asset, an archive): compared whole. */
function isSigned(value: unknown): boolean {
    return isObject(value) && SIG in value;
}

function shown(value: unknown): string {
    return isObject(value) && value[SIG] === SECRET_SIG ? BLINDED_SECRET : printable(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What puts the cloud back (an update compares the code with the state, which a refresh must first correct). */
export function reconcileAdvice(stack: string): string {
    return `To fix: undo the change in the cloud (then run drift again), or record it with \`pulumi refresh --stack ${stack} --yes\` and promote the release ${stack} runs again (\`npm run promote -- --stack ${stack} --version <its version>\`), which puts the cloud back to the code; to keep the change, make it in the code and release it.`;
}

function verdict(report: DriftReport): string {
    return report.drifted.length === 0
        ? `no drift in ${report.checkedResources} resources`
        : `DRIFT in ${report.drifted.length} of ${report.checkedResources} resources`;
}

/** One row per drifted property (a deleted resource is one row). */
function rows(report: DriftReport): string[][] {
    return report.drifted.flatMap((r) =>
        r.change === "deleted"
            ? [[r.label, "(resource)", "present", "deleted outside Pulumi"]]
            : r.properties.map((p) => [r.label, p.path, p.recorded, p.cloud]),
    );
}

export function driftTable(report: DriftReport): string {
    const lines = [`drift of ${report.stack}: ${verdict(report)} (checked in ${report.seconds.toFixed(1)}s)`];
    if (report.drifted.length > 0) {
        lines.push(textTable([["RESOURCE", "PROPERTY", "STATE SAYS", "CLOUD HAS"], ...rows(report)]), "", reconcileAdvice(report.stack));
    }
    return lines.join("\n");
}

export function driftMarkdown(report: DriftReport): string {
    const lines = [
        `### Drift of \`${report.stack}\`: ${verdict(report)}`,
        "",
        `Checked ${report.checkedAt} in ${report.seconds.toFixed(1)}s (a refresh preview; nothing was written).`,
    ];
    if (report.drifted.length > 0) {
        lines.push(
            "",
            ...markdownTable(
                ["resource", "property", "state says", "cloud has"],
                rows(report).map(([r, p, s, c]) => [r, `\`${p}\``, s, c]),
            ),
            "",
            reconcileAdvice(report.stack),
        );
    }
    return lines.join("\n");
}

/**
 * Drift: where the cloud no longer is what a stack's state says it deployed (a console edit, a deletion behind
 * Pulumi's back). Found with a refresh preview (`pulumi refresh --preview-only`): the provider reads every resource
 * from the cloud, the engine compares, nothing is written to the state or its history.
 *
 * The engine's verdict is the verdict: every resource whose refresh step would update, replace or delete it is drift,
 * whether or not a property can be named. The values in the events only explain it, and they are blinded: a refresh
 * preview hands out both sides of a secret as "[secret]" (even with --show-secrets), so a changed secret shows no
 * difference at all. Such a resource is still reported, by the secret's path where only one secret could have
 * changed, and the report's count is held to the engine's own summary of the same run (`changeSummary`): a report that
 * explains fewer resources than the engine counts is a failed check (UnexplainedDrift), never "no drift".
 */
import { EngineEvent } from "@pulumi/pulumi/automation";
import { keysOfBoth, labelOf, printable, propertyPath, SECRET_SIG, SIG } from "../../../policy-pack/src/contract";
import { StackSource } from "../stacks";
import { engineFailureReason, markdownTable, textTable } from "../kit";

/** How the engine shows a secret in events. */
export const BLINDED_SECRET = "[secret]";

/** The engine's operations that mean the cloud differs from the state, and how the report words each. */
const DRIFT_OPERATIONS: Readonly<Record<string, DriftedResource["change"]>> = {
    update: "changed",
    replace: "replaced",
    "create-replacement": "replaced",
    "delete-replaced": "replaced",
    delete: "deleted",
};

/** The changeSummary keys the engine counts a drifted resource under (a replacement is counted once, as `replace`). */
const COUNTED_OPERATIONS = ["update", "replace", "delete"] as const;

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
    change: "changed" | "replaced" | "deleted";
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
    /** The engine's own count of resources this refresh would change (its summary's update + replace + delete). */
    engineChanged: number;
}

/** The engine counted changes the report cannot account for: the check failed (exit 3), it did not find "no drift". */
export class UnexplainedDrift extends Error {
    constructor(readonly report: DriftReport) {
        super(
            `the engine found ${report.engineChanged} changed resource(s) in ${report.stack}, the report explains ${report.drifted.length}; the check cannot tell what drifted, so it is not "no drift". To fix: run \`pulumi refresh --preview-only --diff --stack ${report.stack}\` to see the engine's view, and report the difference as a bug of npm run drift`,
        );
    }
}

export interface DriftOptions {
    /** Variables for the CLI and the provider (e.g. AWS_PROFILE with read access to the stack's account). */
    env?: Record<string, string>;
    /** Which engine events the report reads (all by default); tests drop some to prove the count check holds. */
    readsEvent?: (event: EngineEvent) => boolean;
}

type StepMetadata = NonNullable<EngineEvent["resOutputsEvent"]>["metadata"];

/**
 * A refresh preview of `stack`: every drifted resource, property by property where the engine lets us see; changes
 * nothing. Throws UnexplainedDrift when the engine counts changes the events do not show.
 */
export async function detectDrift(source: StackSource, stackName: string, options: DriftOptions = {}): Promise<DriftReport> {
    const started = Date.now();
    const stack = await source.stack(stackName, { env: options.env ?? {} });
    const steps = new Map<string, StepMetadata>();
    const failures: string[] = [];
    let summary: Record<string, number> | undefined;
    await stack
        .previewRefresh({
            color: "never",
            onEvent: (event) => {
                if (options.readsEvent && !options.readsEvent(event)) {
                    return;
                }
                if (event.summaryEvent) {
                    summary = event.summaryEvent.resourceChanges as Record<string, number>;
                }
                const step = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
                if (step) {
                    steps.set(step.urn, step);
                }
                if (event.diagnosticEvent?.severity === "error" && event.diagnosticEvent.message.trim()) {
                    failures.push(event.diagnosticEvent.message.trim());
                }
            },
        })
        .catch((error: unknown) => {
            throw new Error(
                `the refresh preview of ${stackName} failed: ${failures[0] ?? engineFailureReason(error instanceof Error ? error.message : String(error)).replace(/\n/g, " ")}`,
            );
        });
    const report = driftReport(stackName, [...steps.values()], summary, (Date.now() - started) / 1000);
    if (report.engineChanged !== report.drifted.length) {
        throw new UnexplainedDrift(report);
    }
    return report;
}

/** The report of one refresh preview's step events and the engine's summary of it (pure: unit tests feed recorded streams). */
export function driftReport(stack: string, steps: readonly StepMetadata[], summary: Record<string, number> | undefined, seconds: number): DriftReport {
    // A stack that was never deployed has no steps, and its summary counts nothing.
    if (!summary || (Object.keys(summary).length === 0 && steps.length > 0)) {
        throw new Error(
            `the refresh preview of ${stack} ended without the engine's summary of its changes, so its verdict cannot be checked; to fix: run the check again, and update the Pulumi CLI if it persists`,
        );
    }
    const read = steps.filter((m) => (m.old ?? m.new)?.custom && !m.type.startsWith("pulumi:providers:"));
    return {
        stack,
        checkedAt: new Date().toISOString(),
        seconds,
        checkedResources: read.length,
        drifted: read
            .map(driftOf)
            .filter((d): d is DriftedResource => d !== undefined)
            .sort((a, b) => a.label.localeCompare(b.label)),
        engineChanged: COUNTED_OPERATIONS.reduce((sum, op) => sum + (summary[op] ?? 0), 0),
    };
}

function driftOf(m: StepMetadata): DriftedResource | undefined {
    const change = DRIFT_OPERATIONS[m.op];
    if (!change) {
        return undefined;
    }
    const label = labelOf({ type: m.type, urn: m.urn });
    return { urn: m.urn, label, change, properties: change === "deleted" ? [] : explained(m) };
}

/**
 * Why the engine would change a resource, as far as the events let us see: the values that differ, then each key the
 * engine names (`diffs`, `detailedDiff`) that no visible difference covers; where nothing was named, the inputs the
 * release asked for that the cloud no longer holds, then the blinded secrets that alone could have changed. Never
 * empty: a resource the engine would change is drift even when nothing about it can be named.
 */
export function explained(m: Pick<StepMetadata, "old" | "new" | "diffs" | "detailedDiff">): PropertyDrift[] {
    const properties = [
        ...differences(m.old?.outputs ?? {}, m.new?.outputs ?? {}, ""),
        ...differences(releaseInputs(m.old?.inputs), releaseInputs(m.new?.inputs), ""),
    ].filter((d, i, all) => all.findIndex((other) => other.path === d.path) === i);
    const covered = (key: string) => properties.some((p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`));
    for (const key of new Set([...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {})])) {
        if (!covered(key)) {
            properties.push({ path: key, recorded: "(not shown by the engine)", cloud: "(changed, not shown by the engine)" });
        }
    }
    if (properties.length > 0) {
        return properties;
    }
    // After a `pulumi refresh` recorded a console edit, the state's outputs are the cloud's but its inputs are still
    // what the release asked for, and the engine diffs those (the next update would change the resource back).
    const asked = releaseInputs(m.old?.inputs);
    const fromInputs = Object.keys(asked).flatMap((key) => differences(asked[key], m.new?.outputs?.[key], propertyPath("", key)));
    if (fromInputs.length > 0) {
        return fromInputs;
    }
    const secrets = [...new Set([...blindedPaths(m.old?.outputs, ""), ...blindedPaths(m.old?.inputs, "")])].sort();
    if (secrets.length === 1) {
        return [{ path: secrets[0], recorded: BLINDED_SECRET, cloud: `${BLINDED_SECRET} (changed; the engine shows neither side)` }];
    }
    if (secrets.length > 1) {
        const cloud = `${BLINDED_SECRET} (a secret property changed; the engine shows neither side)`;
        return [{ path: `one of ${secrets.join(", ")}`, recorded: BLINDED_SECRET, cloud }];
    }
    return [{ path: "(a property the engine does not name)", recorded: "(not shown by the engine)", cloud: "(changed)" }];
}

/** A resource's inputs as the program set them (without the engine's bookkeeping keys such as `__defaults`). */
function releaseInputs(inputs: Record<string, unknown> | undefined): Record<string, unknown> {
    return Object.fromEntries(Object.entries(inputs ?? {}).filter(([key]) => !key.startsWith("__")));
}

/** The paths of values the engine blinded as "[secret]". */
function blindedPaths(value: unknown, path: string): string[] {
    if (value === BLINDED_SECRET || (isObject(value) && value[SIG] === SECRET_SIG)) {
        return [path];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, i) => blindedPaths(item, `${path}[${i}]`));
    }
    return isObject(value) ? Object.keys(value).flatMap((key) => blindedPaths(value[key], propertyPath(path, key))) : [];
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

/** A value as Pulumi signs it (a secret, an asset, an archive) or as the engine blinds a secret: compared whole. */
function isSigned(value: unknown): boolean {
    return value === BLINDED_SECRET || (isObject(value) && SIG in value);
}

function shown(value: unknown): string {
    return value === BLINDED_SECRET || (isObject(value) && value[SIG] === SECRET_SIG) ? BLINDED_SECRET : printable(value);
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
            : r.properties.map((p) => [r.label, p.path, p.recorded, r.change === "replaced" ? `${p.cloud} (the engine would replace it)` : p.cloud]),
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

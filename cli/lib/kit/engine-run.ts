/**
 * Runs one preview or update with the policy pack and reports what happened in a shape the
 * commands print and the tests assert on: outcome, policy violations, engine errors.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { OptionsEntry } from "../../../policy-pack/src/contract";

export type Operation = "preview" | "update";

export interface PolicyViolation {
    policy: string;
    level: "mandatory" | "advisory" | "disabled" | "remediate" | string;
    message: string;
    urn?: string;
}

export interface RunOutcome {
    stack: string;
    operation: Operation;
    /** True when the engine finished without error and no mandatory policy refused. */
    succeeded: boolean;
    violations: PolicyViolation[];
    /** Engine and program errors (not policy messages), first line of each. */
    errors: string[];
    /** Resource operation counts, e.g. { create: 3, same: 40 }. */
    changes: Record<string, number>;
    seconds: number;
    /** What ran and how it ended, for a person reading a failure (`describeRun`, report.ts). */
    trace?: RunTrace;
    /** Each resource's new state as its step announced it (options no policy sees, such as retainOnDelete). */
    steps?: OptionsEntry[];
}

export interface RunTrace {
    /** The CLI command the run amounts to. */
    command: string;
    /** The CLI's exit code (0: it succeeded). */
    exitCode: number | null;
    /** The last lines of the engine's output. */
    lastLines: string[];
}

/** How many lines of the engine's output a trace keeps. */
const TRACE_LINES = 25;

export interface RunOptions {
    policyPack: string;
    /** Policy config (the value of `--policy-pack-config`); written to a temporary file. */
    policyConfig?: Record<string, unknown>;
    /** Recorded as the update's message, so `pulumi stack history` names the release. */
    message?: string;
    /** Called with each line of the engine's progress output. */
    onOutput?: (line: string) => void;
    /** A private directory for the policy-config file (default: a new temporary directory). */
    scratchDir?: string;
    /**
     * An update plan: a preview saves the operations it proposes here, an update is held to them
     * (the engine refuses a step the preview did not plan, e.g. a value the program computes
     * differently when it is not a preview).
     */
    plan?: string;
}

/** A mandatory violation is a refusal: the engine stops the run. */
export function hasMandatoryViolation(violations: readonly PolicyViolation[]): boolean {
    return violations.some((v) => v.level === "mandatory");
}

export async function runWithPolicies(stack: Stack, operation: Operation, options: RunOptions): Promise<RunOutcome> {
    const started = Date.now();
    const violations: PolicyViolation[] = [];
    const errors: string[] = [];
    const output = new LastLines(TRACE_LINES);
    let summary: Record<string, number> = {};
    const steps: OptionsEntry[] = [];
    const onEvent = (event: EngineEvent) => {
        const state = event.resourcePreEvent?.metadata.new;
        if (state) {
            steps.push({ urn: state.urn, type: state.type, retainOnDelete: state.retainOnDelete, inputs: state.inputs });
        }
        const policy = event.policyEvent;
        if (policy) {
            violations.push({ policy: policy.policyName, level: policy.enforcementLevel, message: policy.message.trim(), urn: policy.resourceUrn });
        }
        if (event.summaryEvent) {
            summary = event.summaryEvent.resourceChanges as Record<string, number>;
        }
        const diagnostic = event.diagnosticEvent;
        if (diagnostic?.severity === "error" && diagnostic.message.trim()) {
            errors.push(diagnostic.message.trim());
        }
    };
    const configFile = writePolicyConfig(options.policyConfig, options.scratchDir);
    const common = {
        policyPacks: [options.policyPack],
        policyPackConfigs: configFile ? [configFile] : undefined,
        message: options.message,
        onEvent,
        onOutput: (text: string) => {
            output.add(text);
            options.onOutput?.(text);
        },
        color: "never" as const,
        plan: options.plan,
    };
    let changes: Record<string, number> = {};
    let failure: string | undefined;
    let exitCode: number | null = 0;
    try {
        if (operation === "preview") {
            changes = (await stack.preview(common)).changeSummary as Record<string, number>;
        } else {
            await withoutReadBack(stack).up(common);
        }
    } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        exitCode = (error as { commandResult?: { code?: number } }).commandResult?.code ?? null;
        output.add(failure.split("\nstderr:").pop() ?? "");
    } finally {
        if (configFile) {
            fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
        }
    }
    if (operation === "update") {
        // The engine's summary event, sent whether the update succeeded or stopped part-way (what it applied).
        changes = summary;
    }
    const refused = hasMandatoryViolation(violations);
    if (failure && errors.length === 0 && !refused) {
        errors.push(engineFailureReason(failure));
    }
    if (refused) {
        // The engine's closing "preview failed" only restates the policy refusal listed above it.
        errors.splice(0, errors.length, ...errors.filter((e) => !/^(preview|update) failed$/.test(e)));
    }
    return {
        stack: stack.name,
        operation,
        succeeded: failure === undefined && !refused,
        violations,
        errors: unique(errors),
        changes,
        seconds: (Date.now() - started) / 1000,
        trace: { command: commandOf(stack.name, operation, options, configFile), exitCode, lastLines: output.lines() },
        steps,
    };
}

/**
 * The stack, for an update whose result is read from the engine's own events: the Automation API's up() reads
 * the stack's outputs twice and its newest history entry after the update (three more CLI runs, secrets
 * decrypted), which a run with policies never uses. A view of the stack, so the caller's object is untouched.
 */
function withoutReadBack(stack: Stack): Stack {
    return Object.create(stack, {
        outputs: { value: async () => ({}) },
        info: { value: async () => undefined },
    }) as Stack;
}

/** The CLI command a run amounts to (the Automation API adds its own plumbing flags). */
function commandOf(stack: string, operation: Operation, options: RunOptions, configFile: string | undefined): string {
    const words = ["pulumi", operation === "preview" ? "preview" : "up --yes --skip-preview", "--stack", stack, "--policy-pack", options.policyPack];
    if (configFile) {
        words.push("--policy-pack-config", configFile);
    }
    if (options.plan) {
        words.push(operation === "preview" ? "--save-plan" : "--plan", options.plan);
    }
    return words.join(" ");
}

/** The last `limit` non-empty lines of a text that arrives in chunks (a run's trace, a rehearsal step's output). */
export class LastLines {
    private kept: string[] = [];
    private partial = "";

    constructor(private readonly limit: number) {}

    add(text: string): void {
        const parts = (this.partial + text).split("\n");
        this.partial = parts.pop() ?? "";
        this.kept.push(...parts.map((line) => line.trimEnd()).filter((line) => line.trim() !== ""));
        this.kept = this.kept.slice(-this.limit);
    }

    lines(): string[] {
        return [...this.kept, ...(this.partial.trim() ? [this.partial.trimEnd()] : [])].slice(-this.limit);
    }
}

function writePolicyConfig(config: Record<string, unknown> | undefined, scratchDir = os.tmpdir()): string | undefined {
    if (!config) {
        return undefined;
    }
    const dir = fs.mkdtempSync(path.join(scratchDir, "atlas-policy-config-"));
    const file = path.join(dir, "policy-config.json");
    fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
    return file;
}

/**
 * Why a CLI run failed, from the Automation API's error: the CLI's own `error:` lines when it wrote any (from 3.276
 * an engine error such as a provider that cannot be configured reaches stderr only, not the event stream), else the
 * last lines of its stderr.
 */
export function engineFailureReason(message: string): string {
    // The Automation API's CommandError reads "code: N\n stdout: …\n stderr: …\n err?: …" (the err? part repeats stderr).
    const stderr = (message.split(/\n\s*stderr: /).pop() ?? message).split(/\n\s*err\?: /)[0];
    const lines = stderr
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("at "));
    const errorLines = lines.filter((line) => line.startsWith("error: ")).map((line) => line.slice("error: ".length));
    return errorLines.length > 0 ? unique(errorLines).join("\n") : lines.slice(-6).join("\n");
}

function unique(values: string[]): string[] {
    return [...new Set(values)];
}

/**
 * `npm run rehearse`: rehearses a release offline on the real Pulumi engine and the real
 * policy pack, with a stand-in AWS provider in an isolated workspace. Exit 0 only when every
 * step ends as the release strategy demands.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isAssignableVersion } from "../policy-pack/src/contract";
import { REPO_ROOT } from "../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../tools/offline/release-repository";
import { writeShellEnvironment } from "../tools/offline/shell-environment";
import { OfflineWorkspace, STACK_NAMES } from "../tools/offline/workspace";
import { EXIT, parseFlags, requireOneOf, runMain, UsageError, LastLines, Progress, withProgress } from "./lib/kit";
import { promote, uncommittedFiles, formatPromoteReport } from "./lib/gate";
import { cloudOf, driftTable, readStatus, statusTable } from "./lib/operations";
import {
    checkoutsOf,
    describeStep,
    RehearsalStep,
    runStep,
    StepResult,
    STEPS,
    stepLabel,
    stepLine,
    TAIL_LINES,
    unexpectedLines,
    verdictLines,
} from "./lib/rehearsal";
import { bootstrapStacksFor, OfflineBackend } from "./lib/stacks";

const USAGE = `usage: npm run rehearse -- [options]

Rehearses releases offline, on commits of a release repository made from your working tree
(uncommitted edits included): dev; prod refused before staging; staging, then prod; the next
release through staging and prod; prod refused at a release staging never had, for a code-only
change under staging's version, and for config that drifts from staging; the change through
staging to prod; a rollback through staging.

options:
  --workspace DIR   use (and keep) this workspace directory instead of a temporary one;
                    a kept workspace has DIR/env.sh: \`source DIR/env.sh\` to use pulumi there
  --keep            keep the temporary workspace and print its path
  --kms             a new workspace's staging and prod stacks encrypt their secrets with
                    awskms:// keys of a stand-in KMS, as a real organisation's must (npm run
                    doctor checks it); this command serves the KMS while it runs, so a shell
                    sourcing env.sh cannot read those stacks' secrets
  --step NAME       run only this step (repeatable); see --list
  --stack NAME      promote one stack (dev, staging or prod) instead of the steps; needs --version
  --version V       the release version for --stack
  --list            list the steps and exit
  --verbose         also print the engine's full output and each step's whole report
  --quiet           the default (one line per step); kept as an alias
  -h, --help        show this help

By default each step is one line (what it did, what was expected, its time, how it ended), with
the verdict of each refusal and each drift found under it, and the status of the workspace at the
end; a step that does not end as expected also shows its report and the last ${TAIL_LINES} lines of the
engine's output.`;

const ONCALL_KEY = "atlas:oncallEndpoint";

async function main(): Promise<number> {
    const { values: flags } = parseFlags(
        process.argv.slice(2),
        {
            workspace: { type: "string" },
            keep: { type: "boolean" },
            kms: { type: "boolean" },
            step: { type: "string", multiple: true },
            stack: { type: "string" },
            version: { type: "string" },
            list: { type: "boolean" },
            quiet: { type: "boolean" },
            verbose: { type: "boolean" },
        },
        USAGE,
    );
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    if (flags.list) {
        STEPS.forEach((step, i) => console.log(`${i + 1}. ${step.name.padEnd(22)} ${step.title} (${describeStep(step)})`));
        return EXIT.ok;
    }
    const steps = selectSteps([...STEPS], flags.step ?? []);
    requireOneOf("stack", flags.stack, STACK_NAMES);
    if ((flags.stack === undefined) !== (flags.version === undefined)) {
        throw new UsageError("--stack and --version go together: --stack prod --version 1.0.0");
    }
    if (flags.stack && flags.step) {
        throw new UsageError("use either --stack or --step, not both");
    }
    if (flags.version !== undefined && !isAssignableVersion(flags.version)) {
        throw new UsageError(`--version "${flags.version}" is not a semantic version such as 1.4.0, 1.4.0-rc.1 or 2026.11.26+run.7`);
    }

    const verbose = flags.verbose === true;
    const transcript: string[] = [];
    const print = (line: string) => {
        transcript.push(line);
        console.log(line);
    };
    // Engine output is kept for the secret check too, whether or not it is shown; a step's last lines, for a step that fails.
    let stepOutput = new LastLines(TAIL_LINES);
    const onOutput = (chunk: string) => {
        transcript.push(chunk);
        stepOutput.add(chunk);
        if (verbose) {
            process.stdout.write(chunk.replace(/\n\s*(?=\n)/g, "").replace(/^(?=.)/gm, "      │ "));
        }
    };

    print(`rehearse: preparing an offline workspace (building the Pulumi CLI on first use)…`);
    const workspace = await OfflineWorkspace.create({ dir: flags.workspace, kmsSecrets: flags.kms === true });
    const repository = ReleaseRepository.snapshot(REPO_ROOT, workspace.releasesDir);
    const checkouts = checkoutsOf(repository);
    const sourceFor = (revision: keyof typeof checkouts) => new OfflineBackend(workspace, checkouts[revision]);
    const oncallSecret = await prepareStacks(sourceFor("snapshot"));
    print(`rehearse: ${sourceFor("snapshot").description}; Pulumi ${workspace.cli.version}`);
    print(
        `rehearse: releasing commit ${repository.head.slice(0, 12)}, a snapshot of ${REPO_ROOT}${uncommittedFiles(REPO_ROOT).length > 0 ? " with its uncommitted changes" : ""}`,
    );

    let failed = 0;
    const started = Date.now();
    /** The policy config of each stack's last promotion: a kept workspace keeps it for previews by hand. */
    const lastPolicyConfig = new Map<string, Record<string, unknown>>();
    if (flags.stack && flags.version) {
        const target = flags.stack;
        const report = await withProgress(
            `${target} @ ${flags.version}: promoting`,
            () => promote(sourceFor("snapshot"), { target, version: flags.version!, onOutput }),
            {
                stream: verbose ? { write: () => true } : process.stdout,
            },
        );
        lastPolicyConfig.set(target, report.policyConfig);
        print(`${target} @ ${flags.version}: ${report.succeeded ? "deployed" : "not deployed"}`);
        print(formatPromoteReport(report));
        failed = report.succeeded ? 0 : 1;
    } else {
        print(`rehearse: ${steps.length} steps, one line each${verbose ? ", with the engine's output" : " (--verbose shows the engine's output)"}`);
        for (const [index, step] of steps.entries()) {
            stepOutput = new LastLines(TAIL_LINES);
            const progress = new Progress(stepLabel(index, steps.length, { step }), {
                stream: verbose ? { write: () => true } : process.stdout,
                plainEverySeconds: 60,
            });
            let result;
            try {
                result = await runStep(
                    { sourceFor, cloud: cloudOf(workspace.dir), bootstrapStacks: () => bootstrapStacksFor(workspace.dir, checkouts.snapshot) },
                    step,
                    onOutput,
                );
            } catch (error) {
                progress.done(`✘ ${stepLabel(index, steps.length, { step })} → failed after ${progress.seconds.toFixed(1)}s`);
                stepOutput.lines().forEach((line) => print(`      │ ${line}`));
                throw error;
            } finally {
                progress.done();
            }
            if (result.report) {
                lastPolicyConfig.set(step.target, result.report.policyConfig);
            }
            const expected = result.mismatches.length === 0;
            print(stepLine(index, steps.length, result, progress.seconds));
            if (verbose) {
                print(indent(formatStepResult(result)));
            } else if (expected) {
                verdictLines(result).forEach(print);
            } else {
                unexpectedLines(result, formatStepResult(result), stepOutput.lines()).forEach(print);
            }
            failed += expected ? 0 : 1;
        }
    }

    if (oncallSecret.length >= 8 && transcript.some((line) => line.includes(oncallSecret))) {
        print(`rehearse: a secret config value appeared in this report or the engine's output; treat it as a defect in the policy pack or commands`);
        failed += 1;
    }
    const kept = flags.workspace !== undefined || flags.keep === true;
    print(
        `rehearse: ${failed === 0 ? "every step ended as expected" : `${failed} step(s) did not end as expected`} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    print("");
    print(statusTable(await readStatus(sourceFor("snapshot"))));
    print("");
    if (kept) {
        for (const [stack, config] of lastPolicyConfig) {
            fs.writeFileSync(path.join(workspace.dir, `policy-config.${stack}.json`), JSON.stringify(config, null, 2), { mode: 0o600 });
        }
        const shell = writeShellEnvironment(workspace, checkouts.snapshot);
        print(`rehearse: workspace kept at ${workspace.dir} (release commits in ${repository.dir}); for the pulumi CLI there: source ${shell}`);
        print(`rehearse: npm run status -- --workspace ${workspace.dir} prints the status again`);
    } else {
        workspace.remove();
    }
    return failed === 0 ? EXIT.ok : EXIT.refused;
}

function formatStepResult(result: StepResult): string {
    if (result.report) {
        return formatPromoteReport(result.report);
    }
    if (result.refusal) {
        return `refused before any run: ${result.refusal}`;
    }
    if (result.drift) {
        return driftTable(result.drift);
    }
    return result.note ?? "";
}

function indent(text: string): string {
    return text
        .split("\n")
        .map((line) => `      ${line}`)
        .join("\n");
}

function selectSteps(steps: RehearsalStep[], names: string[]): RehearsalStep[] {
    for (const name of names) {
        if (!steps.some((step) => step.name === name)) {
            throw new UsageError(`unknown step "${name}"; steps are: ${steps.map((s) => s.name).join(", ")}`);
        }
    }
    return names.length === 0 ? steps : steps.filter((step) => names.includes(step.name));
}

/** Creates the three stacks from the repo's stack files and sets prod's on-call secret. */
async function prepareStacks(source: OfflineBackend): Promise<string> {
    let secret = `https://oncall.invalid/atlas/${randomBytes(12).toString("hex")}`;
    for (const name of STACK_NAMES) {
        const stack = await source.stack(name, { create: true });
        const config = await stack.getAllConfig();
        if (config[ONCALL_KEY]?.value) {
            secret = (await stack.getConfig(ONCALL_KEY)).value; // a kept workspace already has one
        } else if (config["atlas:routeAlertsToOncall"]?.value === "true") {
            await stack.setConfig(ONCALL_KEY, { value: secret, secret: true });
        }
    }
    return secret;
}

runMain("rehearse", main);

/**
 * Command-line input of `rehearse`, `parity`, `promote`, `drift` and `cloud`: every bad flag is refused with exit
 * code 2 and a message naming the flag, before anything is read or changed.
 *
 * The corpus runs in one child process (tests/unit/cli/run-commands.ts: the real commands, with
 * `process.exit` intercepted) to keep the unit suite fast; one case per command also runs as
 * its own process through ts-node, as `npm run` does, to prove the exit code of the process.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { STEPS } from "../../../cli/lib/rehearsal/rehearsal";
import { describeStackNames, ENVIRONMENT_MODEL } from "../../../policy-pack/src/contract";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const TS_NODE = path.join(ROOT, "node_modules", ".bin", "ts-node");

interface Result {
    code: number | null;
    stdout: string;
    stderr: string;
}

interface Case {
    command: "parity" | "promote" | "rehearse" | "drift" | "cloud" | "status" | "dev-stack" | "release-of" | "pr-comment" | "access" | "doctor" | "bootstrap";
    args: string[];
    /** The message's first line, exactly (after the "<command>: " prefix). */
    message: string;
}

/** A reports directory holding a file that is not a check report. */
const MALFORMED_REPORTS = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-pr-reports-"));
fs.writeFileSync(path.join(MALFORMED_REPORTS, "prod.json"), JSON.stringify({ format: "atlas-pull-request-check/1", stack: "prod" }));
process.once("exit", () => fs.rmSync(MALFORMED_REPORTS, { recursive: true, force: true }));

const USAGE_CASES: Case[] = [
    { command: "parity", args: ["--bogus"], message: "Unknown option '--bogus'" },
    { command: "parity", args: ["--from"], message: "Option '--from <value>' argument missing" },
    { command: "parity", args: ["--format", "xml"], message: '--format must be one of table, markdown, json (got "xml")' },
    { command: "parity", args: ["--from", "prod", "--to", "prod"], message: '--from and --to name the same stack ("prod"); compare two different stacks' },
    { command: "parity", args: ["--workspace", "/nonexistent"], message: "--workspace only matters with --deployed" },
    { command: "parity", args: ["--from", "qa"], message: 'no stack file Pulumi.qa.yaml for stack "qa"; create the stack with `pulumi stack init qa`' },
    { command: "parity", args: ["staging", "prod"], message: "Unexpected argument 'staging'. This command does not take positional arguments" },
    { command: "parity", args: ["--deployed=yes"], message: "Option '--deployed' does not take an argument" },
    { command: "promote", args: [], message: "--stack is required" },
    { command: "promote", args: ["--stack", "prod"], message: "--version is required (the release to deploy)" },
    { command: "promote", args: ["--stack", "--version", "1.0.0"], message: "Option '--stack' argument is ambiguous." },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0"],
        message: '--version "1.0" is not a semantic version such as 1.4.0, 1.4.0-rc.1 or 2026.11.26+run.7',
    },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0.0; rm -rf /"],
        message: '--version "1.0.0; rm -rf /" is not a semantic version such as 1.4.0, 1.4.0-rc.1 or 2026.11.26+run.7',
    },
    { command: "promote", args: ["--stack", "prod", "--version", "1.0.0", "--force"], message: "Unknown option '--force'" },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0.0", "--preview-only=false"],
        message: "Option '--preview-only' does not take an argument",
    },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0.0", "--checkout", "/nonexistent/candidate"],
        message: "--checkout /nonexistent/candidate: no Pulumi.yaml there; pass the candidate's checkout (a clean git checkout of the release to deploy)",
    },
    { command: "rehearse", args: ["--stack", "qa", "--version", "1.0.0"], message: '--stack must be one of dev, staging, prod (got "qa")' },
    { command: "rehearse", args: ["--stack", "prod"], message: "--stack and --version go together: --stack prod --version 1.0.0" },
    { command: "rehearse", args: ["--version", "1.0.0"], message: "--stack and --version go together: --stack prod --version 1.0.0" },
    { command: "rehearse", args: ["--stack", "prod", "--version", "1.0.0", "--step", "dev"], message: "use either --stack or --step, not both" },
    { command: "rehearse", args: ["--step", "nope"], message: `unknown step "nope"; steps are: ${STEPS.map((step) => step.name).join(", ")}` },
    {
        command: "rehearse",
        args: ["--stack", "dev", "--version", "1.0"],
        message: '--version "1.0" is not a semantic version such as 1.4.0, 1.4.0-rc.1 or 2026.11.26+run.7',
    },
    { command: "rehearse", args: ["--workspace"], message: "Option '--workspace <value>' argument missing" },
    { command: "drift", args: [], message: "--stack is required" },
    { command: "drift", args: ["--stack", "staging", "--format", "xml"], message: '--format must be one of table, markdown, json (got "xml")' },
    {
        command: "drift",
        args: ["--stack", "staging", "--workspace", "/nonexistent"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
    { command: "drift", args: ["staging"], message: "Unexpected argument 'staging'. This command does not take positional arguments" },
    { command: "status", args: ["--format", "xml"], message: '--format must be one of table, markdown, json (got "xml")' },
    { command: "status", args: ["--stack", "prod"], message: "Unknown option '--stack'" },
    {
        command: "status",
        args: ["--workspace", "/nonexistent"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
    { command: "cloud", args: [], message: "say what to do first: one of show, set, unset, delete (got nothing)" },
    { command: "cloud", args: ["edit", "--workspace", "/tmp"], message: "say what to do first: one of show, set, unset, delete (got edit)" },
    {
        command: "cloud",
        args: ["set", "--stack", "staging", "--resource", "etl-job"],
        message: "--workspace is required: the cloud command edits the stand-in's cloud of an offline workspace, never a real account",
    },
    {
        command: "cloud",
        args: ["set", "--workspace", "/nonexistent", "--stack", "staging", "--resource", "etl-job"],
        message: "set needs --property PATH and --value VALUE",
    },
    {
        command: "cloud",
        args: ["unset", "--workspace", "/nonexistent", "--stack", "prod", "--resource", "oncall-subscription", "--property", "endpoint", "--value", "x"],
        message: "unset needs --property PATH and takes no --value",
    },
    {
        command: "cloud",
        args: ["unset", "--workspace", "/nonexistent", "--stack", "prod", "--resource", "oncall-subscription"],
        message: "unset needs --property PATH and takes no --value",
    },
    { command: "cloud", args: ["delete", "--workspace", "/nonexistent", "--stack", "staging"], message: "--resource is required" },
    {
        command: "cloud",
        args: ["show", "--workspace", "/nonexistent", "--stack", "staging", "--resource", "etl-job"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
    { command: "dev-stack", args: [], message: "give exactly one of --name NAME (your own stack) or --pull-request N (a review stack)" },
    {
        command: "dev-stack",
        args: ["--name", "alice", "--pull-request", "7"],
        message: "give exactly one of --name NAME (your own stack) or --pull-request N (a review stack)",
    },
    {
        command: "dev-stack",
        args: ["--name", "Alice-Smith"],
        message:
            "\"Alice-Smith\" cannot name a developer's stack: expected a lower-case name of 1–15 letters and digits, starting with a letter, and not an environment's name (the stack would be dev-Alice-Smith)",
    },
    {
        command: "dev-stack",
        args: ["--name", "staging"],
        message:
            "\"staging\" cannot name a developer's stack: expected a lower-case name of 1–15 letters and digits, starting with a letter, and not an environment's name (the stack would be dev-staging)",
    },
    {
        command: "dev-stack",
        args: ["--pull-request", "x1"],
        message:
            "\"x1\" cannot name a pull request's review stack: expected the pull request's number, and not an environment's name (the stack would be pr-x1)",
    },
    {
        command: "dev-stack",
        args: ["--name", "alice", "--workspace", "/nonexistent"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
    { command: "release-of", args: [], message: "--stack is required" },
    { command: "release-of", args: ["--stack", "staging", "--format", "yaml"], message: '--format must be one of text, json, github (got "yaml")' },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0.0", "--json", "prod.json"],
        message: "--json writes a pull-request check's report: add --pull-request-check (or use --markdown for a summary of any run)",
    },
    {
        command: "promote",
        args: ["--stack", "prod", "--version", "1.0.0", "--pull-request-check", "--json", "/nonexistent/prod.json"],
        message: "/nonexistent/prod.json: its directory /nonexistent does not exist; create it first (nothing ran)",
    },
    { command: "pr-comment", args: [], message: "--reports is required: the directory of the check reports" },
    { command: "pr-comment", args: ["--bogus"], message: "Unknown option '--bogus'" },
    {
        command: "pr-comment",
        args: ["--reports", "/nonexistent"],
        message: "--reports /nonexistent: no such directory; pass the directory the preview jobs' reports were downloaded to",
    },
    {
        command: "pr-comment",
        args: ["--reports", MALFORMED_REPORTS],
        message: `${path.join(MALFORMED_REPORTS, "prod.json")} is not a pull-request check report: "environment" must be a string; "version" must be a string; "release" must be a string; "markdown" must be a string; "upstream" must be a string or null; "outcome" must be one of passed, refused, failed; "waitsForUpstream" must be true or false; "plan" must hold whole numbers create, update, replace and delete; "findings" must be a list of objects with policy, level, kind, summary, message; "differences" must be a list of objects with resource, path, staging, prod; "stackFileDifferences" must be a list of objects with key, setting, from, to; "errors" must be a list of strings; write it with \`npm run promote -- --stack <stack> --version <v> --pull-request-check --json <file>\``,
    },
    { command: "access", args: [], message: "--stack is required" },
    { command: "access", args: ["--stack", "staging", "--format", "yaml"], message: '--format must be one of table, markdown, json (got "yaml")' },
    { command: "access", args: ["--bogus"], message: "Unknown option '--bogus'" },
    { command: "access", args: ["--stack", "prod", "--preview=yes"], message: "Option '--preview' does not take an argument" },
    {
        command: "doctor",
        args: ["--stack", "qa"],
        message: `--stack "qa" is no stack of the environment model; stacks are: ${describeStackNames(ENVIRONMENT_MODEL)}`,
    },
    { command: "doctor", args: ["--bogus"], message: "Unknown option '--bogus'" },
    { command: "doctor", args: ["--stack"], message: "Option '--stack <value>' argument missing" },
    { command: "doctor", args: ["prod"], message: "Unexpected argument 'prod'. This command does not take positional arguments" },
    {
        command: "doctor",
        args: ["--workspace", "/nonexistent"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
    { command: "bootstrap", args: [], message: "say what to do first: one of preview, up, variables (got nothing)" },
    { command: "bootstrap", args: ["print"], message: "say what to do first: one of preview, up, variables (got print)" },
    { command: "bootstrap", args: ["up"], message: "--stack is required: the bootstrap stack to deploy" },
    {
        command: "bootstrap",
        args: ["up", "--stack", "qa"],
        message: 'no bootstrap stack "qa": the bootstrap stacks are dev, staging, prod, tooling, deployed in that order',
    },
    {
        command: "bootstrap",
        args: ["preview", "--stack", "prod", "--format", "json"],
        message: "--format is for variables; preview prints the engine's output and the pack's verdict",
    },
    { command: "bootstrap", args: ["variables", "--stack", "prod"], message: "variables reads every bootstrap stack and takes no --stack" },
    { command: "bootstrap", args: ["variables", "--format", "yaml"], message: '--format must be one of text, github, json (got "yaml")' },
    { command: "bootstrap", args: ["variables", "--bogus"], message: "Unknown option '--bogus'" },
    {
        command: "bootstrap",
        args: ["variables", "--workspace", "/nonexistent"],
        message: "--workspace /nonexistent is not an offline workspace (it has no state/); make one with npm run rehearse -- --workspace /nonexistent",
    },
];

/** Flags that must work, so the harness is known to tell a refusal from a run. */
const ACCEPTED_CASES = [
    { command: "parity", args: [], code: 0, stdout: "parity staging ↔ prod: at parity" },
    { command: "parity", args: ["--from", "staging", "--to", "dev", "--format", "markdown"], code: 1, stdout: "### Parity: staging ↔ dev: NOT at parity" },
    { command: "rehearse", args: ["--list"], code: 0, stdout: "1. bootstrap" },
    // --quiet is the default now, kept as an alias; --verbose adds the engine's output.
    { command: "rehearse", args: ["--list", "--quiet", "--verbose"], code: 0, stdout: "1. bootstrap" },
    { command: "promote", args: ["--help"], code: 0, stdout: "usage: npm run promote -- --stack NAME --version V [options]" },
    { command: "drift", args: ["--help"], code: 0, stdout: "usage: npm run drift -- --stack NAME [options]" },
    { command: "cloud", args: ["--help"], code: 0, stdout: "usage: npm run cloud -- <show|set|unset|delete>" },
    { command: "status", args: ["--help"], code: 0, stdout: "usage: npm run status -- [options]" },
    { command: "dev-stack", args: ["--help"], code: 0, stdout: "usage: npm run dev-stack -- (--name NAME | --pull-request N) [options]" },
    { command: "release-of", args: ["--help"], code: 0, stdout: "usage: npm run release-of -- --stack NAME [options]" },
    { command: "pr-comment", args: ["--help"], code: 0, stdout: "usage: npm run pr-comment -- --reports DIR [options]" },
    { command: "access", args: ["--help"], code: 0, stdout: "usage: npm run access -- --stack NAME [options]" },
    { command: "doctor", args: ["--help"], code: 0, stdout: "usage: npm run doctor -- [options]" },
    { command: "bootstrap", args: ["--help"], code: 0, stdout: "usage: npm run bootstrap -- preview|up --stack NAME [options]" },
];

/** One case as a real process, as `npm run rehearse -- ...` runs it (the parity drift case below is another). */
const PROCESS_CASES = [USAGE_CASES[20]];

function run(command: string, args: string[], cwd = ROOT): Promise<Result> {
    const child = spawn(TS_NODE, ["-T", command, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** A copy of the commands and the program beside stack files of our own (the repo's are never edited). */
function projectCopy(edit: (prod: { config: Record<string, unknown> }) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-cli-flags-"));
    for (const sub of ["cli", "src", "tools", "policy-pack/src", "glue", "bootstrap"]) {
        fs.cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true, filter: (from) => !from.includes("node_modules") });
    }
    for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi(\..+)?\.yaml$|^tsconfig\.json$|^package\.json$/.test(f))) {
        fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    const prodFile = path.join(dir, "Pulumi.prod.yaml");
    const prod = yaml.load(fs.readFileSync(prodFile, "utf8")) as { config: Record<string, unknown> };
    edit(prod);
    fs.writeFileSync(prodFile, yaml.dump(prod));
    return dir;
}

describe("command-line flags of rehearse, parity, promote, drift and cloud", function () {
    this.timeout(60_000);
    let corpus: Result[];
    let processes: Result[];
    let drifted: Result;
    let copy: string;

    before(async () => {
        const cases = [...USAGE_CASES, ...ACCEPTED_CASES].map(({ command, args }) => ({ command, args }));
        copy = projectCopy((prod) => {
            prod.config["atlas:glueNumberOfWorkers"] = 12; // parity-relevant: must equal staging's 10
            prod.config["atlas:teamAlertEmail"] = "prod-team@example.com"; // environment-specific: may differ
        });
        const harness = run(path.join(__dirname, "run-commands.ts"), [JSON.stringify(cases)]);
        [processes, drifted] = await Promise.all([
            Promise.all(PROCESS_CASES.map((c) => run(path.join(ROOT, "cli", `${c.command}.ts`), c.args))),
            run(path.join(copy, "cli", "parity.ts"), [], copy),
        ]);
        const result = await harness;
        assert.equal(result.code, 0, result.stderr);
        corpus = JSON.parse(result.stdout) as Result[];
    });

    after(() => copy && fs.rmSync(copy, { recursive: true, force: true }));

    USAGE_CASES.forEach((c, index) => {
        it(`${c.command} ${c.args.join(" ") || "(no flags)"}: exit 2, "${c.message.slice(0, 50)}"`, () => {
            const result = corpus[index];
            assert.equal(result.code, 2, result.stdout + result.stderr);
            assert.equal(result.stderr.split("\n")[0], `${c.command}: ${c.message}`);
            assert.equal(result.stdout, "", "a refused command printed a report");
        });
    });

    ACCEPTED_CASES.forEach((c, index) => {
        it(`${c.command} ${c.args.join(" ") || "(no flags)"}: exit ${c.code}`, () => {
            const result = corpus[USAGE_CASES.length + index];
            assert.equal(result.code, c.code, result.stdout + result.stderr);
            assert.ok(result.stdout.startsWith(c.stdout), result.stdout);
        });
    });

    it("the same exit code and message from a real process", () => {
        PROCESS_CASES.forEach((c, index) => {
            assert.equal(processes[index].code, 2, processes[index].stderr);
            assert.equal(processes[index].stderr.split("\n")[0], `${c.command}: ${c.message}`);
        });
    });

    it("parity exits 1 on a staging/prod difference in a parity key, and lists only that key", () => {
        assert.equal(drifted.code, 1, drifted.stdout + drifted.stderr);
        assert.match(drifted.stdout, /^parity staging ↔ prod: NOT at parity$/m);
        assert.match(drifted.stdout, /^stack files: 1 difference\(s\)$/m);
        assert.match(drifted.stdout, /^ {2}config +glueNumberOfWorkers +10 +12$/m);
        assert.doesNotMatch(drifted.stdout, /teamAlertEmail/);
    });
});

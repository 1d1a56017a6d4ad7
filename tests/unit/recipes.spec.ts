/**
 * CONTRIBUTING.md's recipes, held where they promise "one line", "one file" or a file to touch: a new allowed
 * difference is one line of ENVIRONMENT_SPECIFIC_CONFIG (shown on a copy of the code with that line and nothing else
 * changed), every policy file is registered and named by a policy test, every command has its npm script, a flags
 * case and a row in docs/commands.md, every AWS type the program makes is one the stand-in provider models; and two
 * of its rules: no branch on an environment's name in the program, no GPL-family dependency. A new environment is one
 * model entry: tests/unit/environment-model.spec.ts holds that. Each check that reads files is also shown failing.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as configReference from "../../tools/config-reference";
import * as stackFiles from "../../cli/lib/stacks/stack-file-config";
import * as contract from "../../policy-pack/src/contract";
import { ComparedResource, EnvironmentValues } from "../../policy-pack/src/contract";
import { ALL_POLICIES } from "../../policy-pack/src/policies";
import { RESOURCE_TYPES } from "../../tools/stand-in-aws/resource-types";
import { STACKS, stackRun } from "./support/atlas-under-mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const tsFilesIn = (dir: string) =>
    fs
        .readdirSync(path.join(ROOT, dir))
        .filter((file) => file.endsWith(".ts"))
        .sort();

/** A module of a copy of the code, loaded as the copy's own (ts-node compiles it as it does the repository's). */
function loadFrom<T>(dir: string, module: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(dir, module)) as T;
}

// ---- (c) a new allowed environment-specific value: one line in policy-pack/src/contract/environment-keys.ts ----

const KEYS_FILE = "policy-pack/src/contract/environment-keys.ts";
/** The one line: pipelineSchedule becomes environment-specific (say, a second region runs the pipeline at its own hour). */
const ONE_LINE = `    pipelineSchedule: { appears: "text", shape: { pattern: /^(cron|rate)\\(.+\\)$/, description: "a cron() or rate() expression" } },`;
const SCHEDULE = { staging: "cron(0 3 * * ? *)", prod: "cron(0 4 * * ? *)" };

/** The table's source with one more entry, as its last. */
function withOneMoreEntry(text: string, entry: string): string {
    const lines = text.split("\n");
    const start = lines.findIndex((line) => line.startsWith("export const ENVIRONMENT_SPECIFIC_CONFIG"));
    const end = lines.findIndex((line, index) => index > start && line === "};");
    if (start < 0 || end < 0) {
        throw new Error(`${KEYS_FILE} no longer writes ENVIRONMENT_SPECIFIC_CONFIG as one object ending in "};"; update recipe (c) and this test`);
    }
    return [...lines.slice(0, end), entry, ...lines.slice(end)].join("\n");
}

/**
 * A copy of the commands, the program and the pack's source beside staging's and prod's stack files, in which
 * environment-keys.ts has ONE_LINE and prod's stack file runs the pipeline an hour later than staging's.
 */
function copyWithOneMoreLine(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-recipe-"));
    for (const sub of ["cli", "src", "tools", "policy-pack/src"]) {
        fs.cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    for (const stack of ["staging", "prod"] as const) {
        const text = read(`Pulumi.${stack}.yaml`);
        const line = `  atlas:pipelineSchedule: ${SCHEDULE.staging}\n`;
        assert.ok(text.includes(line), `Pulumi.${stack}.yaml no longer sets ${line.trim()}`);
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text.replace(line, `  atlas:pipelineSchedule: ${SCHEDULE[stack]}\n`));
    }
    fs.writeFileSync(path.join(dir, KEYS_FILE), withOneMoreEntry(read(KEYS_FILE), ONE_LINE));
    return dir;
}

/** The pipeline's schedule rule as each side holds it: staging's from its checkpoint, prod's as planned. */
function scheduleRule(stack: "staging" | "prod", values: EnvironmentValues): ComparedResource {
    const type = "aws:cloudwatch/eventRule:EventRule";
    return {
        urn: `urn:pulumi:${stack}::atlas::${type}::pipeline-schedule`,
        type,
        custom: true,
        inputs: { name: `${String(values.namePrefix)}-pipeline-schedule`, description: "Starts the Atlas pipeline", scheduleExpression: SCHEDULE[stack] },
        ...(stack === "staging" ? { computed: {} } : {}),
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        provider: `urn:pulumi:${stack}::atlas::pulumi:providers:aws::aws${stack === "staging" ? "::0a1b2c3d-id" : ""}`,
    };
}

describe("recipe (c): a new allowed difference is one line of ENVIRONMENT_SPECIFIC_CONFIG", function () {
    this.timeout(60_000);
    let copy: string;
    let copied: { contract: typeof contract; stackFiles: typeof stackFiles; configReference: typeof configReference };

    before(() => {
        copy = copyWithOneMoreLine();
        copied = {
            contract: loadFrom(copy, "policy-pack/src/contract"),
            stackFiles: loadFrom(copy, "cli/lib/stacks/stack-file-config"),
            configReference: loadFrom(copy, "tools/config-reference"),
        };
    });

    after(() => copy && fs.rmSync(copy, { recursive: true, force: true }));

    it("the copy differs from the repository by that one line", () => {
        const [before, after] = [read(KEYS_FILE), fs.readFileSync(path.join(copy, KEYS_FILE), "utf8")].map((text) => text.split("\n"));
        assert.equal(after.length, before.length + 1);
        assert.deepEqual(
            after.filter((line) => line !== ONE_LINE),
            before,
        );
        assert.equal(copied.contract.isEnvironmentSpecificKey("atlas:pipelineSchedule"), true);
        assert.equal(contract.isEnvironmentSpecificKey("atlas:pipelineSchedule"), false, "the key must be parity-relevant to begin with");
    });

    it("npm run parity (the stack files) compares the key without the line and sets it aside with it", () => {
        const [staging, prod] = (["staging", "prod"] as const).map((stack) => stackFiles.parityConfigFromStackFile(copy, stack));
        assert.deepEqual([staging.pipelineSchedule, prod.pipelineSchedule], [SCHEDULE.staging, SCHEDULE.prod], "the repository's code sees the difference");
        const [copiedStaging, copiedProd] = (["staging", "prod"] as const).map((stack) => copied.stackFiles.parityConfigFromStackFile(copy, stack));
        assert.deepEqual(copiedProd, copiedStaging);
        assert.equal("pipelineSchedule" in copiedProd, false);
    });

    it("the gate's parity (the pack's desired-state comparison) refuses the prod-only schedule without the line and sets it aside with it", () => {
        const compare = (code: { contract: typeof contract; stackFiles: typeof stackFiles }) => {
            const [staging, prod] = (["staging", "prod"] as const).map((stack) => code.stackFiles.environmentValues(copy, stack));
            return code.contract.compareDesiredState(
                { environment: staging, resources: [scheduleRule("staging", staging)] },
                { environment: prod, resources: [scheduleRule("prod", prod)] },
            );
        };
        const without = compare({ contract, stackFiles });
        assert.deepEqual(
            without.differences.map((d) => d.path),
            ["scheduleExpression"],
        );
        assert.equal(stackFiles.environmentValues(copy, "prod").pipelineSchedule, undefined);
        const withLine = compare(copied);
        assert.equal(copied.stackFiles.environmentValues(copy, "prod").pipelineSchedule, SCHEDULE.prod, "promote hands prod's value to the pack");
        assert.deepEqual(withLine.differences, []);
        assert.equal(withLine.resourcesCompared, 1);
    });

    it("holds the line's shape: a value that is not a schedule is refused, not set aside", () => {
        const values = { ...stackFiles.environmentValues(copy, "prod"), pipelineSchedule: "every day at noon" };
        assert.deepEqual(contract.misshapenValues(values), []);
        assert.deepEqual(copied.contract.misshapenValues(values), ['atlas:pipelineSchedule is "every day at noon", not a cron() or rate() expression']);
    });

    it("changes one row of the generated config reference (npm run config-reference -- --write refreshes docs/config-reference.md)", () => {
        const [before, after] = [configReference.configReferenceTable(), copied.configReference.configReferenceTable()].map((table) => table.split("\n"));
        const changed = after.filter((row, index) => row !== before[index]);
        assert.equal(changed.length, 1, changed.join("\n"));
        assert.match(changed[0], /^\| `atlas:pipelineSchedule` .*\| may differ \|/);
    });
});

// ---- (b) a new policy: one file in policy-pack/src/policies, registered, named by a policy test ----

interface PolicyFile {
    file: string;
    /** The names of the policies it exports. */
    policies: string[];
}

/** Registered policies defined outside policy-pack/src/policies, each with why. */
const OUTSIDE_POLICIES_DIR: Record<string, string> = {
    "staging-prod-parity-inputs": "policy-pack/src/planned-inputs.ts: records prod's inputs for staging-prod-parity and never reports",
};

/** What breaks the recipe: a file that is no policy, a policy not registered or named by no test, a policy from elsewhere. */
function unheldPolicies(files: PolicyFile[], registered: string[], tests: Record<string, string>): string[] {
    const problems: string[] = [];
    const named = (name: string) => Object.values(tests).some((text) => new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(text));
    for (const { file, policies } of files) {
        if (policies.length === 0) {
            problems.push(`${file} exports no policy; policy-pack/src/policies holds policies only (helpers go beside it in policy-pack/src)`);
        }
        for (const name of policies) {
            if (!registered.includes(name)) {
                problems.push(`${name} (${file}) is not registered; add it to the lists in policy-pack/src/policies/index.ts`);
            }
            if (!named(name)) {
                problems.push(`${name} (${file}) is named by no test in policy-pack/tests; add one that runs it and asserts its message's fragment`);
            }
        }
    }
    const defined = files.flatMap((f) => f.policies);
    for (const name of registered.filter((n) => !defined.includes(n) && !(n in OUTSIDE_POLICIES_DIR))) {
        problems.push(`${name} is registered but defined outside policy-pack/src/policies; move it into a file of its own there`);
    }
    return problems;
}

const isPolicy = (value: unknown): value is { name: string } =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string" &&
    ["validateStack", "validateResource"].some((hook) => typeof (value as Record<string, unknown>)[hook] === "function");

describe("recipe (b): a new policy is a file in policy-pack/src/policies, registered and named by a policy test", () => {
    it("holds for every policy file", () => {
        const files = tsFilesIn("policy-pack/src/policies")
            .filter((file) => file !== "index.ts")
            .map((file): PolicyFile => {
                const exports = loadFrom<Record<string, unknown>>(ROOT, `policy-pack/src/policies/${file}`);
                return {
                    file: `policy-pack/src/policies/${file}`,
                    policies: Object.values(exports)
                        .filter(isPolicy)
                        .map((p) => p.name),
                };
            });
        assert.ok(files.length >= 10, files.map((f) => f.file).join(", "));
        const tests = Object.fromEntries(tsFilesIn("policy-pack/tests").map((file) => [file, read(`policy-pack/tests/${file}`)]));
        assert.deepEqual(
            unheldPolicies(
                files,
                ALL_POLICIES.map((p) => p.name),
                tests,
            ),
            [],
        );
    });

    it("notices an unregistered policy, one no test names, a file without a policy, a policy from elsewhere (the check can fail)", () => {
        const files = [
            { file: "policy-pack/src/policies/a.ts", policies: ["a-policy"] },
            { file: "policy-pack/src/policies/b.ts", policies: ["b-policy"] },
            { file: "policy-pack/src/policies/helpers.ts", policies: [] },
        ];
        const tests = { "a.spec.ts": 'describe("a-policy", …); it("b-policy-at-step")' };
        assert.deepEqual(unheldPolicies(files, ["a-policy", "stray-policy", "staging-prod-parity-inputs"], tests), [
            "b-policy (policy-pack/src/policies/b.ts) is not registered; add it to the lists in policy-pack/src/policies/index.ts",
            "b-policy (policy-pack/src/policies/b.ts) is named by no test in policy-pack/tests; add one that runs it and asserts its message's fragment",
            "policy-pack/src/policies/helpers.ts exports no policy; policy-pack/src/policies holds policies only (helpers go beside it in policy-pack/src)",
            "stray-policy is registered but defined outside policy-pack/src/policies; move it into a file of its own there",
        ]);
    });
});

// ---- (e) a new command: cli/<name>.ts, its npm script, a flags case, a row in docs/commands.md ----

/** What breaks the recipe for each command file (text: its source) against package.json's scripts, the flags test and the commands page. */
function unheldCommands(commands: Record<string, string>, scripts: Record<string, string>, flagsSpec: string, commandsPage: string): string[] {
    const problems: string[] = [];
    for (const [name, text] of Object.entries(commands)) {
        if (scripts[name] !== `ts-node cli/${name}.ts`) {
            problems.push(`cli/${name}.ts has no script; add "${name}": "ts-node cli/${name}.ts" to package.json's scripts`);
        }
        if (!text.includes("runMain(")) {
            continue; // a generator (config-reference), not a command with flags and exit codes
        }
        if (!flagsSpec.includes(`command: "${name}"`)) {
            problems.push(`cli/${name}.ts has no case in tests/unit/cli/flags.spec.ts; add a bad flag (exit 2 and its message) and --help`);
        }
        if (!commandsPage.includes(`| \`npm run ${name}`)) {
            problems.push(`cli/${name}.ts has no row in docs/commands.md; add one with its flags and exit codes`);
        }
    }
    for (const [script, command] of Object.entries(scripts)) {
        const file = /^ts-node (cli\/[\w-]+)\.ts$/.exec(command)?.[1];
        if (file && !(path.basename(file) in commands)) {
            problems.push(`npm run ${script} runs ${file}.ts, which does not exist`);
        }
    }
    return problems;
}

describe("recipe (e): a new command is a file in cli/ with its script, a flags case and a row in docs/commands.md", () => {
    it("holds for every file in cli/", () => {
        const commands = Object.fromEntries(tsFilesIn("cli").map((file) => [path.basename(file, ".ts"), read(`cli/${file}`)]));
        assert.ok(Object.keys(commands).length >= 8, Object.keys(commands).join(", "));
        const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
        assert.deepEqual(unheldCommands(commands, scripts, read("tests/unit/cli/flags.spec.ts"), read("docs/commands.md")), []);
    });

    it("notices a command without a script, a flags case or a row, and a script without its file (the check can fail)", () => {
        const commands = { ship: "runMain(", render: "// a generator" };
        assert.deepEqual(unheldCommands(commands, { render: "ts-node cli/render.ts", gone: "ts-node cli/gone.ts" }, "", ""), [
            'cli/ship.ts has no script; add "ship": "ts-node cli/ship.ts" to package.json\'s scripts',
            "cli/ship.ts has no case in tests/unit/cli/flags.spec.ts; add a bad flag (exit 2 and its message) and --help",
            "cli/ship.ts has no row in docs/commands.md; add one with its flags and exit codes",
            "npm run gone runs cli/gone.ts, which does not exist",
        ]);
    });
});

// ---- (a) a new AWS resource: the stand-in provider must model its type ----

describe("recipe (a): a new AWS resource type is one the stand-in provider models", function () {
    this.timeout(60_000);

    it("holds for every AWS type the program makes in dev, staging and prod (under mocks)", async () => {
        const runs = await Promise.all(STACKS.map((stack) => stackRun(stack)));
        assert.deepEqual(
            runs.map((run) => run.error?.message),
            [undefined, undefined, undefined],
        );
        const types = [...new Set(runs.flatMap((run) => run.resources.filter((r) => r.custom && r.type.startsWith("aws:")).map((r) => r.type)))].sort();
        assert.ok(types.length >= 20, types.join(", "));
        assert.deepEqual(
            types.filter((type) => !(type in RESOURCE_TYPES)),
            [],
            "add an entry for each type to tools/stand-in-aws/resource-types.ts (and its probe to tests/engine/stand-in-aws-preview.spec.ts)",
        );
    });
});

// ---- the rules ----

/** Lines of the program that compare an environment's or stack's name with a literal. */
function environmentBranches(file: string, text: string): string[] {
    const subject = String.raw`(?:environment|getStack\(\)|stack|stackName)`;
    const patterns = [
        new RegExp(String.raw`\b${subject}\s*[!=]==?\s*["'\x60]`),
        new RegExp(String.raw`["'\x60][\w-]*["'\x60]\s*[!=]==?\s*(?:[\w.]+\.)?${subject}\b`),
        new RegExp(String.raw`\bcase\s+["'\x60](?:${contract.ENVIRONMENTS.join("|")})["'\x60]`),
        new RegExp(String.raw`\b${subject}\s*\.\s*(?:includes|startsWith|endsWith|match)\(`),
    ];
    return text
        .split("\n")
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => patterns.some((pattern) => pattern.test(line)))
        .map(({ line, index }) => `${file}:${index + 1}: ${line.trim()}`);
}

function programFiles(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? programFiles(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : []));
}

/** Licences a dependency of this Apache-2.0 project may carry: permissive ones (no GPL family, no source-available). */
const ALLOWED_LICENCES = new Set([
    "MIT",
    "ISC",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "0BSD",
    "BlueOak-1.0.0",
    "Python-2.0",
    "PSF-2.0",
    "CC0-1.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "Unlicense",
]);
/** True when an SPDX expression offers an alternative made only of allowed licences: `MIT OR GPL-2.0` may be taken as MIT. */
function isAllowedLicence(expression: string): boolean {
    return expression
        .replace(/[()]/g, "")
        .split(/\s+OR\s+/i)
        .some((alternative) => alternative.split(/\s+AND\s+/i).every((part) => ALLOWED_LICENCES.has(part.trim())));
}
/** Lockfile entries whose licence field points at a file, with the licence that file was read to hold. */
const LICENCES_READ_BY_HAND: Record<string, string> = { "node_modules/@logdna/tail-file": "MIT" };

describe("CONTRIBUTING.md's rules", () => {
    it("environment differences come from stack config: the program never compares an environment's or stack's name with a literal", () => {
        const files = ["index.ts", ...programFiles("src")];
        assert.ok(files.length >= 20, files.join(", "));
        assert.deepEqual(
            files.flatMap((file) => environmentBranches(file, read(file))),
            [],
        );
        const branching = [
            'if (config.environment === "prod") {',
            "const big = pulumi.getStack() !== `dev`;",
            'switch (name) { case "staging": break; }',
            'if ("prod" === args.environment) {',
            'if (stack.startsWith("prod")) {',
        ].join("\n");
        assert.equal(environmentBranches("x.ts", branching).length, 5, "the check can fail");
        assert.deepEqual(environmentBranches("x.ts", "const workers = config.glueNumberOfWorkers; tags: { environment: config.environment }"), []);
    });

    it("licences: the project is Apache-2.0 and every dependency's licence is on the allow-list (no GPL family)", () => {
        const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { license?: string; link?: boolean }> };
        assert.equal(lock.packages[""].license, "Apache-2.0");
        const entries = Object.entries(lock.packages).filter(([name, entry]) => name !== "" && !entry.link);
        assert.ok(entries.length > 100, `read the lockfile's packages (${entries.length})`);
        const licence = (name: string, declared: string | undefined) => (declared?.startsWith("SEE LICENSE") ? LICENCES_READ_BY_HAND[name] : declared);
        assert.deepEqual(
            entries.filter(([name, entry]) => !licence(name, entry.license)).map(([name, entry]) => `${name}: ${entry.license ?? "no licence"}`),
            [],
            "a dependency whose licence is unknown: read it and list it in LICENCES_READ_BY_HAND, or drop the dependency",
        );
        assert.deepEqual(
            entries.filter(([name, entry]) => !isAllowedLicence(licence(name, entry.license)!)).map(([name, entry]) => `${name}: ${entry.license}`),
            [],
            "a dependency whose licence is not on the allow-list: choose another package, or (if the licence is permissive) add it to ALLOWED_LICENCES in a reviewed change",
        );
        assert.deepEqual(
            [
                "GPL-3.0-only",
                "LGPL-2.1-or-later",
                "AGPL-3.0",
                "(MIT AND GPL-2.0)",
                "(MIT OR GPL-2.0)",
                "MIT",
                "Apache-2.0",
                "(BSD-3-Clause AND Apache-2.0)",
                "BUSL-1.1",
            ].map(isAllowedLicence),
            [false, false, false, false, true, true, true, true, false],
            "the check can fail",
        );
    });
});

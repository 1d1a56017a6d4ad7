/**
 * A StackSource (cli/lib/stacks/stack-source.ts) without a backend: it answers the Pulumi CLI commands the
 * release tooling reads evidence with (`stack history --json` page by page, `stack export` with
 * secrets encrypted unless `--show-secrets`) from canned data, and records every call. Running a
 * program is out of its reach: `stack()` throws EngineReached, which tests of the refusals that
 * must come before any engine run use as proof that promote got that far.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dump, load } from "js-yaml";
import { Stack } from "@pulumi/pulumi/automation";
import { StackSource } from "../../../cli/lib/stacks/stack-source";
import { CheckpointResource } from "../../../policy-pack/src/contract/desired-state/checkpoint";
import { Environment } from "../../../policy-pack/src/contract/environment-identity";
import { ReleaseIdentity } from "../../../policy-pack/src/contract/release-identity";
import { HistoryEntry } from "../../../policy-pack/src/contract/stack-history";
import { environmentValuesOf } from "../../../policy-pack/tests/fixtures";
import { SECRET_SIG, SIG } from "../../../policy-pack/tests/helpers";

export class EngineReached extends Error {
    constructor(readonly stackName: string) {
        super(`the fake stack source cannot run the engine (stack ${stackName})`);
    }
}

export interface FakeStack {
    /** Newest first, as `pulumi stack history` lists them. */
    history?: HistoryEntry[];
    /** The checkpoint's resources, with secrets in plain text (as `--show-secrets` exports them). */
    checkpoint?: CheckpointResource[];
    /** Export secrets encrypted even with --show-secrets (a backend that cannot decrypt). */
    cannotDecrypt?: boolean;
    /**
     * Config values the stack holds as secrets (`atlas:key` → plain text), as `pulumi config get` decrypts them; the
     * source's project directory holds them as `secure:` values in the stack's file, as the CLI writes them.
     */
    secretConfig?: Record<string, string>;
    /** The stack's file imports ESC environments: only the CLI can say what its config is. */
    importsEnvironments?: boolean;
    /** Stack tags, as `pulumi stack tag ls --json` lists them. */
    tags?: Record<string, string>;
}

export class FakeStackSource implements StackSource {
    readonly description = "a fake stack source";
    /** Every `pulumi` invocation, in order. */
    readonly calls: string[][] = [];
    /** Stacks `stack()` was asked for. */
    readonly stacksOpened: string[] = [];
    release: ReleaseIdentity | undefined;

    /** The checkout's stack files, with the stacks' secrets and ESC imports written in (a copy when there are any). */
    readonly projectDir: string;

    /** `stacks`: by fully qualified name (`organization/atlas/staging`). */
    constructor(
        readonly checkout: string,
        private readonly stacks: Record<string, FakeStack> = {},
    ) {
        this.projectDir = projectWithStackFileExtras(checkout, stacks);
    }

    get repositories(): readonly string[] {
        return [this.checkout];
    }

    async stack(name: string): Promise<Stack> {
        this.stacksOpened.push(name);
        throw new EngineReached(name);
    }

    async exists(name: string): Promise<boolean> {
        return (await this.qualified(name)) in this.stacks;
    }

    async qualified(name: string): Promise<string> {
        return name.includes("/") ? name : `organization/atlas/${name}`;
    }

    setRelease(identity: ReleaseIdentity): void {
        this.release = identity;
    }

    async pulumi(args: string[]): Promise<string> {
        this.calls.push(args);
        const flag = (name: string) => args[args.indexOf(name) + 1];
        // A stack the fake does not hold has no config of its own (prod's, when only staging is given).
        const stack = this.stacks[flag("--stack")] ?? (args[0] === "config" ? {} : undefined);
        if (!stack) {
            throw new Error(`error: no stack named '${flag("--stack")}' found`);
        }
        if (args[0] === "stack" && args[1] === "history") {
            const [size, page] = [Number(flag("--page-size")), Number(flag("--page"))];
            // As the CLI prints them: more fields than the gate reads.
            const entries = (stack.history ?? [])
                .slice((page - 1) * size, page * size)
                .map((entry, i) => ({ version: 1000 - i, ...entry, endTime: entry.startTime, environment: { "exec.kind": "cli" } }));
            return JSON.stringify(entries, null, 4);
        }
        if (args[0] === "stack" && args[1] === "tag" && args[2] === "ls") {
            return JSON.stringify(stack.tags ?? {});
        }
        if (args[0] === "config" && args[1] === "--json") {
            return JSON.stringify(Object.fromEntries(Object.keys(stack.secretConfig ?? {}).map((key) => [key, { secret: true }])));
        }
        if (args[0] === "config" && args[1] === "get") {
            if (stack.cannotDecrypt) {
                throw new Error("Command failed: pulumi config get\nerror: incorrect passphrase");
            }
            return `${stack.secretConfig?.[args[2]]}\n`;
        }
        if (args[0] === "stack" && args[1] === "export") {
            const showSecrets = args.includes("--show-secrets") && !stack.cannotDecrypt;
            return JSON.stringify({
                version: 3,
                deployment: { manifest: {}, resources: showSecrets ? (stack.checkpoint ?? []) : encrypted(stack.checkpoint ?? []) },
            });
        }
        throw new Error(`the fake stack source does not answer \`pulumi ${args.join(" ")}\``);
    }

    scratchDir(): string {
        return fs.mkdtempSync(path.join(os.tmpdir(), "atlas-fake-scratch-"));
    }

    /** The `pulumi` calls of one kind (`history` or `export`). */
    callsOf(kind: "history" | "export"): string[][] {
        return this.calls.filter((args) => args[1] === kind);
    }
}

/** A checkpoint as `pulumi stack export` writes it without --show-secrets. */
function encrypted(value: unknown): unknown {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(encrypted);
    }
    const record = value as Record<string, unknown>;
    if (record[SIG] === SECRET_SIG) {
        return { [SIG]: SECRET_SIG, ciphertext: "v1:AAAAAAAAAAAAAAAA:encrypted" };
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, encrypted(item)]));
}

/** The project copies this process made: removed when it exits, since a fake source has no end of its own. */
const projectCopies = new Set<string>();
process.on("exit", () => projectCopies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** `checkout`, or a copy whose stack files hold the stacks' secrets (`secure:`) and ESC imports, as the CLI would. */
function projectWithStackFileExtras(checkout: string, stacks: Record<string, FakeStack>): string {
    const extras = Object.entries(stacks).filter(([, stack]) => Object.keys(stack.secretConfig ?? {}).length > 0 || stack.importsEnvironments);
    if (extras.length === 0) {
        return checkout;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-fake-project-"));
    projectCopies.add(dir);
    fs.cpSync(checkout, dir, { recursive: true });
    for (const [name, stack] of extras) {
        const file = path.join(dir, `Pulumi.${name.slice(name.lastIndexOf("/") + 1)}.yaml`);
        const document = (fs.existsSync(file) ? load(fs.readFileSync(file, "utf8")) : null) as { config?: Record<string, unknown> } | null;
        const secrets = Object.fromEntries(Object.keys(stack.secretConfig ?? {}).map((key) => [key, { secure: "v1:AAAAAAAAAAAAAAAA:encrypted" }]));
        const environment = stack.importsEnvironments ? { environment: ["atlas/shared"] } : {};
        fs.writeFileSync(file, dump({ ...document, ...environment, config: { ...document?.config, ...secrets } }));
    }
    return dir;
}

/**
 * A project directory with the fixture environments' stack files (policy-pack/tests/fixtures.ts):
 * what `promote` reads the environment-specific values and every environment's identity from.
 */
export function fixtureProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-fixture-project-"));
    for (const environment of ["dev", "staging", "prod"] as Environment[]) {
        const values = environmentValuesOf(environment);
        const config: Record<string, unknown> = Object.fromEntries(
            Object.entries(values)
                .filter(([key, value]) => !(Array.isArray(value) && value.length === 0) && key !== "routeAlertsToOncall")
                .map(([key, value]) => [`atlas:${key}`, value]),
        );
        config["atlas:routeAlertsToOncall"] = values.routeAlertsToOncall === "true";
        fs.writeFileSync(path.join(dir, `Pulumi.${environment}.yaml`), dump({ config }));
    }
    return dir;
}

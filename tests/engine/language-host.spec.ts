/**
 * The ordinary path, offline: the plain `pulumi` CLI, run the way a user's shell runs it, against a clean snapshot
 * of this working tree, with the offline Node.js language host (tools/offline/language-host) installed into the
 * workspace's PULUMI_HOME. The CLI starts the host, asks it for the required packages, and the host runs the
 * program with ts-node through Pulumi.yaml's runtime options, and policy packs through RunPlugin.
 */
import { strict as assert } from "assert";
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb";
import { InstallDependenciesRequest, PackRequest } from "@pulumi/pulumi/proto/language_pb";
import { installNodeLanguageHost, LanguageHostInstallation } from "../../tools/offline/language-host/install";
import { nodeOnPath } from "../../tools/offline/language-host/node-on-path";
import { RPC_TRACE_ENV } from "../../tools/offline/language-host/rpc-trace";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { installedAwsSdkVersion } from "../../tools/stand-in-aws/install";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { runsTheOrdinaryPath } from "./support/ordinary-path";

/** Every process of one CLI run inherits this variable, so the test can find them all, orphans included. */
const PROCESS_MARK_ENV = "ATLAS_ENGINE_TEST_PROCESS_MARK";

describe("the offline Node.js language host, through the plain pulumi CLI", function () {
    let snapshot: ReleaseRepository;
    let workspace: OfflineWorkspace;
    let host: LanguageHostInstallation;
    let traceFile: string;
    /** A user's shell without npm's help (no node_modules/.bin on PATH): its `node` is the machine's. */
    const bareShellPath = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => !dir.split(path.sep).includes("node_modules"))
        .join(path.delimiter);
    /** The shell `source <workspace>/env.sh` makes: the workspace's environment, the CLI and the project's Node first on PATH. */
    const shellPath = () => workspace.env().PATH;
    const shellNode = () => nodeOnPath(shellPath());

    function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return { ...process.env, ...workspace.env(), [RPC_TRACE_ENV]: traceFile, ...extra };
    }

    function pulumi(args: string[], cwd: string = snapshot.dir): { status: number | null; output: string } {
        // The timeout turns a hung CLI (say, a stream the host never ended) into a failure instead of a stuck suite.
        const result = spawnSync(workspace.cli.binary, args, { cwd, env: shellEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
        return { status: result.status, output: `${result.stdout}${result.stderr}` };
    }

    function pulumiWith(args: string[], env: Record<string, string>): { status: number | null; output: string } {
        const result = spawnSync(workspace.cli.binary, args, {
            cwd: snapshot.dir,
            env: shellEnv(env),
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            timeout: 120_000,
        });
        return { status: result.status, output: `${result.stdout}${result.stderr}` };
    }

    /**
     * A directory whose `node` is older than 22: the machine's own when it is (Node 20 here), else
     * the project's Node told to report 20.0.0, so the test refuses on any machine.
     */
    function olderNodeDir(): string {
        const machines = nodeOnPath(bareShellPath);
        const dir = path.join(workspace.dir, "older-node");
        fs.mkdirSync(dir, { recursive: true });
        const version = machines ? execFileSync(machines, ["--version"], { encoding: "utf8" }).trim() : "";
        if (machines && Number(version.replace(/^v/, "").split(".")[0]) < 22) {
            fs.symlinkSync(machines, path.join(dir, "node"));
        } else {
            const preload = path.join(dir, "report-node-20.js");
            fs.writeFileSync(preload, 'Object.defineProperty(process.versions, "node", { value: "20.0.0" });\n');
            fs.writeFileSync(path.join(dir, "node"), `#!/bin/sh\nexec '${process.execPath}' --require '${preload}' "$@"\n`, { mode: 0o755 });
        }
        return dir;
    }

    function pulumiOk(args: string[], cwd?: string): string {
        const { status, output } = pulumi(args, cwd);
        assert.equal(status, 0, `pulumi ${args.join(" ")} failed:\n${output}`);
        return output;
    }

    /** The RPCs the CLI made since the last call, in order. */
    function takeTrace(): string[] {
        const calls = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, "utf8").split("\n").filter(Boolean) : [];
        fs.rmSync(traceFile, { force: true });
        return calls;
    }

    /** `type::name` of every non-Pulumi resource in the stack's state. */
    function deployedResources(stack: string): string[] {
        const exported = JSON.parse(pulumiOk(["stack", "export", "-s", stack])) as { deployment: { resources?: { urn: string; type: string }[] } };
        return (exported.deployment.resources ?? []).filter((r) => !r.type.startsWith("pulumi:")).map((r) => `${r.type}::${r.urn.split("::").pop()}`);
    }

    runsTheOrdinaryPath();

    before(async function () {
        snapshot = ReleaseRepository.snapshot(REPO_ROOT);
        workspace = await OfflineWorkspace.create();
        assert.ok(shellNode(), `no node on the shell's PATH (${shellPath()})`);
        host = installNodeLanguageHost({
            pulumiHome: workspace.pulumiHome,
            version: workspace.cli.version,
            workDir: path.join(workspace.dir, "language-host"),
        });
        traceFile = path.join(workspace.dir, "language-host-rpcs.txt");
        pulumiOk(["stack", "init", "dev"]);
    });

    after(() => {
        workspace?.remove();
        snapshot?.remove();
    });

    it("is installed only into the workspace's plugin cache, never onto the shell's PATH", () => {
        assert.equal(path.dirname(path.dirname(host.pluginDirectory)), workspace.pulumiHome);
        assert.equal(path.basename(host.pluginDirectory), `language-nodejs-v${workspace.cli.version}`);
        const onPath = shellPath()
            .split(path.delimiter)
            .some((dir) => fs.existsSync(path.join(dir, "pulumi-language-nodejs")));
        assert.equal(onPath, false, "a pulumi-language-nodejs on PATH would be used instead (and is not this test's)");
        assert.match(pulumiOk(["plugin", "ls"]), new RegExp(`nodejs\\s+language\\s+${workspace.cli.version.replace(/\./g, "\\.")}`));
    });

    it("previews dev: the CLI learns the aws plugin version from the host, then the host runs the program", () => {
        takeTrace();
        const output = pulumiOk(["preview", "-s", "dev"]);
        assert.match(output, /\+ \d+ to create/);
        const calls = takeTrace();
        assert.ok(calls.includes("getRequiredPackages") && calls.indexOf("getRequiredPackages") < calls.lastIndexOf("run"), calls.join(", "));
        assert.deepEqual(deployedResources("dev"), [], "a preview creates nothing");
    });

    it("updates dev: every resource of the program is in the stack's state", () => {
        pulumiOk(["up", "-s", "dev", "--yes"]);
        const resources = deployedResources("dev");
        assert.ok(
            resources.some((r) => r.startsWith("aws:s3/bucket:Bucket::")),
            resources.join("\n"),
        );
        const release = JSON.parse(pulumiOk(["stack", "output", "release", "--json", "-s", "dev"])) as { environment: string };
        assert.equal(release.environment, "dev");
    });

    it("stops on a bad config value with the program's own message, and creates nothing", () => {
        pulumiOk(["stack", "init", "bad-config", "--copy-config-from", "dev"]);
        pulumiOk(["config", "set", "-s", "bad-config", "atlas:awsAccountId", "1234"]);
        const { status, output } = pulumi(["up", "-s", "bad-config", "--yes"]);
        assert.notEqual(status, 0);
        assert.match(output, /atlas:awsAccountId: found "1234"; expected 12 digits/);
        assert.doesNotMatch(output, /unhandled exception/, "the program reports the problem itself, not as a crash");
        assert.deepEqual(deployedResources("bad-config"), []);
    });

    it("stops on a TypeScript syntax error with the file and line (swc's transpiler, as tsconfig's ts-node.swc asks), and creates nothing", () => {
        pulumiOk(["stack", "init", "syntax-error", "--copy-config-from", "dev"]);
        const program = path.join(snapshot.dir, "src", "program.ts");
        const source = fs.readFileSync(program, "utf8");
        fs.appendFileSync(program, "\nexport const broken = (;\n");
        try {
            const { status, output } = pulumi(["up", "-s", "syntax-error", "--yes"]);
            assert.notEqual(status, 0);
            assert.match(output, /Expression expected[\s\S]*src\/program\.ts:\d+:\d+/);
        } finally {
            fs.writeFileSync(program, source);
        }
        assert.deepEqual(deployedResources("syntax-error"), []);
    });

    it("refuses a Node older than package.json's engines with one line, and creates nothing", () => {
        pulumiOk(["stack", "init", "old-node", "--copy-config-from", "dev"]);
        const { status, output } = pulumiWith(["up", "-s", "old-node", "--yes"], { PATH: [olderNodeDir(), bareShellPath].join(path.delimiter) });
        assert.notEqual(status, 0);
        // The CLI shows a program's message in its progress display and again under Diagnostics: one message.
        const diagnostics = output.slice(output.indexOf("Diagnostics:"));
        const refusals = diagnostics
            .split("\n")
            .filter((line) => line.includes("The Atlas program needs Node.js 22 or newer, but it was started with Node.js"));
        assert.equal(refusals.length, 1, output);
        assert.match(output, /1 message/);
        assert.doesNotMatch(output, /unhandled exception|    at /, "one line, no stack trace");
        assert.deepEqual(deployedResources("old-node"), []);
    });

    it("answers `pulumi about` with the shell's Node, the plugins and the program's dependencies", () => {
        const output = pulumiOk(["about", "-s", "dev"]);
        const nodeVersion = execFileSync(shellNode()!, ["--version"], { encoding: "utf8" }).trim();
        assert.match(output, new RegExp(`language\\s+nodejs\\s+${workspace.cli.version.replace(/\./g, "\\.")}`));
        assert.ok(output.includes(`executable='${shellNode()}' version='${nodeVersion}'`), output);
        assert.match(output, new RegExp(`@pulumi/aws\\s+${installedAwsSdkVersion().replace(/\./g, "\\.")}`));
    });

    it("runs `pulumi install` through InstallDependencies, which installs nothing and ends cleanly", () => {
        takeTrace();
        assert.match(pulumiOk(["install"]), /the host installs nothing/);
        assert.deepEqual(
            takeTrace().filter((call) => call !== "getPluginInfo" && call !== "cancel"),
            ["installDependencies", "getRequiredPackages"],
        );
    });

    it("starts a Node policy pack through RunPlugin and hands it its stack, config and the shell's Node", () => {
        const seenFile = path.join(workspace.dir, "pack-saw.json");
        const configFile = path.join(workspace.dir, "pack-config.json");
        fs.writeFileSync(configFile, JSON.stringify({ "record-stack": { outFile: seenFile } }));
        takeTrace();
        pulumiOk([
            "preview",
            "-s",
            "dev",
            "--policy-pack",
            path.join(snapshot.dir, "tests", "engine", "fixtures", "stack-probe-pack"),
            "--policy-pack-config",
            configFile,
        ]);
        assert.ok(takeTrace().includes("runPlugin"));
        const nodeVersion = execFileSync(shellNode()!, ["--version"], { encoding: "utf8" }).trim();
        assert.deepEqual(JSON.parse(fs.readFileSync(seenFile, "utf8")), {
            organization: "organization",
            project: "atlas",
            stack: "dev",
            environment: "dev",
            dryRun: "true",
            node: nodeVersion,
        });
    });

    it("fails a preview whose policy pack exits at start, with the pack's message, instead of hanging", () => {
        const failingPack = path.join(snapshot.dir, "tests", "engine", "fixtures", "failing-pack");
        const { status, output } = pulumi(["preview", "-s", "dev", "--policy-pack", failingPack]);
        assert.notEqual(status, 0);
        assert.match(output, /failing-pack: refusing to start/);
        assert.match(output, /the policy pack exited \(code 1\) before it was ready/);
    });

    it("answers the calls it does not implement with UNIMPLEMENTED, and ends streams with a status", async () => {
        const child = spawn(host.executable, [], { stdio: ["ignore", "pipe", "inherit"] });
        try {
            const port = await firstLine(child);
            const client = new LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            const packError = await new Promise<grpc.ServiceError | null>((resolve) => client.pack(new PackRequest(), (error) => resolve(error)));
            assert.equal(packError?.code, grpc.status.UNIMPLEMENTED);
            const info = await new Promise<string>((resolve, reject) =>
                client.getPluginInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response.getVersion()))),
            );
            assert.equal(info, workspace.cli.version);
            const status = await new Promise<grpc.StatusObject>((resolve) =>
                client
                    .installDependencies(new InstallDependenciesRequest())
                    .on("status", resolve)
                    .on("data", () => undefined),
            );
            assert.equal(status.code, grpc.status.OK);
            client.close();
        } finally {
            child.kill("SIGINT");
        }
    });

    describe("an update stopped mid-way leaves no process behind", () => {
        const projectDir = () => path.join(snapshot.dir, "tests", "engine", "fixtures", "waiting-project");

        /** Starts `pulumi up` of the waiting fixture and resolves once the program has created its resource and waits. */
        async function startWaitingUpdate(stack: string): Promise<{ cli: ChildProcess; mark: string; output: () => string }> {
            pulumiOk(["stack", "init", stack], projectDir());
            const mark = crypto.randomUUID();
            const cli = spawn(workspace.cli.binary, ["up", "-s", stack, "--yes"], { cwd: projectDir(), env: shellEnv({ [PROCESS_MARK_ENV]: mark }) });
            let output = "";
            // The program waits until it is stopped once it has said so: its line, not time, starts the next step.
            await new Promise<void>((resolve, reject) => {
                const read = (chunk: Buffer) => {
                    output += chunk.toString();
                    if (output.includes("waiting on Node")) {
                        resolve();
                    }
                };
                cli.stdout!.on("data", read);
                cli.stderr!.on("data", read);
                cli.once("exit", (code) => reject(new Error(`the update ended (exit ${code}) before the program started waiting:\n${output}`)));
            });
            return { cli, mark, output: () => output };
        }

        function assertRunning(mark: string, cli: ChildProcess): void {
            const running = processesMarked(mark);
            const describe = running.map((p) => `${p.pid} ${p.command}`).join("\n");
            assert.ok(
                running.some((p) => p.pid === cli.pid),
                describe,
            );
            assert.ok(
                running.some((p) => p.command.includes("language-host/host/main.js")),
                `the language host:\n${describe}`,
            );
            assert.ok(
                running.some((p) => p.command.includes("@pulumi/pulumi/cmd/run")),
                `the program:\n${describe}`,
            );
            assert.ok(
                running.some((p) => p.command.includes("stand-in-aws/main.js")),
                `the stand-in provider:\n${describe}`,
            );
        }

        it("when the user presses Ctrl-C (SIGINT to the CLI)", async () => {
            const { cli, mark, output } = await startWaitingUpdate("interrupted");
            assertRunning(mark, cli);
            const nodeVersion = execFileSync(shellNode()!, ["--version"], { encoding: "utf8" }).trim();
            assert.ok(output().includes(`waiting on Node ${nodeVersion}`), "the program runs on the shell's Node");
            cli.kill("SIGINT");
            await new Promise((resolve) => cli.once("exit", resolve));
            assert.match(output(), /update canceled/);
            await allEnded(mark);
        });

        it("when the CLI is killed (SIGKILL), the stand-in provider included", async () => {
            const { cli, mark } = await startWaitingUpdate("killed");
            assertRunning(mark, cli);
            cli.kill("SIGKILL");
            await allEnded(mark);
        });
    });
});

/** Live processes started with `PROCESS_MARK_ENV=mark` in their environment (read from /proc). */
function processesMarked(mark: string): { pid: number; command: string }[] {
    const found: { pid: number; command: string }[] = [];
    for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`${PROCESS_MARK_ENV}=${mark}`)) {
                found.push({ pid: Number(entry), command: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim() });
            }
        } catch {
            // gone meanwhile, or not ours to read
        }
    }
    return found;
}

/**
 * Resolves once no process carries the mark. Processes that are not our children give no exit event, so this
 * looks at /proc until they are gone; the bound only turns a process left behind for good into a failure (the
 * stand-in and the host notice a dead parent within a second), it orders nothing.
 */
async function allEnded(mark: string, boundMs = 120_000): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (processesMarked(mark).length > 0) {
        if (Date.now() > deadline) {
            assert.fail(
                `left behind:\n${processesMarked(mark)
                    .map((p) => `${p.pid} ${p.command}`)
                    .join("\n")}`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

function firstLine(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
        let seen = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            seen += chunk.toString();
            if (seen.includes("\n")) {
                resolve(seen.split("\n")[0].trim());
            }
        });
        child.once("exit", () => reject(new Error(`exited before writing a line: ${seen}`)));
    });
}

// RunPlugin: starts a plugin written in Node (here: policy packs) and streams its stdout and stderr back to the
// engine. The stream always ends with a status, an exit code first when the plugin exited on its own; an open
// stream would leave the CLI waiting forever.
import { Readable } from "stream";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerStackConfigureRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { RunPluginRequest, RunPluginResponse } from "@pulumi/pulumi/proto/language_pb";
import { interrupt, startTracked, StartedProcess } from "./child-processes";
import { nodeNotFoundMessage, nodeOnPath } from "./node-on-path";
import { PolicyPackProxy } from "./policy-proxy";
import { NodeRuntimeOptions, parseRuntimeOptions, typeScriptEnv } from "./runtime-options";
import { locateSdkModule } from "./sdk-module";

export type RunPluginCall = grpc.ServerWritableStream<RunPluginRequest, RunPluginResponse>;

const POLICY_PACK_MODULE = "@pulumi/pulumi/cmd/run-policy-pack";
const PLUGIN_MODULE = "@pulumi/pulumi/cmd/run-plugin";

/**
 * What a plugin needs to start, settled before anything is written to the stream. `nodeargs` go to Node, before
 * the module (the Go host puts them after it, where they reach the plugin instead).
 */
interface PluginLaunch {
    readonly node: string;
    readonly module: string;
    readonly options: NodeRuntimeOptions;
    readonly directory: string;
    readonly env: Record<string, string>;
}

export async function runPlugin(call: RunPluginCall): Promise<void> {
    const stream = new PluginStream(call);
    try {
        const isPolicyPack = call.request.getKind() === "analyzer";
        const launch = prepare(call.request, isPolicyPack ? POLICY_PACK_MODULE : PLUGIN_MODULE);
        const started = isPolicyPack ? await startPolicyPack(call, launch, stream) : startPlugin(call.request, launch, stream);
        if (!started) {
            stream.end();
            return;
        }
        const stop = () => void interrupt(started.child);
        call.once("cancelled", stop);
        if (call.cancelled) {
            stop(); // the engine hung up while the plugin was starting
        }
        const { code, signal } = await started.ended;
        call.off("cancelled", stop);
        if (code === null) {
            stream.fail(`the plugin was stopped by ${signal}`);
        } else {
            stream.exit(code);
        }
    } catch (error) {
        stream.fail((error as Error).message);
    }
}

function prepare(request: RunPluginRequest, moduleName: string): PluginLaunch {
    const info = request.getInfo();
    if (!info) {
        throw new Error("the RunPlugin request carries no program info");
    }
    const node = nodeOnPath();
    if (!node) {
        throw new Error(nodeNotFoundMessage());
    }
    const directory = info.getProgramDirectory();
    const options = parseRuntimeOptions(info.getOptions());
    const module = locateSdkModule(moduleName, directory, `npm install in ${directory}`);
    const inherited = request.getEnvList().length > 0 ? parseEnvList(request.getEnvList()) : { ...process.env };
    return { node, module, options, directory, env: { ...(inherited as Record<string, string>), ...typeScriptEnv(options) } };
}

/** Any other Node plugin: `cmd/run-plugin <plugin directory> <args>` in the CLI's working directory. */
function startPlugin(request: RunPluginRequest, launch: PluginLaunch, stream: PluginStream): StartedProcess {
    const started = startTracked(launch.node, [...launch.options.nodeargs, launch.module, launch.directory, ...request.getArgsList()], {
        cwd: request.getPwd() || launch.directory,
        env: launch.env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    started.child.stdout!.on("data", (bytes: Buffer) => stream.stdout(bytes));
    started.child.stderr!.on("data", (bytes: Buffer) => stream.stderr(bytes));
    return started;
}

/**
 * A policy pack: the engine first reads the proxy's port, configures the stack through it, and only then is the
 * pack started (in its own directory, with `<engine> <pack directory>` as arguments) and attached to the proxy.
 * Returns undefined when the engine went away before it configured the stack.
 */
async function startPolicyPack(call: RunPluginCall, launch: PluginLaunch, stream: PluginStream): Promise<StartedProcess | undefined> {
    const { proxy, port } = await PolicyPackProxy.start();
    stream.stdout(Buffer.from(`${port}\n`));
    const gone = new Promise<"gone">((resolve) => call.once("cancelled", () => resolve("gone")));
    const stack = await Promise.race([proxy.stack(), gone]);
    if (stack === "gone") {
        proxy.close();
        return undefined;
    }
    const started = startTracked(launch.node, [...launch.options.nodeargs, launch.module, ...call.request.getArgsList(), launch.directory], {
        cwd: launch.directory,
        env: { ...launch.env, ...stackEnv(stack) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    started.child.stderr!.on("data", (bytes: Buffer) => stream.stderr(bytes));
    onFirstLine(
        started.child.stdout!,
        (line) => {
            const packPort = Number(line);
            if (Number.isInteger(packPort) && packPort > 0 && packPort < 65536) {
                void proxy.attach(packPort);
            } else {
                proxy.detach(`the policy pack wrote "${line}" where its port belongs`);
                stream.stdout(Buffer.from(`${line}\n`));
            }
        },
        (bytes) => stream.stdout(bytes),
    );
    const detach = (why: string) => {
        proxy.detach(why);
        proxy.close();
    };
    started.ended.then(
        ({ code, signal }) => detach(`the policy pack exited (${code === null ? signal : `code ${code}`}) before it was ready`),
        (error: Error) => detach(`the policy pack could not start: ${error.message}`),
    );
    return started;
}

/** The variables @pulumi/pulumi's runtime reads the stack's identity and config from. */
function stackEnv(stack: AnalyzerStackConfigureRequest | undefined): Record<string, string> {
    if (!stack) {
        return {};
    }
    const config: Record<string, string> = {};
    stack.getConfigMap().forEach((value, key) => {
        config[key] = value;
    });
    const env: Record<string, string> = {
        PULUMI_NODEJS_ORGANIZATION: stack.getOrganization(),
        PULUMI_NODEJS_PROJECT: stack.getProject(),
        PULUMI_NODEJS_STACK: stack.getStack(),
        PULUMI_NODEJS_DRY_RUN: String(stack.getDryRun()),
        PULUMI_CONFIG: Object.keys(config).length > 0 ? JSON.stringify(config) : "",
    };
    return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
}

/** Hands the first line of `output` to `firstLine` and every later byte to `rest`. */
function onFirstLine(output: Readable, firstLine: (line: string) => void, rest: (bytes: Buffer) => void): void {
    let head: Buffer | undefined = Buffer.alloc(0);
    output.on("data", (chunk: Buffer) => {
        if (head === undefined) {
            rest(chunk);
            return;
        }
        const seen: Buffer = Buffer.concat([head, chunk]);
        const newline = seen.indexOf("\n");
        if (newline < 0) {
            head = seen;
            return;
        }
        head = undefined;
        firstLine(seen.subarray(0, newline).toString().trim());
        if (newline + 1 < seen.length) {
            rest(seen.subarray(newline + 1));
        }
    });
}

function parseEnvList(entries: readonly string[]): Record<string, string> {
    return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

/** The RunPlugin response stream; writes after the engine has hung up are dropped. */
class PluginStream {
    constructor(private readonly call: RunPluginCall) {}

    stdout(bytes: Buffer): void {
        this.send(new RunPluginResponse().setStdout(bytes));
    }

    stderr(bytes: Buffer): void {
        this.send(new RunPluginResponse().setStderr(bytes));
    }

    exit(code: number): void {
        this.send(new RunPluginResponse().setExitcode(code));
        this.end();
    }

    end(): void {
        if (!this.call.cancelled && !this.call.writableEnded) {
            this.call.end();
        }
    }

    fail(message: string): void {
        if (!this.call.cancelled && !this.call.writableEnded) {
            this.call.emit("error", { code: grpc.status.UNKNOWN, details: message });
        }
    }

    private send(message: RunPluginResponse): void {
        if (!this.call.cancelled && !this.call.writableEnded) {
            this.call.write(message);
        }
    }
}

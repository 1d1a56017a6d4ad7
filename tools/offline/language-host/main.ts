// Plugin entry point (pulumi-language-nodejs): serves the LanguageRuntime on a loopback port and prints the port as
// the first line of stdout, which is how the CLI finds it. Started as
// `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing <endpoint>] <engine address>`; the installer's shim
// adds `--host-version=<version>` in front.
import * as grpc from "@grpc/grpc-js";
import { LanguageRuntimeService } from "@pulumi/pulumi/proto/language_grpc_pb";
import { stopAll } from "./child-processes";
import { watchEngine } from "./engine-liveness";
import { HostState, languageRuntime } from "./language-runtime";
import { listenOnLoopback, MAX_MESSAGE_BYTES } from "./local-server";
import { rpcTracer } from "./rpc-trace";

interface HostArguments {
    readonly engineAddress: string;
    readonly version: string;
    readonly printVersion: boolean;
}

function parseArguments(argv: readonly string[]): HostArguments {
    let version = "";
    let printVersion = false;
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg.startsWith("--host-version=")) {
            version = arg.slice("--host-version=".length);
        } else if (arg === "-version" || arg === "--version") {
            printVersion = true;
        } else if (arg === "--tracing" || arg === "-tracing") {
            i++; // its value
        } else if (!arg.startsWith("-")) {
            positional.push(arg);
        }
    }
    return { engineAddress: positional[0] ?? "", version, printVersion };
}

async function main(): Promise<void> {
    const args = parseArguments(process.argv.slice(2));
    if (args.printVersion) {
        console.log(args.version);
        return;
    }
    const host: HostState = { engineAddress: args.engineAddress, version: args.version, cancelled: new AbortController() };
    const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
    server.addService(LanguageRuntimeService, languageRuntime(host, rpcTracer()));

    let stopping = false;
    const shutdown = async (code: number) => {
        if (stopping) {
            return;
        }
        stopping = true;
        server.forceShutdown();
        await stopAll();
        process.exit(code);
    };
    // The CLI ends its plugins with SIGINT to their process group (then SIGKILL after five seconds).
    process.on("SIGINT", () => void shutdown(0));
    process.on("SIGTERM", () => void shutdown(0));
    if (host.engineAddress) {
        watchEngine(host.engineAddress, () => void shutdown(1));
    }

    const port = await listenOnLoopback(server);
    process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
    console.error(`pulumi-language-nodejs (offline): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});

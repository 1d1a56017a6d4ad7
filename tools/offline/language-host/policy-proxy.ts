// The analyzer the engine talks to while a Node policy pack starts. The engine hands a RunPlugin-started pack its
// stack and config only through the Analyzer's ConfigureStack call, but @pulumi/policy reads them from environment
// variables at start. So, like the Go host, the host answers Handshake and ConfigureStack itself, then starts the
// pack with that environment, forwards the ConfigureStack it received, and relays every other call unchanged.
import * as grpc from "@grpc/grpc-js";
import { AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzerStackConfigureRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { deferred } from "./deferred";
import { listenOnLoopback } from "./local-server";

const raw = (bytes: Buffer) => bytes;
const CONFIGURE_STACK = AnalyzerService.configureStack.path;

/** Relays calls as bytes: the proxy needs to read nothing but ConfigureStack. */
const RAW_ANALYZER: grpc.ServiceDefinition = Object.fromEntries(
    Object.entries(AnalyzerService).map(([name, method]) => [
        name,
        {
            ...(method as grpc.MethodDefinition<unknown, unknown>),
            requestSerialize: raw,
            requestDeserialize: raw,
            responseSerialize: raw,
            responseDeserialize: raw,
        },
    ]),
);

interface StackConfiguration {
    /** Undefined when the engine asked something else first (e.g. `pulumi policy publish`). */
    readonly request?: AnalyzerStackConfigureRequest;
    readonly bytes?: Buffer;
}

export class PolicyPackProxy {
    private readonly configuration = deferred<StackConfiguration>();
    private readonly pack = deferred<grpc.Client>();
    private readonly server = new grpc.Server();
    private client?: grpc.Client;

    private constructor() {
        this.server.addService(RAW_ANALYZER, this.handlers());
    }

    /** Starts listening; the port is what the engine must read first from the plugin's stdout. */
    static async start(): Promise<{ proxy: PolicyPackProxy; port: number }> {
        const proxy = new PolicyPackProxy();
        return { proxy, port: await listenOnLoopback(proxy.server) };
    }

    /** The stack the engine is analysing, once it has said so. */
    async stack(): Promise<AnalyzerStackConfigureRequest | undefined> {
        return (await this.configuration.promise).request;
    }

    /** Connects to the started pack (listening on `packPort`) and lets the waiting calls through. */
    async attach(packPort: number): Promise<void> {
        this.client = new grpc.Client(`127.0.0.1:${packPort}`, grpc.credentials.createInsecure());
        const { bytes } = await this.configuration.promise;
        if (bytes) {
            const error = await this.call(this.client, CONFIGURE_STACK, bytes).then(
                () => undefined,
                (e: grpc.ServiceError) => e,
            );
            // Packs older than ConfigureStack answer UNIMPLEMENTED; they read everything from the environment.
            if (error && error.code !== grpc.status.UNIMPLEMENTED) {
                this.pack.reject(new Error(`policy pack configuration failed: ${error.details}`));
                return;
            }
        }
        this.pack.resolve(this.client);
    }

    /** The pack ended (or never started): calls waiting for it fail with `reason`. */
    detach(reason: string): void {
        this.pack.reject(new Error(reason));
    }

    /** Stops taking calls; calls under way (those failed by `detach` included) still get their answer. */
    close(): void {
        this.server.tryShutdown(() => this.client?.close());
    }

    private handlers(): grpc.UntypedServiceImplementation {
        const handlers: grpc.UntypedServiceImplementation = {};
        for (const [name, method] of Object.entries(RAW_ANALYZER)) {
            handlers[name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
                this.relay(method.path, call.request, callback);
        }
        handlers.handshake = (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0));
        handlers.configureStack = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
            this.configuration.resolve({ request: AnalyzerStackConfigureRequest.deserializeBinary(call.request), bytes: call.request });
            callback(null, Buffer.alloc(0));
        };
        return handlers;
    }

    private relay(path: string, request: Buffer, callback: grpc.sendUnaryData<Buffer>): void {
        this.configuration.resolve({});
        this.pack.promise.then(
            (client) =>
                this.call(client, path, request).then(
                    (response) => callback(null, response),
                    (error: grpc.ServiceError) => callback(error),
                ),
            (error: Error) => callback({ code: grpc.status.UNAVAILABLE, details: error.message }),
        );
    }

    private call(client: grpc.Client, path: string, request: Buffer): Promise<Buffer> {
        return new Promise((resolve, reject) =>
            client.makeUnaryRequest(path, raw, raw, request, (error, response) => (error ? reject(error) : resolve(response as Buffer))),
        );
    }
}

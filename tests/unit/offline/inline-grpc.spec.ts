/**
 * Pins the cause and the cure of "14 UNAVAILABLE: No connection established. Last error: null" in a process that runs
 * many inline programs: a new engine listening on the port of a finished one whose leaked client made a late call.
 * The port reuse that the engine tests meet by chance is forced here, with the clients the Pulumi SDK makes.
 */
import { strict as assert } from "assert";
import * as path from "path";
import type * as Grpc from "@grpc/grpc-js";
import { isolateInlineProgramChannels, LOCAL_SUBCHANNEL_POOL } from "../../../tools/offline/inline-grpc";

/* eslint-disable @typescript-eslint/no-require-imports */
const sdkSettings: { grpcClientOptions: Record<string, unknown> } = require("@pulumi/pulumi/runtime/settings");
/** The gRPC library as the SDK resolves it: its subchannel pool is the one the SDK's clients share. */
const grpc: typeof Grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
/* eslint-enable @typescript-eslint/no-require-imports */

const PING = "/atlas.Probe/Ping";
const identity = (b: Buffer) => b;
const service: Grpc.ServiceDefinition = {
    ping: {
        path: PING,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
    },
};

function serve(port: number): Promise<{ server: Grpc.Server; port: number }> {
    const server = new grpc.Server();
    server.addService(service, { ping: (_call: unknown, callback: Grpc.sendUnaryData<Buffer>) => callback(null, Buffer.from("pong")) });
    return new Promise((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve({ server, port: bound }),
        ),
    );
}

function ping(client: Grpc.Client): Promise<string> {
    return new Promise((resolve) =>
        client.makeUnaryRequest(PING, identity, identity, Buffer.from("ping"), (error, reply) => resolve(error ? error.message : String(reply))),
    );
}

/** A finished engine's leaked client makes a late call; a new engine takes its port; a new client (as the next run's) calls it. */
async function nextRunOnAReusedPort(options: Grpc.ClientOptions): Promise<string> {
    const first = await serve(0);
    const leaked = new grpc.Client(`127.0.0.1:${first.port}`, grpc.credentials.createInsecure(), options);
    assert.equal(await ping(leaked), "pong");
    first.server.forceShutdown();
    assert.match(await ping(leaked), /UNAVAILABLE/, "the late call fails: its engine is gone");
    const second = await serve(first.port);
    const next = new grpc.Client(`127.0.0.1:${first.port}`, grpc.credentials.createInsecure(), options);
    try {
        return await ping(next);
    } finally {
        leaked.close();
        next.close();
        second.server.forceShutdown();
    }
}

describe("inline programs' gRPC channels (tools/offline/inline-grpc)", () => {
    const before = { ...sdkSettings.grpcClientOptions };
    afterEach(() => {
        for (const key of Object.keys(sdkSettings.grpcClientOptions)) {
            if (!(key in before)) {
                delete sdkSettings.grpcClientOptions[key];
            }
        }
    });

    it("shows the failure with the SDK's own client options: the new client inherits the stale subchannel", async () => {
        assert.equal(sdkSettings.grpcClientOptions[LOCAL_SUBCHANNEL_POOL], undefined);
        assert.match(await nextRunOnAReusedPort({ ...sdkSettings.grpcClientOptions }), /14 UNAVAILABLE: No connection established\. Last error: null/);
    });

    it("connects the next run once the workspace has isolated the SDK's channels", async () => {
        isolateInlineProgramChannels();
        assert.equal(sdkSettings.grpcClientOptions[LOCAL_SUBCHANNEL_POOL], 1);
        assert.equal(await nextRunOnAReusedPort({ ...sdkSettings.grpcClientOptions }), "pong");
    });
});

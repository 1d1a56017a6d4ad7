import * as grpc from "@grpc/grpc-js";

/** gRPC messages up to 400 MiB, like the engine's own channels (large stacks send large requests). */
export const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** Binds `server` to a free port on the loopback interface (plugins are never reachable from elsewhere). */
export function listenOnLoopback(server: grpc.Server): Promise<number> {
    return new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
}

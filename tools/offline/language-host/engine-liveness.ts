// The host must not outlive the engine that started it: a CLI killed with SIGKILL never tells its plugins. Like
// the Go host, the host asks the engine's gRPC health service; it asks every second rather than every five
// minutes, so nothing it started lingers after a killed CLI.
import * as grpc from "@grpc/grpc-js";

const HEALTH_CHECK = "/grpc.health.v1.Health/Check";
const CHECK_EVERY_MS = 1000;
const CHECK_DEADLINE_MS = 5000;

/** Calls `onGone` once the engine stops answering; returns a function that stops watching. */
export function watchEngine(address: string, onGone: (reason: string) => void): () => void {
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    const raw = (bytes: Buffer) => bytes;
    let stopped = false;
    let timer: NodeJS.Timeout;
    const schedule = () => {
        timer = setTimeout(check, CHECK_EVERY_MS);
        timer.unref();
    };
    const check = () => {
        // An empty HealthCheckRequest encodes to no bytes; the answer's content does not matter, only that it comes.
        client.makeUnaryRequest(HEALTH_CHECK, raw, raw, Buffer.alloc(0), { deadline: Date.now() + CHECK_DEADLINE_MS }, (error) => {
            if (stopped) {
                return;
            }
            if (error && error.code !== grpc.status.UNIMPLEMENTED) {
                stop();
                onGone(`the engine at ${address} stopped answering (${error.details})`);
                return;
            }
            schedule();
        });
    };
    const stop = () => {
        stopped = true;
        clearTimeout(timer);
        client.close();
    };
    schedule();
    return stop;
}

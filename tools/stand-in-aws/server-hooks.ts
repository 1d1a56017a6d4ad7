// @pulumi/pulumi's provider server hides parts of the gRPC requests from its Provider interface (Configure's
// variables, Check's random seed). The stand-in needs them, so it wraps the server's handlers as the service is
// registered with grpc-js.
import { createRequire } from "module";

export type Callback = (error: unknown, value?: unknown) => void;
export type Handler<Call> = (call: Call, callback: Callback) => void;
export type HandlerWrapper = (answer: Handler<never>) => Handler<never>;

/** The grpc-js instance the provider server registers its service with. */
export const grpc = createRequire(require.resolve("@pulumi/pulumi/provider/server"))("@grpc/grpc-js");

/** Replaces the named handlers (e.g. "configure", "check") of every service registered after this call. */
export function wrapServerHandlers(wrappers: Record<string, HandlerWrapper>): void {
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, Handler<never>>) {
        for (const [name, wrap] of Object.entries(wrappers)) {
            const answer = implementation[name];
            if (answer) {
                implementation[name] = wrap(answer.bind(implementation));
            }
        }
        return addService.call(this, service, implementation);
    };
}

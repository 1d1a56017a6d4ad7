// @pulumi/pulumi's provider server hides parts of the gRPC exchange from its Provider interface (Configure's
// variables and response, Check's random seed, the preview flag of Create and Update). The stand-in needs them,
// so it wraps the server's handlers as the service is registered with grpc-js.
import { createRequire } from "module";

export type Callback = (error: unknown, value?: unknown) => void;
export type Handler<Call> = (call: Call, callback: Callback) => void;
export type HandlerWrapper = (answer: Handler<never>) => Handler<never>;

/** The grpc-js instance the provider server registers its service with. */
export const grpc = createRequire(require.resolve("@pulumi/pulumi/provider/server"))("@grpc/grpc-js");

/**
 * Replaces the named handlers (e.g. "configure", "check") of every service registered after this call. Several
 * wrappers of one handler apply in order: the first listed sees the call first.
 */
export function wrapServerHandlers(wrappers: Record<string, HandlerWrapper | readonly HandlerWrapper[]>): void {
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, Handler<never>>) {
        for (const [name, wrap] of Object.entries(wrappers)) {
            const answer = implementation[name];
            if (answer) {
                const layers = Array.isArray(wrap) ? [...(wrap as readonly HandlerWrapper[])] : [wrap as HandlerWrapper];
                implementation[name] = layers.reduceRight((inner, layer) => layer(inner), answer.bind(implementation));
            }
        }
        return addService.call(this, service, implementation);
    };
}

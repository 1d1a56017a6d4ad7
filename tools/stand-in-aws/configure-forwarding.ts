// @pulumi/pulumi's provider server answers Configure itself and drops the request: its Provider interface has no
// configure. The stand-in needs the configuration (region, account guard, default tags), so it wraps the
// server's Configure handler as the service is registered, hands the variables over first, and refuses the
// call when they are refused.
import { createRequire } from "module";

type Configure = (variables: Record<string, string>) => void;

interface ConfigureCall {
    request: { getVariablesMap(): { entries(): Iterable<[string, string]> } };
}
type Callback = (error: unknown, value?: unknown) => void;
type Handler = (call: ConfigureCall, callback: Callback) => void;

export function forwardConfigure(configure: Configure): void {
    // The grpc-js instance the provider server registers its service with.
    const grpc = createRequire(require.resolve("@pulumi/pulumi/provider/server"))("@grpc/grpc-js");
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: { configure?: Handler }) {
        const answer = implementation.configure;
        if (answer) {
            implementation.configure = (call, callback) => {
                try {
                    configure(Object.fromEntries(call.request.getVariablesMap().entries()));
                } catch (e) {
                    callback({ code: grpc.status.FAILED_PRECONDITION, details: (e as Error).message });
                    return;
                }
                answer.call(implementation, call, callback);
            };
        }
        return addService.call(this, service, implementation);
    };
}

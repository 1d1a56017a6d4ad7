// The provider server answers Configure itself and drops the request (its Provider interface has no configure).
// The stand-in needs the configuration (region, account guard, default tags): this hands the variables over
// first, and refuses the call when they are refused.
import { Callback, grpc, Handler, HandlerWrapper } from "./server-hooks";

type Configure = (variables: Record<string, string>) => void;

interface ConfigureCall {
    request: { getVariablesMap(): { entries(): Iterable<[string, string]> } };
}

export function configureForwarder(configure: Configure): HandlerWrapper {
    return (answer) =>
        ((call: ConfigureCall, callback: Callback) => {
            try {
                configure(Object.fromEntries(call.request.getVariablesMap().entries()));
            } catch (e) {
                callback({ code: grpc.status.FAILED_PRECONDITION, details: (e as Error).message });
                return;
            }
            (answer as Handler<ConfigureCall>)(call, callback);
        }) as Handler<never>;
}

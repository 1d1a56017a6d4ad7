// The LanguageRuntime service: each call the CLI makes, mapped to the module that answers it. Every method of the
// service gets a handler, so a call the host does not implement is traced and answered UNIMPLEMENTED.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { LanguageRuntimeService } from "@pulumi/pulumi/proto/language_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/language_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { about } from "./about";
import { runPlugin, RunPluginCall } from "./plugin-run";
import { programDependencies } from "./program-dependencies";
import { runProgram } from "./program-run";
import { requiredPackages } from "./required-packages";

export interface HostState {
    /** From the command line. (Handshake, which passes it to a host started by hand, is not implemented.) */
    readonly engineAddress: string;
    readonly version: string;
    /** Aborted by the Cancel call: running programs stop and later ones do not start, as with the Go host. */
    readonly cancelled: AbortController;
}

type Call<Request> = grpc.ServerUnaryCall<Request, unknown>;

export function languageRuntime(host: HostState, trace: (method: string) => void): grpc.UntypedServiceImplementation {
    const implemented: Record<string, grpc.UntypedHandleCall> = {
        getPluginInfo: unary(async () => new PluginInfo().setVersion(host.version)),
        getRequiredPackages: unary(async (request: rpc.GetRequiredPackagesRequest) =>
            new rpc.GetRequiredPackagesResponse().setPackagesList(requiredPackages(programDirectory(request.getInfo()))),
        ),
        run: unary(async (request: rpc.RunRequest, call: Call<rpc.RunRequest>) =>
            runProgram(request, host.engineAddress, AbortSignal.any([host.cancelled.signal, cancellationOf(call)])),
        ),
        runPlugin: (call: RunPluginCall) => void runPlugin(call),
        about: unary(async (request: rpc.AboutRequest) => about(programDirectory(request.getInfo()))),
        getProgramDependencies: unary(async (request: rpc.GetProgramDependenciesRequest) =>
            new rpc.GetProgramDependenciesResponse().setDependenciesList(
                programDependencies(programDirectory(request.getInfo(), request.getPwd()), request.getTransitivedependencies()),
            ),
        ),
        installDependencies: (call: grpc.ServerWritableStream<rpc.InstallDependenciesRequest, rpc.InstallDependenciesResponse>) => {
            call.write(
                new rpc.InstallDependenciesResponse().setStdout(
                    Buffer.from("Offline: `npm ci` installs this project's dependencies; the host installs nothing.\n"),
                ),
            );
            call.end();
        },
        cancel: unary(async () => {
            host.cancelled.abort();
            return new Empty();
        }),
    };
    return Object.fromEntries(
        Object.entries(LanguageRuntimeService).map(([name, method]) => {
            const handler = implemented[name] ?? unimplemented(name, (method as grpc.MethodDefinition<unknown, unknown>).responseStream);
            return [name, traced(name, handler, trace)];
        }),
    );
}

function unary<Request, Response>(answer: (request: Request, call: Call<Request>) => Promise<Response>): grpc.handleUnaryCall<Request, Response> {
    return (call, callback) => {
        answer(call.request, call).then(
            (response) => callback(null, response),
            (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message }),
        );
    };
}

function unimplemented(name: string, streaming: boolean): grpc.UntypedHandleCall {
    const status = { code: grpc.status.UNIMPLEMENTED, details: `method ${name} not implemented by the offline Node.js language host` };
    if (streaming) {
        return (call: grpc.ServerWritableStream<unknown, unknown>) => call.emit("error", status);
    }
    return (_call: Call<unknown>, callback: grpc.sendUnaryData<unknown>) => callback(status);
}

function traced(name: string, handler: grpc.UntypedHandleCall, trace: (method: string) => void): grpc.UntypedHandleCall {
    return ((call: unknown, callback: unknown) => {
        trace(name);
        (handler as (call: unknown, callback: unknown) => void)(call, callback);
    }) as grpc.UntypedHandleCall;
}

/** Aborted when the engine gives up on the call (for Run: the CLI is shutting down). */
function cancellationOf(call: Call<unknown>): AbortSignal {
    const controller = new AbortController();
    call.once("cancelled", () => controller.abort());
    return controller.signal;
}

function programDirectory(info: rpc.ProgramInfo | undefined, fallback = ""): string {
    const directory = info?.getProgramDirectory() || fallback;
    if (!directory) {
        throw new Error("the request names no program directory");
    }
    return directory;
}

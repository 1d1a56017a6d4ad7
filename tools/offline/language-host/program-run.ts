// Run: starts the program with the program's own `@pulumi/pulumi/cmd/run`, as the Go host does, and reports how it
// ended. The program talks to the engine's resource monitor directly: the Go host's monitor proxy and its pipes
// only serve synchronous invokes, which @pulumi/pulumi uses only when `--sync` is given.
import { RunRequest, RunResponse } from "@pulumi/pulumi/proto/language_pb";
import { interrupt, startTracked } from "./child-processes";
import { nodeNotFoundMessage, nodeOnPath } from "./node-on-path";
import { parseRuntimeOptions, typeScriptEnv } from "./runtime-options";
import { locateSdkModule } from "./sdk-module";

const RUN_MODULE = "@pulumi/pulumi/cmd/run";
/** `cmd/run` exits with 32 after it has shown the user an actionable message: the CLI then adds nothing. */
const BAIL_EXIT_CODE = 32;

export async function runProgram(request: RunRequest, engineAddress: string, cancelled: AbortSignal): Promise<RunResponse> {
    const info = request.getInfo();
    if (!info) {
        return failure("the Run request carries no program info");
    }
    const node = nodeOnPath();
    if (!node) {
        return failure(nodeNotFoundMessage());
    }
    let runModule: string;
    let options;
    try {
        options = parseRuntimeOptions(info.getOptions());
        runModule = locateSdkModule(RUN_MODULE, info.getProgramDirectory(), "pulumi install");
    } catch (error) {
        return failure((error as Error).message);
    }
    if (cancelled.aborted) {
        return failure("the run was cancelled before the program started");
    }
    const { child, ended } = startTracked(node, [...options.nodeargs, runModule, ...runArguments(request, engineAddress)], {
        env: { ...process.env, ...configEnv(request), ...typeScriptEnv(options) },
        stdio: ["ignore", "inherit", "inherit"],
    });
    const stop = () => void interrupt(child);
    cancelled.addEventListener("abort", stop, { once: true });
    try {
        const { code, signal } = await ended;
        if (code === 0) {
            return new RunResponse();
        }
        if (code === BAIL_EXIT_CODE) {
            return new RunResponse().setBail(true);
        }
        return failure(code === null ? `Program was stopped by ${signal}` : `Program exited with non-zero exit code: ${code}`);
    } catch (error) {
        return failure(`Problem executing program (could not run language executor): ${(error as Error).message}`);
    } finally {
        cancelled.removeEventListener("abort", stop);
    }
}

/** `cmd/run`'s command line: engine coordinates and stack identity as flags, then the entry point and its arguments. */
function runArguments(request: RunRequest, engineAddress: string): string[] {
    const info = request.getInfo()!;
    const flags: [string, string][] = [
        ["monitor", request.getMonitorAddress()],
        ["engine", engineAddress],
        ["organization", request.getOrganization()],
        ["project", request.getProject()],
        ["root-directory", info.getRootDirectory()],
        ["stack", request.getStack()],
        ["pwd", info.getProgramDirectory()],
    ];
    const args = flags.filter(([, value]) => value !== "").flatMap(([flag, value]) => [`--${flag}`, value]);
    if (request.getDryrun()) {
        args.push("--dry-run");
    }
    args.push("--parallel", String(request.getParallel()));
    return [...args, info.getEntryPoint(), ...request.getArgsList()];
}

/** The stack's configuration, as `@pulumi/pulumi/runtime/config` reads it. */
function configEnv(request: RunRequest): Record<string, string> {
    const config: Record<string, string> = {};
    request.getConfigMap().forEach((value, key) => {
        config[legacyConfigKey(key)] = value;
    });
    return { PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList()) };
}

/** `ns:name` becomes `ns:config:name`, the form every version of the Node SDK reads (the Go host does the same). */
function legacyConfigKey(key: string): string {
    const colon = key.indexOf(":");
    if (colon < 0 || key.slice(colon + 1).startsWith("config:")) {
        return key;
    }
    return `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`;
}

function failure(message: string): RunResponse {
    return new RunResponse().setError(message);
}

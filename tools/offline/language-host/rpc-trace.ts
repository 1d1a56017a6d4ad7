// An opt-in record of the calls the CLI makes, one method name a line: the engine tests read it, and it shows what
// a new CLI version asks of the host. Never printed, since the CLI shows the host's output to the user.
import * as fs from "fs";

export const RPC_TRACE_ENV = "ATLAS_LANGUAGE_HOST_TRACE";

export function rpcTracer(file: string | undefined = process.env[RPC_TRACE_ENV]): (method: string) => void {
    return file ? (method) => fs.appendFileSync(file, `${method}\n`) : () => undefined;
}

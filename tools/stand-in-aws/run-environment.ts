// How a run tells the stand-in whom the credentials belong to and which operations to fail: environment
// variables, which the CLI passes on to the plugin process.
import { FAULTS_ENV } from "./faults";
import { HOLD_ENV } from "./holds";
import { CALLER_ACCOUNT_ENV } from "./provider-settings";

export interface StandInOptions {
    /** Operations to fail, each `<op>:<type>::<logical name>` (see faults.ts). */
    readonly fail?: readonly string[];
    /** The caller account of the fake credentials; the provider's allowedAccountIds decide otherwise. */
    readonly callerAccount?: string;
    /** One operation to hold until a test releases it, `<op>:<type>::<logical name>@<directory>` (see holds.ts). */
    readonly hold?: string;
}

/** Always sets every variable, so clearing an option also clears a value set for an earlier run. */
export function standInEnv(options: StandInOptions): Record<string, string> {
    return {
        [FAULTS_ENV]: (options.fail ?? []).join(","),
        [CALLER_ACCOUNT_ENV]: options.callerAccount ?? "",
        [HOLD_ENV]: options.hold ?? "",
    };
}

/** The options a caller's environment sets (`ATLAS_STANDIN_FAIL=… npm run promote -- --workspace …`). */
export function standInOptionsFrom(env: NodeJS.ProcessEnv): StandInOptions {
    const fail = (env[FAULTS_ENV] ?? "")
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean);
    return { fail, callerAccount: env[CALLER_ACCOUNT_ENV] || undefined, hold: env[HOLD_ENV] || undefined };
}

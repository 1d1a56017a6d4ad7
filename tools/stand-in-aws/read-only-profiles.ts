// Read-only credentials, as a preview role has them: ATLAS_STANDIN_READ_ONLY_PROFILES = comma list of AWS
// profile names. While AWS_PROFILE names one of them, every write (create, update, delete) is denied as AWS
// denies it; reads (refresh, preview) work. The stand-in keeps no other notion of credentials.
import { Operation } from "./faults";

export const READ_ONLY_PROFILES_ENV = "ATLAS_STANDIN_READ_ONLY_PROFILES";

export function readOnlyDenial(env: NodeJS.ProcessEnv, operation: Operation, type: string, name: string): string | undefined {
    const profile = env.AWS_PROFILE ?? "";
    const readOnly = (env[READ_ONLY_PROFILES_ENV] ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean);
    return profile !== "" && readOnly.includes(profile)
        ? `stand-in aws: AccessDenied: the credentials of profile ${profile} are read-only (${READ_ONLY_PROFILES_ENV}); ${operation} of ${type}::${name} needs the deploy role`
        : undefined;
}

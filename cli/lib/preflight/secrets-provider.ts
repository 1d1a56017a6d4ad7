/**
 * Each stack of an environment that needs KMS secrets (the contract's `environmentsNeedingKmsSecrets`: every gated
 * environment and its upstream) encrypts its secrets with an AWS KMS key (`awskms://`): a passphrase is one string
 * shared by everyone who deploys, a KMS key answers only to the roles its key policy names, and each use is logged.
 * Read from the stack file the CLI uses (`secretsprovider:`), without decrypting anything.
 */
import { ENVIRONMENT_MODEL, environmentOfStack, environmentsNeedingKmsSecrets } from "../../../policy-pack/src/contract";
import { Finding, ok, problem } from "./check-result";
import { StackFileFacts } from "./stack-file-facts";

export const secretsCheck = (stack: string) => `${stack}'s secrets provider`;
const KMS_SCHEME = "awskms://";

/** Whether the stack's environment needs KMS secrets, by the environment model. */
export function needsKmsSecrets(stack: string): boolean {
    const environment = environmentOfStack(stack, ENVIRONMENT_MODEL)?.name;
    return environment !== undefined && environmentsNeedingKmsSecrets(ENVIRONMENT_MODEL).includes(environment);
}

/** The finding for one stack whose environment needs KMS secrets (its region goes into the fix's example URL). */
export function secretsFinding(stack: string, settings: StackFileFacts | undefined): Finding {
    const region = settings?.region ?? "<region>";
    // By ARN: the key is in the tooling account, and an alias names a key only inside its own account.
    const fix = `pulumi stack change-secrets-provider --stack ${stack} "<${stack}'s secrets provider, printed by npm run bootstrap -- variables: awskms:///arn:aws:kms:${region}:<tooling account>:key/<id>?region=${region}>", then commit Pulumi.${stack}.yaml`;
    if (settings === undefined) {
        return problem(secretsCheck(stack), `no stack file Pulumi.${stack}.yaml to read it from`, `create the stack, then ${fix}`);
    }
    const provider = settings.provider;
    if (provider?.startsWith(KMS_SCHEME)) {
        return ok(secretsCheck(stack), provider);
    }
    const what =
        provider === undefined || provider === "passphrase"
            ? settings.passphraseSalt || provider === "passphrase"
                ? "a passphrase"
                : "the backend's default (a passphrase on a self-managed backend, Pulumi Cloud's own keys there)"
            : `${provider.split("://")[0]} (not AWS KMS)`;
    return problem(secretsCheck(stack), `${stack} encrypts its secrets with ${what}; ${stack} must use an AWS KMS key (awskms://)`, fix);
}

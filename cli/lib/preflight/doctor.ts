/**
 * `npm run doctor`'s checks, in order, for one stack or every environment of the model: logged in to the backend,
 * stack files committed, KMS secrets where the model needs them, the credentials' account, the gate's settings, and
 * in CI the workflows' variables. Each finding is one check's; nothing here prints or exits.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";
import { isAncestor, packTree, uncommittedFiles } from "../gate";
import { OfflineBackend, StackSource, stackFilePath } from "../stacks";
import { loginFinding, whoAmI } from "./backend-login";
import { accountFindings, CallerIdentity, standInIdentity, stsIdentity } from "./caller-account";
import { Finding } from "./check-result";
import { GateFacts, gateFindings } from "./gate-settings";
import { needsKmsSecrets, secretsFinding } from "./secrets-provider";
import { readStackFileFacts } from "./stack-file-facts";
import { committedFindings } from "./stack-files-committed";
import { ciFindings, workflowVariables } from "./workflow-variables";

export interface DoctorOptions {
    /** One stack (`--stack`); every environment of the model by default. */
    stack?: string;
    /** Where the gate's settings, CI's variables and the credentials come from (default: this process's environment). */
    env?: NodeJS.ProcessEnv;
    /** Whose credentials these are; default: the offline stand-in's for a workspace, else STS. */
    identity?: CallerIdentity;
}

export async function runDoctor(source: StackSource, options: DoctorOptions = {}): Promise<Finding[]> {
    const env = options.env ?? process.env;
    const stacks = options.stack ? [options.stack] : [...ENVIRONMENTS];
    const facts = new Map(stacks.map((stack) => [stack, readStackFileFacts(source.projectDir, stack)]));
    const identity = options.identity ?? (source instanceof OfflineBackend ? standInIdentity(env) : await stsIdentity(env));
    return [
        loginFinding(await whoAmI(source)),
        ...committedFindings(stacks, uncommittedFiles(source.checkout), (stack) => fs.existsSync(stackFilePath(source.checkout, stack))),
        ...stacks.filter(needsKmsSecrets).map((stack) => secretsFinding(stack, facts.get(stack))),
        ...accountFindings(new Map(stacks.map((stack) => [stack, facts.get(stack)?.accountId])), identity, options.stack !== undefined),
        ...gateFindings(env, gitGateFacts(source.checkout)),
        ...ciFindings(workflowVariables(source.checkout), env),
    ];
}

/** The checkout's answers for the gate settings' check, from git. */
export function gitGateFacts(checkout: string): GateFacts {
    const head = execFileSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: checkout, encoding: "utf8" }).trim();
    return {
        head,
        headPackTree: packTree(checkout, head),
        hasCommit: (commit) => {
            try {
                execFileSync("git", ["cat-file", "-e", `${commit}^{commit}`], { cwd: checkout, stdio: "ignore" });
                return true;
            } catch {
                return false;
            }
        },
        isAncestorOfHead: (ancestor) => isAncestor(checkout, ancestor, head),
    };
}

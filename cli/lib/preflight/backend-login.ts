/**
 * Logged in to a backend: `pulumi whoami` answers for the backend the stacks live in (the one you are logged into, or
 * an offline workspace's file backend). Everything else doctor reads from the backend depends on it.
 */
import { StackSource } from "../stacks";
import { Finding, ok, problem } from "./check-result";

export const LOGIN_CHECK = "logged in to a backend";

export interface WhoAmI {
    user: string;
    url: string;
}

/** The finding from `pulumi whoami --json`'s answer, or from the error it failed with. */
export function loginFinding(answer: WhoAmI | Error): Finding {
    if (answer instanceof Error) {
        const reason = answer.message.split("\n").find((line) => /error|not logged in/i.test(line)) ?? answer.message.split("\n")[0];
        return problem(
            LOGIN_CHECK,
            `pulumi whoami failed: ${reason.trim()}`,
            "pulumi login <your state backend> (PULUMI_BACKEND_URL, e.g. s3://<bucket>), or pass --workspace DIR",
        );
    }
    return ok(LOGIN_CHECK, `${answer.url} as ${answer.user}`);
}

export async function whoAmI(source: StackSource): Promise<WhoAmI | Error> {
    try {
        const parsed = JSON.parse(await source.pulumi(["whoami", "--json"])) as { user?: string; url?: string };
        return { user: parsed.user ?? "?", url: parsed.url ?? "?" };
    } catch (error) {
        const stderr = (error as { stderr?: string }).stderr;
        return new Error(stderr?.trim() || (error instanceof Error ? error.message : String(error)));
    }
}

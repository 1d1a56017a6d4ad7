/**
 * A stand-in for the `aws` CLI on a PATH of its own, for the tests of what doctor learns from STS
 * (cli/lib/preflight/caller-account.ts): it answers `aws sts get-caller-identity` with a canned standard output,
 * standard error and exit code, and refuses any other command. The real CLI is never reached: the PATH holds
 * only this directory, so no test depends on a network, credentials or how long AWS takes to answer.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FakeAwsAnswer {
    stdout?: string;
    stderr?: string;
    exitCode?: number;
}

export class FakeAwsCli {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-fake-aws-"));

    constructor(answer: FakeAwsAnswer) {
        const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
        const script = [
            "#!/bin/sh",
            'if [ "$1 $2" != "sts get-caller-identity" ]; then echo "fake aws: unexpected command: $*" >&2; exit 64; fi',
            `printf '%s' ${quote(answer.stdout ?? "")}`,
            `printf '%s' ${quote(answer.stderr ?? "")} >&2`,
            `exit ${answer.exitCode ?? 0}`,
            "",
        ].join("\n");
        fs.writeFileSync(path.join(this.dir, "aws"), script, { mode: 0o755 });
    }

    /** An environment whose PATH finds this `aws` and nothing else. */
    env(): NodeJS.ProcessEnv {
        return { PATH: this.dir };
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** An environment whose PATH holds no `aws` at all (an empty directory, removed by the caller). */
export function pathWithoutAws(): { env: NodeJS.ProcessEnv; remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-no-aws-"));
    return { env: { PATH: dir }, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

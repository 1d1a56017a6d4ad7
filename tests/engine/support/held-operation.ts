/**
 * Forces an interleaving with the stand-in provider's holds (tools/stand-in-aws/holds.ts): an update that
 * reaches the named operation stops inside it, the test acts (a second update, a kill), then lets it go on.
 * Nothing here waits on time: `reached` resolves on the stand-in's `held` file, or rejects when the process
 * that should reach it ends first.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HELD_FILE, RELEASE_FILE } from "../../../tools/stand-in-aws/holds";

export class HeldOperation {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-hold-"));

    /** `operation`: `<op>:<type>::<logical name>`, as ATLAS_STANDIN_FAIL names one. */
    constructor(readonly operation: string) {}

    /** The value of ATLAS_STANDIN_HOLD (or StandInOptions.hold) that holds this operation. */
    get spec(): string {
        return `${this.operation}@${this.dir}`;
    }

    /** Resolves once the stand-in holds the operation; rejects when `process` ends before it does. */
    reached(process: ChildProcess, output: () => string): Promise<void> {
        const held = path.join(this.dir, HELD_FILE);
        return new Promise((resolve, reject) => {
            // Watch first, then look: a file written in between is still seen.
            const watcher = fs.watch(this.dir, () => fs.existsSync(held) && done());
            const ended = (code: number | null) =>
                done(new Error(`the update ended (exit ${code}) before the stand-in held ${this.operation}:\n${tail(output())}`));
            const done = (error?: Error) => {
                watcher.close();
                process.off("exit", ended);
                return error ? reject(error) : resolve();
            };
            process.once("exit", ended);
            if (fs.existsSync(held)) {
                done();
            }
        });
    }

    /** Lets the held operation go on. */
    release(): void {
        fs.writeFileSync(path.join(this.dir, RELEASE_FILE), "");
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

function tail(text: string, lines = 25): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

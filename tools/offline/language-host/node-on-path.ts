// Which Node runs the program and the policy packs: the `node` on the PATH the CLI was started with, as the Go
// host does (exec.LookPath). The host itself runs on the project's Node 22, but that is the host's business; the
// program must meet the Node a user's shell really has, so an unsupported one shows up offline exactly as it
// would on a user's machine.
import * as fs from "fs";
import * as path from "path";

/** Absolute path of the first executable `node` on `searchPath`, or undefined. */
export function nodeOnPath(searchPath: string = process.env.PATH ?? ""): string | undefined {
    for (const dir of searchPath.split(path.delimiter)) {
        const candidate = path.resolve(dir || ".", "node");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) {
                return candidate;
            }
        } catch {
            // not here; keep looking
        }
    }
    return undefined;
}

export function nodeNotFoundMessage(): string {
    return "could not find node on the $PATH";
}

/**
 * Child process for the flag tests: runs many invocations of the release commands in one
 * Node process (loading @pulumi/pulumi once instead of once per case). Each case loads the
 * command's module afresh with its argv; `process.exit` is intercepted to record the exit
 * code the command chose and to stop it there. Prints one JSON line: code, stdout, stderr per case.
 * usage: ts-node run-commands.ts '<json [{command, args}]>'
 */
import * as path from "path";

interface Case {
    command: string;
    args: string[];
}

class Exited extends Error {
    constructor(readonly code: number) {
        super(`exit ${code}`);
    }
}

async function runCase(c: Case): Promise<{ code: number; stdout: string; stderr: string }> {
    const file = path.join(__dirname, "..", "..", "..", "cli", `${c.command}.ts`);
    let stdout = "";
    let stderr = "";
    const saved = { exit: process.exit, log: console.log, error: console.error, argv: process.argv };
    const exited = new Promise<number>((resolve) => {
        process.exit = ((code?: number) => {
            resolve(code ?? 0);
            throw new Exited(code ?? 0);
        }) as typeof process.exit;
    });
    console.log = (...args: unknown[]) => (stdout += args.join(" ") + "\n");
    console.error = (...args: unknown[]) => (stderr += args.join(" ") + "\n");
    process.argv = [saved.argv[0], file, ...c.args];
    try {
        delete require.cache[require.resolve(file)];
        // A fresh load runs the command again: its module body calls runMain.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(file);
        // runMain always ends a command with process.exit; a command that never does fails by the test's timeout.
        const code = await exited;
        return { code, stdout, stderr };
    } finally {
        Object.assign(process, { exit: saved.exit, argv: saved.argv });
        Object.assign(console, { log: saved.log, error: saved.error });
    }
}

process.on("unhandledRejection", (reason) => {
    if (!(reason instanceof Exited)) {
        throw reason;
    }
});

async function main(): Promise<void> {
    const cases = JSON.parse(process.argv[2]) as Case[];
    const results = [];
    for (const c of cases) {
        results.push(await runCase(c));
    }
    process.stdout.write(JSON.stringify(results) + "\n");
    process.exit(0);
}

void main();

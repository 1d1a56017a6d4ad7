/**
 * Command-line parsing shared by the release commands: strict (unknown flags and missing
 * values are errors), with messages that say which flag is wrong and how to fix it.
 */
import { parseArgs, ParseArgsConfig } from "util";

/** Exit codes, documented in docs/commands.md. */
export const EXIT = {
    ok: 0,
    /** The gate refused: a policy violation, or stacks not at parity. */
    refused: 1,
    /** Bad flags or arguments; nothing was changed. */
    usage: 2,
    /** The engine or a tool failed; see the message. */
    failure: 3,
} as const;

export class UsageError extends Error {}

/** The release tooling refused the release before anything ran (exit 1, as a policy's refusal). */
export class RefusedError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags<T extends Options>(argv: string[], options: T, usage: string) {
    try {
        return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new UsageError(`${reason}\n\n${usage}`);
    }
}

export function requireOneOf(flag: string, value: string | undefined, allowed: readonly string[]): string | undefined {
    if (value !== undefined && !allowed.includes(value)) {
        throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
    }
    return value;
}

/** Runs a command's main, mapping errors to exit codes and one clear message. */
export function runMain(name: string, main: () => Promise<number>): void {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            if (error instanceof UsageError) {
                console.error(`${name}: ${error.message}`);
                process.exit(EXIT.usage);
            }
            if (error instanceof RefusedError) {
                console.error(`${name}: refused: ${error.message}`);
                process.exit(EXIT.refused);
            }
            console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(EXIT.failure);
        },
    );
}

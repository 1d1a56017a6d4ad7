import * as pulumi from "@pulumi/pulumi";

/** One bad config key: what was found, what was expected, and the command that fixes it. */
export interface ConfigProblem {
    key: string;
    found: string;
    expected: string;
    fix: string;
}

/**
 * Every problem of the stack's config in one message. A RunError, so Pulumi prints the
 * message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(
            [
                `Stack "${stack}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was deployed:`,
                ...problems.map((p) => `  - ${p.key}: found ${p.found}; expected ${p.expected}.\n    Fix: ${p.fix}`),
            ].join("\n"),
        );
        this.name = "ConfigError";
    }
}

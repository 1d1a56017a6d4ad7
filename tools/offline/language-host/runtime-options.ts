// The `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that change how Node starts a program or pack.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export interface NodeRuntimeOptions {
    /** Compile TypeScript with ts-node on start (Pulumi's default: true). */
    readonly typescript: boolean;
    readonly tsconfig?: string;
    /** Extra arguments for Node, e.g. `--max-old-space-size=4096`. */
    readonly nodeargs: string[];
}

export function parseRuntimeOptions(options: Struct | undefined): NodeRuntimeOptions {
    const raw = (options?.toJavaScript() ?? {}) as Record<string, unknown>;
    const typescript = raw.typescript ?? true;
    if (typeof typescript !== "boolean") {
        throw new Error("typescript option must be a boolean");
    }
    if (raw.tsconfig !== undefined && typeof raw.tsconfig !== "string") {
        throw new Error("tsconfig option must be a string");
    }
    if (raw.nodeargs !== undefined && typeof raw.nodeargs !== "string") {
        throw new Error("nodeargs option must be a string");
    }
    return { typescript, tsconfig: raw.tsconfig as string | undefined, nodeargs: splitArguments((raw.nodeargs as string | undefined) ?? "") };
}

/** The variables @pulumi/pulumi's `cmd/run` and `cmd/run-policy-pack` read to set up ts-node. */
export function typeScriptEnv(options: NodeRuntimeOptions): Record<string, string> {
    return {
        ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
        ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
}

/** Splits `nodeargs` into words like a POSIX shell does for plain, quoted and escaped characters. */
export function splitArguments(line: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
            if (c === quote) {
                quote = undefined;
            } else {
                word += c === "\\" && quote === '"' && i + 1 < line.length ? line[++i] : c;
            }
        } else if (/\s/.test(c)) {
            if (word !== undefined) {
                words.push(word);
                word = undefined;
            }
        } else if (c === '"' || c === "'") {
            quote = c;
            word = word ?? "";
        } else {
            word = (word ?? "") + (c === "\\" && i + 1 < line.length ? line[++i] : c);
        }
    }
    if (quote) {
        throw new Error(`nodeargs has an unterminated quote: ${line}`);
    }
    return word === undefined ? words : [...words, word];
}

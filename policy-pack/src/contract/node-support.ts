/**
 * The Node.js a package needs, from its package.json `engines.node` (">=22"): the one place the
 * fact is written. The program and the policy pack refuse an older Node at start with one line,
 * rather than run on a Node their dependencies (@pulumi/pulumi 3.276 says >=22) do not support.
 */
import * as fs from "fs";
import * as path from "path";

/** The smallest major version `engines.node` of the package.json at `packageJson` accepts. */
export function minimumNodeMajor(packageJson: string): number {
    const range = (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { engines?: { node?: string } }).engines?.node ?? "";
    const major = Number(/^>=\s*(\d+)/.exec(range.trim())?.[1]);
    if (!Number.isInteger(major)) {
        throw new Error(`${packageJson}: engines.node should be ">=<major>" (got ${JSON.stringify(range)})`);
    }
    return major;
}

/** Why `what` cannot run on Node `version`, or undefined when it can. */
export function unsupportedNodeMessage(what: string, minimum: number, version: string = process.versions.node): string | undefined {
    return Number(version.split(".")[0]) >= minimum
        ? undefined
        : `${what} needs Node.js ${minimum} or newer, but it was started with Node.js ${version} (the \`node\` first on PATH); put Node.js ${minimum}+ first on PATH — offline: \`source <workspace>/env.sh\` — and run the command again`;
}

/** The package.json nearest above `dir` (the package's own, whether it runs from its sources or a build). */
export function nearestPackageJson(dir: string): string {
    for (let at = path.resolve(dir); ; at = path.dirname(at)) {
        const candidate = path.join(at, "package.json");
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        if (path.dirname(at) === at) {
            throw new Error(`no package.json above ${dir}`);
        }
    }
}

/** Exits (code 32: the error is reported, as Pulumi's runtimes do) when this Node is too old for `what`, whose code is in `dir`. */
export function refuseUnsupportedNode(what: string, dir: string): void {
    const message = unsupportedNodeMessage(what, minimumNodeMajor(nearestPackageJson(dir)));
    if (message) {
        process.stderr.write(`${message}\n`);
        process.exit(32);
    }
}

// GetRequiredPackages: the resource plugins a program needs, so the CLI can have them (at the exact versions)
// before the program runs. Like the Go host: every package.json below a node_modules directory of the program
// whose `pulumi.resource` is true names one, with its version prefixed by "v"; nested policy packs are skipped,
// since their plugins are not the program's.
import * as fs from "fs";
import * as path from "path";
import { PackageDependency, PackageParameterization } from "@pulumi/pulumi/proto/plugin_pb";

interface ParameterizationJson {
    name: string;
    version: string;
    /** base64 */
    value: string;
}

interface PackageJson {
    name?: string;
    version?: string;
    pulumi?: {
        resource?: boolean;
        name?: string;
        version?: string;
        server?: string;
        parameterization?: ParameterizationJson;
        extensionParameterization?: ParameterizationJson;
    };
}

export function requiredPackages(programDirectory: string): PackageDependency[] {
    const found: PackageDependency[] = [];
    const dir = path.resolve(programDirectory);
    walk(dir, fs.realpathSync.native(dir), false, true, new Set(), found);
    return found;
}

// The host runs this at the start of every engine run, over about two thousand directories of a release checkout, so
// a directory costs one readdir: its real path (what `visited` holds, so a symlink loop ends) is its parent's plus
// its name unless it is a symlink, and a policy pack is seen in its own listing rather than probed for.
function walk(dir: string, real: string, inNodeModules: boolean, isProgram: boolean, visited: Set<string>, found: PackageDependency[]): void {
    if (visited.has(real)) {
        return;
    }
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (!isProgram && entries.some((entry) => entry.name === "PulumiPolicy.yaml")) {
        return;
    }
    visited.add(real);
    for (const entry of entries) {
        const entryPath = path.join(dir, entry.name);
        if (isDirectory(entryPath, entry) && entry.name !== ".git") {
            const entryReal = entry.isSymbolicLink() ? fs.realpathSync.native(entryPath) : path.join(real, entry.name);
            walk(entryPath, entryReal, inNodeModules || path.basename(dir) === "node_modules", false, visited, found);
        } else if (inNodeModules && entry.name === "package.json") {
            try {
                const dependency = resourcePackage(JSON.parse(fs.readFileSync(entryPath, "utf8")) as PackageJson, entryPath);
                if (dependency) {
                    found.push(dependency);
                }
            } catch {
                // A broken manifest is not the program's problem; the Go host only logs it too.
            }
        }
    }
}

function isDirectory(entryPath: string, entry: fs.Dirent): boolean {
    return entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(entryPath, { throwIfNoEntry: false })?.isDirectory() === true);
}

function resourcePackage(manifest: PackageJson, file: string): PackageDependency | undefined {
    const pulumi = manifest.pulumi;
    if (!pulumi?.resource) {
        return undefined;
    }
    const name = pulumi.name ?? scopedPulumiName(manifest.name, file);
    const version = pulumi.version ?? manifest.version;
    if (!version) {
        throw new Error(`${file}: missing expected "version" property`);
    }
    const dependency = new PackageDependency()
        .setName(name)
        .setKind("resource")
        .setVersion(version.startsWith("v") ? version : `v${version}`)
        .setServer(pulumi.server ?? "");
    if (pulumi.parameterization) {
        dependency.setParameterization(parameterization(pulumi.parameterization));
    }
    if (pulumi.extensionParameterization) {
        dependency.setExtension$(parameterization(pulumi.extensionParameterization));
    }
    return dependency;
}

/** `@pulumi/aws` provides plugin `aws`; a third-party package must name its plugin in its `pulumi` section. */
function scopedPulumiName(packageName: string | undefined, file: string): string {
    if (packageName?.startsWith("@pulumi/")) {
        return packageName.slice("@pulumi/".length);
    }
    throw new Error(`${file}: missing property "name" for the third-party plugin '${packageName}' inside package.json under the "pulumi" section`);
}

function parameterization(json: ParameterizationJson): PackageParameterization {
    return new PackageParameterization().setName(json.name).setVersion(json.version).setValue(Buffer.from(json.value, "base64"));
}

// GetProgramDependencies (`pulumi about` lists them): read from the npm lockfile, like the Go host does for npm
// projects, so nothing is run. Direct dependencies are those the manifest next to the lockfile declares.
import * as fs from "fs";
import * as path from "path";
import { DependencyInfo } from "@pulumi/pulumi/proto/language_pb";

const LOCKFILE = "package-lock.json";
const NODE_MODULES = "node_modules/";

interface Lockfile {
    /** lockfileVersion 2 and 3: keyed by install path, e.g. `node_modules/@pulumi/aws`. */
    packages?: Record<string, { version?: string }>;
}

interface Manifest {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}

export function programDependencies(programDirectory: string, transitive: boolean): DependencyInfo[] {
    const lockfile = searchUp(programDirectory, LOCKFILE);
    if (!lockfile) {
        throw new Error(`no ${LOCKFILE} found (searching upwards from ${programDirectory})`);
    }
    const installed = Object.entries((readJson(lockfile) as Lockfile).packages ?? {})
        .filter(([installPath, entry]) => installPath.includes(NODE_MODULES) && entry.version)
        .map(([installPath, entry]) => ({
            installPath,
            name: installPath.slice(installPath.lastIndexOf(NODE_MODULES) + NODE_MODULES.length),
            version: entry.version!,
        }));
    let listed = installed;
    if (!transitive) {
        const manifest = readJson(path.join(path.dirname(lockfile), "package.json")) as Manifest;
        const direct = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
        // The hoisted copy is the one the program loads.
        listed = installed.filter((dependency) => direct.has(dependency.name) && dependency.installPath === NODE_MODULES + dependency.name);
    }
    return listed
        .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
        .map((dependency) => new DependencyInfo().setName(dependency.name).setVersion(dependency.version));
}

function searchUp(start: string, file: string): string | undefined {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, file))) {
            return path.join(dir, file);
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

function readJson(file: string): unknown {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

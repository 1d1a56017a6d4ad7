/**
 * The suite's deployed release (support/deployed-release.ts), made once per engine run:
 * - as a mocha global fixture (.mocharc.engine.js requires this file): in the main mocha process before any
 *   worker starts, announced to the workers through their inherited environment;
 * - or ahead of time by `npm test` (scripts/test.js runs this file as a script while the type-check, lint and unit
 *   phases run, and announces it to mocha), in which case the fixture uses it as it is.
 * Each describe that starts from it works on a copy of its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { announcedRelease, DEPLOYED_RELEASE_ENV, writeManifest } from "./deployed-release";
import { deployRelease } from "./offline-release";

let root: string | undefined;

/** Deploys the suite's release under `dir` and returns its manifest's path. */
async function deployInto(dir: string): Promise<string> {
    const started = Date.now();
    const manifest = writeManifest(await deployRelease(dir));
    console.log(
        `  deployed the suite's release (staging and prod) in ${((Date.now() - started) / 1000).toFixed(1)}s; each describe that starts from it copies it`,
    );
    return manifest;
}

export async function mochaGlobalSetup(): Promise<void> {
    if (announcedRelease()) {
        return; // made ahead of time by npm test
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-deployed-release-"));
    process.env[DEPLOYED_RELEASE_ENV] = await deployInto(root);
}

export function mochaGlobalTeardown(): void {
    if (root && !process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

// usage: ts-node tests/engine/support/suite-release.ts <empty directory>; prints the manifest's path last.
if (require.main === module) {
    deployInto(path.resolve(process.argv[2] ?? "")).then(
        (manifest) => console.log(manifest),
        (error: unknown) => {
            console.error(error instanceof Error ? error.message : String(error));
            process.exit(1);
        },
    );
}

/**
 * A mocha global fixture (.mocharc.engine.js requires it): deploys the suite's release once, in the main mocha
 * process before any worker starts, and announces it to the workers through their inherited environment. Each
 * describe that starts from it works on a copy of its own (support/deployed-release.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEPLOYED_RELEASE_ENV, writeManifest } from "./deployed-release";
import { deployRelease } from "./offline-release";

let root: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-deployed-release-"));
    const started = Date.now();
    process.env[DEPLOYED_RELEASE_ENV] = writeManifest(await deployRelease(root));
    console.log(`  deployed the suite's release (staging and prod) once in ${((Date.now() - started) / 1000).toFixed(1)}s; each describe that starts from it copies it`);
}

export function mochaGlobalTeardown(): void {
    if (root && !process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

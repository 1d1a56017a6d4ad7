/**
 * Child process for the interrupted-run test: runs one `up` of a stack of an offline
 * workspace through the Automation API (the program runs inline here), printing the engine's
 * progress so the parent can SIGKILL this process group mid-update.
 * usage: ts-node interrupted-update.ts <workspace dir> <stack> <release version>
 */
import { atlasProgram } from "../../../src/program";
import { OfflineWorkspace } from "../../../tools/offline/workspace";

async function main(): Promise<void> {
    const [dir, stackName, version] = process.argv.slice(2);
    process.env.ATLAS_RELEASE_VERSION = version;
    const workspace = await OfflineWorkspace.create({ dir });
    const stack = await workspace.stack(stackName, atlasProgram);
    console.log("interrupted-update: starting");
    await stack.up({ onOutput: (line) => process.stdout.write(line), color: "never" });
    console.log("interrupted-update: finished");
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(3);
});

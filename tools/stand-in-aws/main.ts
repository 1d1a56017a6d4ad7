// Plugin entry point (pulumi-resource-aws): serves the stand-in provider over gRPC.
import { version } from "@pulumi/aws/package.json";
import { main } from "@pulumi/pulumi/provider";
import { checkSeedKeeper } from "./check-seed";
import { configureForwarder } from "./configure-forwarding";
import { previewFlagKeeper, previewSupportDeclaration } from "./preview-support";
import { StandInAwsProvider } from "./provider";
import { wrapServerHandlers } from "./server-hooks";

// The engine asks for the plugin by the @pulumi/aws version the program uses; report that same version.
const provider = new StandInAwsProvider(version);
wrapServerHandlers({
    configure: [configureForwarder((variables) => provider.configure(variables)), previewSupportDeclaration],
    check: checkSeedKeeper,
    create: previewFlagKeeper,
    update: previewFlagKeeper,
});
exitWithParent();
main(provider, process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
});

/**
 * A CLI killed with SIGKILL never stops its plugins, and @pulumi/pulumi's provider server never checks on the engine,
 * so the stand-in would serve on forever. The shim `exec`s Node, so the parent is the CLI: once it is gone (and this
 * process re-parented), exit.
 */
function exitWithParent(): void {
    const parent = process.ppid;
    setInterval(() => {
        if (process.ppid !== parent) {
            process.exit(1);
        }
    }, 1000).unref();
}

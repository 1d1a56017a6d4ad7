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
main(provider, process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
});

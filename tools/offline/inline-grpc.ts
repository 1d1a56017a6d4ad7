/**
 * Inline programs in a long-lived process (the engine tests' workers, the bench) get gRPC channels that never hit a
 * stale connection.
 *
 * Why: @pulumi/pulumi (3.260; the isolation is kept with 3.276) opens a resource-monitor and an engine client per inline run and never closes them
 * (`disconnectSync` closes only the module-level clients, not the per-run store's), and @grpc/grpc-js shares one
 * subchannel per address across a process. Once a finished run's engine is gone, any late call on its leaked client
 * leaves that address's subchannel in TRANSIENT_FAILURE; a later engine that happens to listen on the same ephemeral
 * port then fails its first call at once with "14 UNAVAILABLE: No connection established. Last error: null". A
 * channel-local subchannel pool (a documented grpc-js channel option) gives every new client a fresh connection.
 * Pinned by tests/unit/offline/inline-grpc.spec.ts, which forces the port reuse.
 */
export const LOCAL_SUBCHANNEL_POOL = "grpc.use_local_subchannel_pool";

/** The SDK's options for every client it creates (marked internal, so absent from its typings). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkSettings: { grpcClientOptions?: Record<string, unknown> } = require("@pulumi/pulumi/runtime/settings");

/** Makes every gRPC client the Pulumi SDK creates from now on in this process use its own subchannel pool. */
export function isolateInlineProgramChannels(): void {
    const options = sdkSettings.grpcClientOptions;
    if (typeof options !== "object" || options === null) {
        throw new Error(
            "@pulumi/pulumi no longer exports runtime/settings.grpcClientOptions, which tools/offline/inline-grpc.ts sets to keep " +
                "inline runs off stale gRPC subchannels: check whether the SDK now closes its per-run clients, then update or remove this module.",
        );
    }
    options[LOCAL_SUBCHANNEL_POOL] = 1;
}

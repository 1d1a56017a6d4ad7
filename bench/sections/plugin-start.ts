/**
 * How long the stand-in AWS provider takes from spawn to serving (its gRPC port on stdout), as the engine starts it
 * once per run: a start-up figure that used to be a timed engine test, which belongs here (issue 15).
 */
import { spawn } from "child_process";
import * as path from "path";
import { installedAwsSdkVersion } from "../../tools/stand-in-aws/install";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { summarize, Summary } from "../lib/stats";

export async function measurePluginStart(runs: number): Promise<Summary> {
    const workspace = await OfflineWorkspace.create();
    try {
        const plugin = path.join(workspace.pulumiHome, "plugins", `resource-aws-v${installedAwsSdkVersion()}`, "pulumi-resource-aws");
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
            samples.push(await secondsUntilServing(plugin));
        }
        return summarize(samples);
    } finally {
        workspace.remove();
    }
}

function secondsUntilServing(plugin: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(plugin, [], { stdio: ["ignore", "pipe", "inherit"] });
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`the stand-in exited (code ${code}) before serving`)));
        child.stdout.once("data", () => {
            resolve(Number(process.hrtime.bigint() - started) / 1e9);
            child.removeAllListeners("exit");
            child.kill();
        });
    });
}

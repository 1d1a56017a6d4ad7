/**
 * Installs the launcher through which the CLI starts Node.js policy packs.
 *
 * Without the Node.js language host (the Go module proxy refuses it), the CLI falls back to
 * an analyzer plugin named `policy-nodejs`, started in the policy pack's directory with the
 * engine address and pack path as arguments. This launcher hands those to the real
 * `@pulumi/pulumi/cmd/run-policy-pack`. It is installed into the isolated PULUMI_HOME only.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeBinary } from "./node-runtime";
import { PulumiCli, REPO_ROOT } from "./pulumi-cli";

export function installPolicyAnalyzerShim(cli: PulumiCli, pulumiHome: string, workDir: string): void {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [REPO_ROOT] });
    const shim = path.join(workDir, "pulumi-analyzer-policy-nodejs");
    fs.writeFileSync(shim, `#!/bin/sh\nexec "${nodeBinary()}" "${path.dirname(runPolicyPack)}" "$@"\n`, { mode: 0o755 });
    execFileSync(cli.binary, ["plugin", "install", "analyzer", "policy-nodejs", cli.version, "--file", shim], {
        env: { ...process.env, PULUMI_HOME: pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" },
        stdio: ["ignore", "ignore", "pipe"],
    });
}

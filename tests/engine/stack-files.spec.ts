/**
 * What the CLI writes into a stack file when a person initialises stacks as the README says, and
 * that a release stays promotable once those writes are committed: `promote` deploys commits and
 * refuses a checkout with uncommitted changes.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { measureRelease, uncommittedFiles } from "../../cli/lib/gate/release-identity";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../tools/offline/workspace";

type StackFile = Record<string, unknown> & { config?: Record<string, unknown> };

describe("stack files written by `pulumi stack init` and `pulumi config set --secret`", function () {
    let repository: ReleaseRepository;
    let workspace: OfflineWorkspace;

    const pulumi = (...args: string[]) =>
        execFileSync(workspace.cli.binary, args, {
            cwd: repository.dir,
            env: { ...process.env, ...workspace.env() },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    const stackFile = (stack: string) => yaml.load(fs.readFileSync(path.join(repository.dir, `Pulumi.${stack}.yaml`), "utf8")) as StackFile;

    before(async () => {
        repository = ReleaseRepository.snapshot(REPO_ROOT);
        workspace = await OfflineWorkspace.create({ projectSource: repository.dir });
    });

    after(() => {
        workspace?.remove();
        repository?.remove();
    });

    it("with the passphrase secrets provider, init rewrites the existing file: an encryption salt added, every value quoted, comments kept", () => {
        const text = fs.readFileSync(path.join(repository.dir, "Pulumi.dev.yaml"), "utf8");
        const before = stackFile("dev");
        assert.equal(before.encryptionsalt, undefined, "the sample stack file carries no secrets provider");
        assert.match(text, /^#/m, "the sample stack file has comments");
        pulumi("stack", "init", "dev", "--secrets-provider", "passphrase");
        const after = stackFile("dev");
        assert.match(String(after.encryptionsalt), /^v1:[A-Za-z0-9+/=]+:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
        assert.deepEqual(Object.keys(after).sort(), ["config", "encryptionsalt"]);
        // The same config, but as strings: the CLI re-serialises every value it read (`7` becomes `"7"`).
        const asStrings = (config: Record<string, unknown> = {}) =>
            Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "object" ? value : String(value)]));
        assert.deepEqual(after.config, asStrings(before.config));
        assert.ok(Object.values(after.config ?? {}).every((value) => typeof value !== "number" && typeof value !== "boolean"));
        const rewritten = fs.readFileSync(path.join(repository.dir, "Pulumi.dev.yaml"), "utf8");
        assert.deepEqual(
            rewritten.split("\n").filter((line) => line.trim().startsWith("#")),
            text.split("\n").filter((line) => line.trim().startsWith("#")),
            "the CLI keeps the file's comments",
        );
        assert.deepEqual(uncommittedFiles(repository.dir), ["Pulumi.dev.yaml"], "the checkout is dirty until the rewritten file is committed");
    });

    it("a secret is written encrypted (`secure:`), never in plain text", () => {
        const secret = "https://oncall.invalid/stack-files-test";
        pulumi("config", "set", "--stack", "dev", "--secret", "atlas:oncallEndpoint", secret);
        assert.match(String((stackFile("dev").config?.["atlas:oncallEndpoint"] as { secure?: string }).secure), /^v1:/);
        assert.equal(fs.readFileSync(path.join(repository.dir, "Pulumi.dev.yaml"), "utf8").includes(secret), false);
    });

    it("refuses to promote until those writes are committed, then measures the commit", () => {
        assert.throws(() => measureRelease(repository.dir, "1.0.0"), /has uncommitted changes[\s\S]*Pulumi\.dev\.yaml/);
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "commit the stack file as initialised"], {
            cwd: repository.dir,
        });
        assert.equal(measureRelease(repository.dir, "1.0.0").commit, repository.head);
    });
});

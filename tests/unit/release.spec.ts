/** Release identity: the version a stack deploys, and the facts it exports as `release`. */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { secretStandIn } from "../../policy-pack/src/contract/canonical";
import { isEnvironmentSpecificKey } from "../../policy-pack/src/contract/environment-keys";
import { ReleaseFacts, parseReleaseFacts } from "../../policy-pack/src/contract/release-facts";
import { AtlasConfig, CONFIG_KEY_NAMES } from "../../src/config";
import { deriveReleaseVersion, parityConfigOf, readGitState } from "../../src/release";
import { REPO_ROOT, programResources, runStack } from "./support/atlas-under-mocks";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

describe("release version", () => {
    it("is the CI-assigned version when set, promotable only from a clean tree", () => {
        assert.deepEqual(deriveReleaseVersion("1.4.0", { kind: "clean", commit: COMMIT }), { version: "1.4.0", promotable: true });
        assert.deepEqual(deriveReleaseVersion("1.4.0", { kind: "dirty", commit: COMMIT, changes: "ff".repeat(32) }), { version: "1.4.0", promotable: false });
        assert.deepEqual(deriveReleaseVersion("1.4.0", { kind: "unavailable" }), { version: "1.4.0", promotable: false });
    });

    it("names the commit of a clean local tree, not promotable", () => {
        assert.deepEqual(deriveReleaseVersion(undefined, { kind: "clean", commit: COMMIT }), { version: "0.0.0-local+g0123456789ab", promotable: false });
    });

    it("marks a dirty local tree with a digest of its changes", () => {
        assert.deepEqual(
            deriveReleaseVersion("", { kind: "dirty", commit: COMMIT, changes: "abcdef0123456789" }),
            { version: "0.0.0-local+g0123456789ab.dirty.abcdef01", promotable: false },
        );
    });

    it("falls back to a recognisable unknown version without git", () => {
        assert.deepEqual(deriveReleaseVersion(undefined, { kind: "unavailable" }), { version: "0.0.0-local+unknown", promotable: false });
    });

    it("refuses a CI version that is not semantic, as an error Pulumi prints without a stack trace", () => {
        assert.throws(() => deriveReleaseVersion("release-7", { kind: "clean", commit: COMMIT }),
            (e: Error) => pulumi.RunError.isInstance(e) && /ATLAS_RELEASE_VERSION="release-7" is not a semantic version/.test(e.message));
    });
});

describe("git state", () => {
    let dir: string;
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-release-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is unavailable outside a repository", () => {
        assert.deepEqual(readGitState(dir), { kind: "unavailable" });
    });

    it("is clean at a commit, and dirty with a digest that follows the changes", () => {
        git("init", "-q");
        fs.writeFileSync(path.join(dir, "a.txt"), "one\n");
        git("add", "a.txt");
        git("commit", "-q", "-m", "one");
        const commit = git("rev-parse", "HEAD");
        assert.deepEqual(readGitState(dir), { kind: "clean", commit });

        fs.writeFileSync(path.join(dir, "a.txt"), "two\n");
        const edited = readGitState(dir);
        assert.equal(edited.kind, "dirty");
        assert.deepEqual(readGitState(dir), edited, "the same edits give the same digest");

        fs.writeFileSync(path.join(dir, "new.txt"), "x\n");
        const withNewFile = readGitState(dir);
        assert.equal(withNewFile.kind, "dirty");
        assert.notDeepEqual(withNewFile, edited, "an untracked file changes the digest");
    });
});

describe("release facts", () => {
    let facts: ReleaseFacts;
    before(async () => {
        const run = await runStack("prod", { env: { ATLAS_RELEASE_VERSION: "3.1.0" } });
        facts = run.outputs?.release as ReleaseFacts;
    });

    it("pass the contract's own parser, digests included", () => {
        const parsed = parseReleaseFacts(facts, "prod's release");
        assert.ok(parsed.ok, parsed.ok ? "" : parsed.problems.join("\n"));
        assert.deepEqual([facts.project, facts.stack, facts.environment, facts.version], ["atlas", "prod", "prod", "3.1.0"]);
        assert.equal(facts.promotable, readGitState(REPO_ROOT).kind === "clean");
    });

    it("hold every parity key and no environment-specific one", () => {
        assert.deepEqual(Object.keys(facts.parityConfig).sort(), CONFIG_KEY_NAMES.filter((k) => !isEnvironmentSpecificKey(k)).sort());
    });

    it("list every platform resource, environment-specific ones included, and no bookkeeping", () => {
        assert.deepEqual([...facts.resources].sort(), facts.resources);
        assert.ok(facts.resources.includes("aws:iam/role:Role::consumer-role"));
        assert.ok(facts.resources.includes("atlas:storage:Storage::storage"));
        assert.deepEqual(facts.resources.filter((r) => r.startsWith("pulumi:")), []);
    });

    it("are the same on every run of the same config and version", async () => {
        const again = await runStack("prod", { env: { ATLAS_RELEASE_VERSION: "3.1.0" } });
        assert.deepEqual(again.outputs?.release, facts);
    });

    it("do not carry resources over from an earlier run in the same process", async () => {
        const dev = await runStack("dev");
        const devFacts = dev.outputs?.release as ReleaseFacts;
        const registered = programResources(dev).filter((r) => !r.type.startsWith("pulumi:")).map((r) => `${r.type}::${r.name}`).sort();
        assert.deepEqual(devFacts.resources, registered);
        assert.ok(!devFacts.resources.includes("aws:iam/role:Role::consumer-role"));
    });

    it("record secret parity values only as stand-ins", () => {
        const config = { glueWorkerType: "G.1X", glueNumberOfWorkers: 10 } as unknown as AtlasConfig;
        const parity = parityConfigOf(config, (key) => key === "atlas:glueWorkerType");
        assert.equal(parity.glueWorkerType, secretStandIn("G.1X"));
        assert.equal(parity.glueNumberOfWorkers, 10);
    });
});

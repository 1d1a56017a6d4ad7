/**
 * The release a program run says it deploys (src/release): the version (assigned by promote, or
 * derived from git for a local run), the commit and digest promote measured, and the `release`
 * output that states them. The gate never trusts these; they are what prod's StackReference reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RELEASE_FORMAT, ReleaseFacts, parseReleaseFacts } from "../../policy-pack/src/contract/release-facts";
import { RELEASE_ENV } from "../../policy-pack/src/contract/release-identity";
import { UNKNOWN_LOCAL_VERSION, assembleReleaseFacts, currentRelease, deriveReleaseVersion, readGitState } from "../../src/release";
import { runStack } from "./support/atlas-under-mocks";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("release version", () => {
    it("is the version promote assigned, whatever git says", () => {
        for (const git of [{ kind: "clean", commit: COMMIT }, { kind: "dirty", commit: COMMIT, changes: "ff".repeat(32) }, { kind: "unavailable" }] as const) {
            assert.equal(deriveReleaseVersion("1.4.0", git), "1.4.0");
        }
        assert.equal(deriveReleaseVersion("2026.11.26+run.7.g0123abcd", { kind: "unavailable" }), "2026.11.26+run.7.g0123abcd");
    });

    it("names the commit of a clean local tree", () => {
        assert.equal(deriveReleaseVersion(undefined, { kind: "clean", commit: COMMIT }), "0.0.0-local+g0123456789ab");
    });

    it("marks a dirty local tree with a digest of its changes (an empty assignment counts as none)", () => {
        assert.equal(deriveReleaseVersion("", { kind: "dirty", commit: COMMIT, changes: "abcdef0123456789" }), "0.0.0-local+g0123456789ab.dirty.abcdef01");
    });

    it("falls back to a recognisable unknown version without git", () => {
        assert.equal(deriveReleaseVersion(undefined, { kind: "unavailable" }), UNKNOWN_LOCAL_VERSION);
        assert.equal(UNKNOWN_LOCAL_VERSION, "0.0.0-local+unknown");
    });

    it("refuses an assigned version that is not semantic, as an error Pulumi prints without a stack trace", () => {
        assert.throws(
            () => deriveReleaseVersion("release-7", { kind: "clean", commit: COMMIT }),
            (e: Error) => pulumi.RunError.isInstance(e) && /ATLAS_RELEASE_VERSION="release-7" is not a semantic version/.test(e.message),
        );
    });
});

describe("git state", () => {
    let dir: string;
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], {
            cwd: dir,
            encoding: "utf8",
        }).trim();

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

describe("current release", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-current-release-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is what promote handed over: version, commit and digest", () => {
        const env = { [RELEASE_ENV.version]: "1.4.0", [RELEASE_ENV.commit]: COMMIT, [RELEASE_ENV.digest]: DIGEST };
        assert.deepEqual(currentRelease(dir, env), { version: "1.4.0", commit: COMMIT, digest: DIGEST });
    });

    it("records no commit or digest for a local run (empty values count as none), and derives the version from git", () => {
        assert.deepEqual(currentRelease(dir, { [RELEASE_ENV.commit]: "", [RELEASE_ENV.digest]: "" }), {
            version: UNKNOWN_LOCAL_VERSION,
            commit: null,
            digest: null,
        });
    });

    it("refuses a malformed assigned version", () => {
        assert.throws(() => currentRelease(dir, { [RELEASE_ENV.version]: "latest" }), /ATLAS_RELEASE_VERSION="latest" is not a semantic version/);
    });
});

describe("release facts", () => {
    it("state the stack, its environment and the release, in the contract's format", () => {
        const facts = assembleReleaseFacts({
            project: "atlas",
            stack: "prod",
            environment: "prod",
            release: { version: "1.4.0", commit: COMMIT, digest: DIGEST },
        });
        assert.deepEqual(facts, {
            format: RELEASE_FORMAT,
            project: "atlas",
            stack: "prod",
            environment: "prod",
            version: "1.4.0",
            commit: COMMIT,
            digest: DIGEST,
        });
        assert.ok(parseReleaseFacts(facts, "facts").ok);
        assert.ok(parseReleaseFacts({ ...facts, commit: null, digest: null }, "facts").ok, "a local run's facts are well-formed too");
    });

    it("refuse, when parsed, another format and malformed fields", () => {
        const facts = assembleReleaseFacts({ project: "atlas", stack: "prod", environment: "prod", release: { version: "1.4.0", commit: null, digest: null } });
        const old = parseReleaseFacts({ ...facts, format: "atlas.release/v1", promotable: true }, "staging's release");
        assert.ok(!old.ok && /has format "atlas\.release\/v1"; expected format "atlas\.release\/v2"/.test(old.problems[0]));
        const broken = parseReleaseFacts({ ...facts, stack: "", commit: 7 }, "staging's release");
        assert.ok(!broken.ok);
        assert.deepEqual(
            broken.problems.map((p) => p.match(/field "(\w+)"/)?.[1]),
            ["stack", "commit"],
        );
        const missing = parseReleaseFacts(undefined, "staging's release");
        assert.ok(!missing.ok && missing.problems[0] === "staging's release is missing");
    });

    describe("as the program exports them", () => {
        let facts: ReleaseFacts;
        const env = { [RELEASE_ENV.version]: "3.1.0", [RELEASE_ENV.commit]: COMMIT, [RELEASE_ENV.digest]: DIGEST };
        before(async () => {
            const run = await runStack("prod", { env });
            assert.equal(run.error, undefined, run.error?.message);
            facts = run.outputs?.release as ReleaseFacts;
        });

        it("carry the release promote handed over and nothing else", () => {
            assert.deepEqual(facts, {
                format: RELEASE_FORMAT,
                project: "atlas",
                stack: "prod",
                environment: "prod",
                version: "3.1.0",
                commit: COMMIT,
                digest: DIGEST,
            });
        });

        it("are the same on every run of the same release", async () => {
            const again = await runStack("prod", { env });
            assert.deepEqual(again.outputs?.release, facts);
        });

        it("record no commit or digest for a local run", async () => {
            const local = await runStack("dev", { env: { [RELEASE_ENV.version]: "3.1.0", [RELEASE_ENV.commit]: undefined, [RELEASE_ENV.digest]: undefined } });
            const localFacts = local.outputs?.release as ReleaseFacts;
            assert.deepEqual([localFacts.version, localFacts.commit, localFacts.digest, localFacts.environment], ["3.1.0", null, null, "dev"]);
        });
    });
});

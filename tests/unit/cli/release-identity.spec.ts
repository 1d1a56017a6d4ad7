/**
 * The release identity the tooling measures from git (cli/lib/gate/release-identity.ts), in a
 * throw-away repository: the commit, and a digest that follows exactly the files that shape a
 * deployment. A checkout with uncommitted changes has no identity.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../../cli/lib/kit/args";
import { DirtyCheckoutError, deploymentDigest, isDeploymentInput, measureRelease, uncommittedFiles } from "../../../cli/lib/gate/release-identity";
import { parseReleaseIdentity } from "../../../policy-pack/src/contract/release-identity";
import { PROJECT_FILES, ThrowAwayRepo } from "../support/throw-away-repo";

describe("release identity measured from git", () => {
    let repo: ThrowAwayRepo;
    beforeEach(() => {
        repo = new ThrowAwayRepo();
    });
    afterEach(() => repo.remove());

    it("is the version given, the checkout's full commit and a sha256 digest, in the contract's form", () => {
        const identity = measureRelease(repo.dir, "1.4.0");
        assert.equal(identity.version, "1.4.0");
        assert.equal(identity.commit, repo.git("rev-parse", "HEAD"));
        assert.match(identity.digest, /^sha256:[0-9a-f]{64}$/);
        assert.deepEqual(parseReleaseIdentity(identity, "identity"), { ok: true, value: identity });
    });

    it("is the same for the same commit, measured twice", () => {
        assert.deepEqual(measureRelease(repo.dir, "1.4.0"), measureRelease(repo.dir, "1.4.0"));
    });

    const SHAPING = [
        "index.ts",
        "src/program.ts",
        "glue/atlas_etl.py",
        "Pulumi.yaml",
        "Pulumi.prod.yaml",
        "package-lock.json",
        "tsconfig.json",
        "policy-pack/index.ts",
        "policy-pack/src/policies/gate.ts",
        "policy-pack/PulumiPolicy.yaml",
    ];
    const NOT_SHAPING = [
        "README.md",
        "docs/architecture.md",
        "tests/unit/x.spec.ts",
        "policy-pack/tests/gate.spec.ts",
        "policy-pack/README.md",
        "cli/promote.ts",
        "tools/offline/workspace.ts",
        ".github/workflows/release.yml",
    ];

    it("has a digest that changes with every deployment input", () => {
        for (const file of SHAPING) {
            const before = measureRelease(repo.dir, "1.4.0").digest;
            repo.write(file, `${PROJECT_FILES[file]}// changed\n`);
            repo.commit(`change ${file}`);
            assert.notEqual(measureRelease(repo.dir, "1.4.0").digest, before, file);
        }
    });

    it("has a digest that changes when a deployment input is added, removed or made executable", () => {
        let before = measureRelease(repo.dir, "1.4.0").digest;
        repo.write("src/components/new.ts", "export {};\n");
        repo.commit("add");
        assert.notEqual(measureRelease(repo.dir, "1.4.0").digest, before, "added");
        before = measureRelease(repo.dir, "1.4.0").digest;
        repo.git("rm", "-q", "glue/atlas_etl.py");
        repo.commit("remove");
        assert.notEqual(measureRelease(repo.dir, "1.4.0").digest, before, "removed");
        before = measureRelease(repo.dir, "1.4.0").digest;
        fs.chmodSync(path.join(repo.dir, "src/program.ts"), 0o755);
        repo.commit("mode");
        assert.notEqual(measureRelease(repo.dir, "1.4.0").digest, before, "mode");
    });

    it("keeps its digest when only documentation, tests, tooling or workflows change (the commit changes)", () => {
        const before = measureRelease(repo.dir, "1.4.0");
        for (const file of NOT_SHAPING) {
            repo.write(file, `${PROJECT_FILES[file]}changed\n`);
            repo.commit(`change ${file}`);
            const after = measureRelease(repo.dir, "1.4.0");
            assert.equal(after.digest, before.digest, file);
            assert.notEqual(after.commit, before.commit, file);
        }
    });

    it("digests a given commit, not the work tree: an older commit keeps its digest", () => {
        const first = repo.git("rev-parse", "HEAD");
        const digest = deploymentDigest(repo.dir, first);
        repo.write("src/program.ts", "export const workers = 4;\n");
        repo.commit("fewer workers");
        assert.equal(deploymentDigest(repo.dir, first), digest);
        assert.notEqual(deploymentDigest(repo.dir, "HEAD"), digest);
    });

    it("refuses a checkout with uncommitted changes, naming every changed file, tracked or not", () => {
        repo.write("src/program.ts", "export const workers = 4;\n");
        repo.write("README.md", "# edited\n");
        repo.write("scratch/notes.txt", "todo\n");
        assert.deepEqual(uncommittedFiles(repo.dir).sort(), ["README.md", "scratch/notes.txt", "src/program.ts"]);
        assert.throws(
            () => measureRelease(repo.dir, "1.4.0"),
            (e: Error) => {
                assert.ok(e instanceof DirtyCheckoutError && e instanceof UsageError, "a usage error: exit 2, nothing ran");
                assert.match(e.message, /has uncommitted changes, so the release would not be the commit it names:\n/);
                for (const file of ["README.md", "scratch/notes.txt", "src/program.ts"]) {
                    assert.match(e.message, new RegExp(`\\n {2}${file.replace(".", "\\.")}(\\n|$)`), file);
                }
                assert.match(e.message, /nothing was deployed$/);
                return true;
            },
        );
    });

    it("counts the rest beyond twenty changed files", () => {
        for (let i = 0; i < 25; i++) {
            repo.write(`notes/${String(i).padStart(2, "0")}.txt`, "x\n");
        }
        assert.throws(() => measureRelease(repo.dir, "1.4.0"), /notes\/19\.txt\n {2}… and 5 more\n/);
    });

    it("ignores files git ignores", () => {
        repo.write(".gitignore", "node_modules/\n");
        repo.commit("ignore");
        repo.write("node_modules/x/index.js", "x\n");
        assert.deepEqual(uncommittedFiles(repo.dir), []);
        assert.equal(measureRelease(repo.dir, "1.4.0").commit, repo.git("rev-parse", "HEAD"));
    });

    it("refuses a directory that is not a git checkout", () => {
        const plain = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-not-git-"));
        try {
            assert.throws(
                () => measureRelease(plain, "1.4.0"),
                (e: Error) => e instanceof UsageError && /git status failed in .*; promote deploys a git commit, so run it in a git checkout/.test(e.message),
            );
        } finally {
            fs.rmSync(plain, { recursive: true, force: true });
        }
    });
});

describe("deployment inputs", () => {
    it("are the program, Glue scripts, project and stack files, lock, compiler settings and the pack", () => {
        for (const file of [
            "index.ts",
            "src/config/schema.ts",
            "glue/atlas_etl.py",
            "Pulumi.yaml",
            "Pulumi.prod.yaml",
            "package.json",
            "package-lock.json",
            "tsconfig.json",
            "policy-pack/src/config.ts",
            "policy-pack/package.json",
        ]) {
            assert.ok(isDeploymentInput(file), file);
        }
    });

    it("are not documentation, tests, tooling, workflows, or files that only look like inputs", () => {
        for (const file of [
            "README.md",
            "docs/benchmarks.md",
            "tests/unit/release.spec.ts",
            "policy-pack/tests/fixtures.ts",
            "policy-pack/README.md",
            "cli/lib/gate/promote.ts",
            "tools/transpile.ts",
            "bench/run.ts",
            "scripts/test.js",
            "Pulumi.prod.yaml.bak",
            "src-old/x.ts",
            "sub/src/x.ts",
            "sub/Pulumi.yaml",
        ]) {
            assert.ok(!isDeploymentInput(file), file);
        }
    });
});

/**
 * The README's offline shell lines, run as written (between the `offline-shell` markers), in one
 * bash session: a rehearsal that keeps its workspace, `source …/env.sh`, then the everyday `pulumi`
 * commands through the offline language host. Only the workspace directory is replaced by a fresh
 * temporary one. A line commented `# refused` must be refused by a mandatory policy; every other
 * line must succeed.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RELEASE_ENV } from "../../policy-pack/src/contract/release-identity";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { runsTheOrdinaryPath } from "./support/ordinary-path";

const README_WORKSPACE = "/tmp/atlas-offline";

/** The shell lines of the README's offline-shell block. */
function readmeLines(): string[] {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = /<!-- offline-shell:start -->\s*```sh\n([\s\S]*?)```\s*<!-- offline-shell:end -->/.exec(readme);
    assert.ok(block, "README.md has the offline-shell block");
    return block[1].split("\n").filter((line) => line.trim() !== "");
}

describe("the README's offline shell lines, run as written", function () {
    let dir: string;
    const results: { line: string; code: number; output: string }[] = [];

    runsTheOrdinaryPath();

    before(function () {
        this.timeout(900_000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-readme-shell-"));
        const workspace = path.join(dir, "workspace");
        const lines = readmeLines().map((line) => line.split(README_WORKSPACE).join(workspace));
        // One bash session, so `source` carries over; each line's output and exit code kept apart.
        const script = lines.map((line, i) => `{ ${line}\n} > ${path.join(dir, `out-${i}`)} 2>&1; echo $? > ${path.join(dir, `code-${i}`)}`).join("\n");
        // A user's shell: nothing of a release a test process may have assigned (promote sets ATLAS_RELEASE_*).
        const shellEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(Object.values(RELEASE_ENV) as string[]).includes(name)));
        const run = spawnSync("bash", ["-c", script], { cwd: REPO_ROOT, env: shellEnv, encoding: "utf8", timeout: 900_000 });
        assert.equal(run.status, 0, `the session itself failed: ${run.stderr}`);
        lines.forEach((line, i) => {
            results.push({
                line,
                code: Number(fs.readFileSync(path.join(dir, `code-${i}`), "utf8")),
                output: fs.readFileSync(path.join(dir, `out-${i}`), "utf8"),
            });
        });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("has the lines the issue names: stack ls, preview and up of dev, prod's history, a prod preview with the pack", () => {
        const commands = results.map((r) => r.line.replace(/\s+#.*$/, ""));
        for (const expected of [
            /^source .*\/env\.sh$/,
            /^pulumi stack ls$/,
            /^pulumi preview -s dev$/,
            /^pulumi up -s dev --yes$/,
            /^pulumi stack history -s prod$/,
            /^pulumi preview -s prod --policy-pack "\$ATLAS_CHECKOUT\/policy-pack"$/,
            /^npm run --silent status -- --workspace \S+$/,
        ]) {
            assert.ok(
                commands.some((command) => expected.test(command)),
                `no line matches ${expected}`,
            );
        }
    });

    it("runs every line that is not marked refused, each exiting 0", () => {
        for (const result of results.filter((r) => !r.line.includes("# refused"))) {
            assert.equal(result.code, 0, `${result.line}\n${result.output}`);
        }
    });

    it("shows the rehearsed stacks and prod's promote history through the plain CLI", () => {
        const output = (prefix: string) => results.find((r) => r.line.startsWith(prefix))?.output ?? "";
        assert.match(output("pulumi stack ls"), /^dev\b[\s\S]*^prod\b[\s\S]*^staging\b/m);
        assert.match(output("pulumi stack history -s prod"), /Message: atlas release 1\.0\.0 commit=[0-9a-f]{40} digest=sha256:[0-9a-f]{64} gate=bootstrap:/);
        assert.match(output("pulumi up -s dev --yes"), /Resources:[\s\S]*\d+ (unchanged|updated)/);
        const status = output("npm run --silent status");
        for (const environment of ["dev", "staging", "prod"]) {
            assert.match(
                status,
                new RegExp(`^ {2}${environment} +organization/atlas/${environment} +1\\.0\\.0 +[0-9a-f]{12} +update at \\S+ +succeeded `, "m"),
                status,
            );
        }
        assert.match(status, /✔ at parity with staging/, status);
    });

    it("refuses the prod preview by hand with a mandatory policy, saying why", () => {
        const refused = results.filter((r) => r.line.includes("# refused"));
        assert.equal(refused.length, 1);
        assert.notEqual(refused[0].code, 0, refused[0].output);
        assert.match(refused[0].output, /\[mandatory\]\s+staging-evidence-verified[\s\S]*carries no evidence from the release tooling/);
    });
});

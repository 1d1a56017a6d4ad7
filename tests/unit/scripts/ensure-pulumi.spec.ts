/**
 * scripts/ensure-pulumi.sh building the CLI says what it does and how long it took, and keeps the Go tool's per-module
 * lines in a log it names; run against a stand-in `go` (first on PATH) that prints such lines and writes a binary,
 * into a temporary cache directory (ATLAS_TOOL_CACHE), so no real build runs.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PINNED = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(fs.readFileSync(path.join(ROOT, "tools", "pulumi-cli", "go.mod"), "utf8"))![1];

/** A `go` that downloads three modules, then builds (a script answering `version`), or fails to compile. */
function fakeGo(dir: string, fails: boolean): string {
    const bin = path.join(dir, "fake-bin");
    fs.mkdirSync(bin);
    const build = fails ? `echo "pkg/foo.go:1:1: undefined: bar" >&2; exit 1` : `printf '#!/bin/sh\\necho ${PINNED}\\n' > "$out"; chmod +x "$out"`;
    fs.writeFileSync(
        path.join(bin, "go"),
        `#!/bin/sh
for m in a b c; do echo "go: downloading example.com/$m v1.0.0" >&2; done
while [ $# -gt 0 ]; do [ "$1" = "-o" ] && out=$2; shift; done
${build}
`,
        { mode: 0o755 },
    );
    return bin;
}

function ensure(fails: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-ensure-pulumi-"));
    const run = spawnSync("bash", [path.join(ROOT, "scripts", "ensure-pulumi.sh")], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${fakeGo(dir, fails)}:${process.env.PATH}`, ATLAS_TOOL_CACHE: path.join(dir, "cache"), ATLAS_PULUMI_BUILD: "always" },
    });
    const log = path.join(dir, "cache", "pulumi", PINNED, "build.log");
    return { ...run, log, logText: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "", cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe("ensure-pulumi.sh building the CLI", function () {
    this.timeout(60_000);

    it("says what it builds and where the Go tool's output goes, keeps the per-module lines out of its output, and says how long it took", () => {
        const run = ensure(false);
        try {
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.stdout.trim(), path.join(path.dirname(run.log), "bin", "pulumi"));
            assert.match(run.stderr, new RegExp(`ensure-pulumi: building Pulumi CLI ${PINNED} from the Go module proxy`));
            assert.ok(run.stderr.includes(`the Go tool's output (each module it downloads) goes to ${run.log}`), run.stderr);
            assert.match(run.stderr, new RegExp(`ensure-pulumi: built ${PINNED} in \\d+s \\(3 module\\(s\\) downloaded; log: `));
            assert.doesNotMatch(run.stderr, /go: downloading/);
            assert.equal((run.logText.match(/^go: downloading/gm) ?? []).length, 3);
        } finally {
            run.cleanup();
        }
    });

    it("on a failed build, exits 3 with the log's last lines but the download lines", () => {
        const run = ensure(true);
        try {
            assert.equal(run.status, 3, run.stderr);
            assert.match(run.stderr, /the build failed after \d+s; the last lines of .*build\.log:\n {2}pkg\/foo\.go:1:1: undefined: bar\n/);
            assert.doesNotMatch(run.stderr, /go: downloading/);
        } finally {
            run.cleanup();
        }
    });
});

/**
 * A process tree locates the Pulumi CLI once (tools/offline/pulumi-cli.ts): the first process runs ensure-pulumi.sh and
 * `pulumi version`, and hands what it found to the processes it starts; they take it only when it is for the same
 * checkout and the binary is still there, and locate anew otherwise.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { inheritedCli, REPO_ROOT } from "../../../tools/offline/pulumi-cli";

describe("the located Pulumi CLI, handed to child processes", () => {
    let dir: string;
    let binary: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-located-cli-"));
        binary = path.join(dir, "pulumi");
        fs.writeFileSync(binary, "#!/bin/sh\necho v3.260.0\n", { mode: 0o755 });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const handed = (fields: Record<string, unknown>) => JSON.stringify({ checkout: REPO_ROOT, binary, version: "3.260.0", ...fields });

    it("is taken from a parent of the same checkout", () => {
        assert.deepEqual(inheritedCli(handed({})), { binary, version: "3.260.0" });
    });

    it("is located anew for another checkout, which may pin another version (the judging commit's promote)", () => {
        assert.equal(inheritedCli(handed({ checkout: path.join(dir, "other-checkout") })), undefined);
    });

    it("is located anew when the binary is gone, not executable, or named by a relative path", () => {
        const plain = path.join(dir, "not-executable");
        fs.writeFileSync(plain, "", { mode: 0o644 });
        for (const candidate of [path.join(dir, "gone"), plain, "pulumi", dir]) {
            assert.equal(inheritedCli(handed({ binary: candidate })), undefined, candidate);
        }
    });

    it("is located anew when nothing, or something malformed, was handed", () => {
        for (const value of [undefined, "", "not json", "null", "[]", JSON.stringify({ checkout: REPO_ROOT, binary }), handed({ version: 3 })]) {
            assert.equal(inheritedCli(value), undefined, String(value));
        }
    });
});

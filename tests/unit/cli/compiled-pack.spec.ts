/**
 * The JavaScript copy of the pack that promote hands the engine says it is JavaScript (`typescript: false`, the
 * Node.js runtime's own option), so the pack starts without ts-node; everything else in its manifest is kept.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { asJavaScriptPack } from "../../../cli/lib/kit/compiled-pack";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("compiled pack manifest", () => {
    it("the shipped pack's manifest, copied: runtime nodejs with typescript false, description kept", () => {
        const text = fs.readFileSync(path.join(ROOT, "policy-pack", "PulumiPolicy.yaml"), "utf8");
        const copy = yaml.load(asJavaScriptPack(text)) as { runtime: { name: string; options: { typescript: boolean } }; description: string };
        assert.deepEqual(copy.runtime, { name: "nodejs", options: { typescript: false } });
        assert.equal(copy.description, (yaml.load(text) as { description: string }).description);
    });

    it("keeps the runtime's other options", () => {
        const copy = yaml.load(asJavaScriptPack("runtime:\n  name: nodejs\n  options:\n    nodeargs: --max-old-space-size=4096\n")) as {
            runtime: { options: Record<string, unknown> };
        };
        assert.deepEqual(copy.runtime.options, { nodeargs: "--max-old-space-size=4096", typescript: false });
    });

    it("leaves a pack of another runtime as written", () => {
        assert.equal(asJavaScriptPack("runtime: python\n"), "runtime: python\n");
    });
});

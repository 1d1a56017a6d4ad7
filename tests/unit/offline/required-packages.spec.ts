/** GetRequiredPackages' walk (tools/offline/language-host/required-packages.ts) on a made-up program directory. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requiredPackages } from "../../../tools/offline/language-host/required-packages";

function write(root: string, file: string, content: unknown): void {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof content === "string" ? content : JSON.stringify(content));
}

describe("the plugins a program needs (the language host's GetRequiredPackages)", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-required-packages-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const names = () =>
        requiredPackages(root)
            .map((p) => `${p.getName()}@${p.getVersion()}`)
            .sort();

    it("are the resource packages below node_modules, each once however it is reached, nothing from a nested policy pack", () => {
        write(root, "node_modules/@pulumi/aws/package.json", { name: "@pulumi/aws", version: "7.48.0", pulumi: { resource: true } });
        write(root, "node_modules/left-pad/package.json", { name: "left-pad", version: "1.0.0" });
        write(root, "node_modules/broken/package.json", "{ not json");
        write(root, "vendor/node_modules/tls/package.json", { name: "tls-plugin", version: "v5.0.0", pulumi: { resource: true, name: "tls" } });
        write(root, "package.json", { name: "program", pulumi: { resource: true, name: "not-below-node-modules" } });
        write(root, "pack/PulumiPolicy.yaml", "runtime: nodejs\n");
        write(root, "pack/node_modules/@pulumi/random/package.json", { name: "@pulumi/random", version: "4.0.0", pulumi: { resource: true } });
        fs.symlinkSync(path.join(root, "node_modules"), path.join(root, "vendor", "again"));
        fs.symlinkSync(root, path.join(root, "node_modules", "loop"));
        assert.deepEqual(names(), ["aws@v7.48.0", "tls@v5.0.0"]);
    });

    it("walks a program directory that itself holds a PulumiPolicy.yaml (only nested packs are skipped)", () => {
        write(root, "PulumiPolicy.yaml", "not a pack, a file the program uploads\n");
        write(root, "node_modules/@pulumi/aws/package.json", { name: "@pulumi/aws", version: "7.48.0", pulumi: { resource: true } });
        assert.deepEqual(names(), ["aws@v7.48.0"]);
    });
});

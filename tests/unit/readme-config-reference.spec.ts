import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { withFreshReference } from "../../cli/config-reference";

describe("README config reference", () => {
    it("is the one rendered from the config table (refresh: npm run config-reference -- --write)", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        assert.equal(readme, withFreshReference(readme));
    });

    it("refuses a README without its markers rather than passing silently", () => {
        assert.throws(() => withFreshReference("# no markers here"), /lacks the config reference markers/);
    });
});

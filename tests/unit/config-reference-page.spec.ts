import { strict as assert } from "assert";
import * as fs from "fs";
import { CONFIG_REFERENCE_PAGE, withFreshReference } from "../../tools/config-reference";

describe("the config reference page (docs/config-reference.md)", () => {
    it("is the one rendered from the config table (refresh: npm run config-reference -- --write)", () => {
        const readme = fs.readFileSync(CONFIG_REFERENCE_PAGE, "utf8");
        assert.equal(readme, withFreshReference(readme));
    });

    it("refuses a page without its markers rather than passing silently", () => {
        assert.throws(() => withFreshReference("# no markers here"), /lacks the config reference markers/);
    });
});

/** Pulumi.yaml, the stack files and the release contract agree with the config table. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { load } from "js-yaml";
import * as path from "path";
import { ENVIRONMENT_SPECIFIC_KEYS, isEnvironmentSpecificKey } from "../../policy-pack/src/contract/environment-keys";
import { CONFIG_KEY_NAMES, projectConfigSchema } from "../../src/config";
import { REPO_ROOT, stackConfig } from "./support/atlas-under-mocks";

const project = load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, unknown> };

describe("Pulumi.yaml", () => {
    it("declares exactly the table's keys, with their types, descriptions and defaults", () => {
        const declared = Object.fromEntries(Object.entries(project.config).filter(([key]) => !key.includes(":")));
        assert.deepEqual(declared, JSON.parse(JSON.stringify(projectConfigSchema())));
    });

    it("is the atlas project, and disables the default aws provider", () => {
        assert.equal(project.name, "atlas");
        assert.deepEqual(project.config["pulumi:disable-default-providers"], { value: ["aws"] });
    });
});

describe("the config contract", () => {
    it("names only keys the table has as environment-specific", () => {
        assert.deepEqual(
            ENVIRONMENT_SPECIFIC_KEYS.filter((key) => !(CONFIG_KEY_NAMES as readonly string[]).includes(key)),
            [],
        );
    });

    it("leaves staging and prod stack files equal on every parity key", () => {
        const [staging, prod] = [stackConfig("staging"), stackConfig("prod")];
        const parityKeys = CONFIG_KEY_NAMES.filter((key) => !isEnvironmentSpecificKey(key)).map((key) => `atlas:${key}`);
        assert.ok(parityKeys.length > 10);
        assert.deepEqual(
            parityKeys.filter((key) => staging[key] !== prod[key]),
            [],
        );
    });
});

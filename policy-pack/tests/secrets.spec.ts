import * as assert from "assert";
import { SECRET } from "./fixtures";
import { allMessages } from "./helpers";

// Root-level hook: runs after every spec file, over every message any policy produced.
after("no policy message carries a secret value", () => {
    assert.ok(allMessages.length > 40, `expected the suite to produce messages, got ${allMessages.length}`);
    for (const secret of [SECRET, "plain-text-secret-value", "another-secret-value"]) {
        assert.deepStrictEqual(
            allMessages.filter((m) => m.includes(secret)),
            [],
            secret,
        );
    }
});

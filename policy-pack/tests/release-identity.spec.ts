/**
 * The release identity contract (src/contract/release-identity.ts): the update message `promote`
 * records and the gate reads back, and the identity read from untrusted evidence.
 */
import * as assert from "assert";
import {
    GateRecord,
    RELEASE_ENV,
    ReleaseIdentity,
    describeIdentity,
    identityDifferences,
    isAssignableVersion,
    parseReleaseIdentity,
    parseReleaseMessage,
    releaseEnv,
    releaseMessage,
} from "../src/contract/release-identity";
import { CANDIDATE, NEXT } from "./fixtures";

const GATE: GateRecord = { source: "prod-release", commit: NEXT.commit };

describe("release identity", () => {
    describe("the update message", () => {
        it("has the documented form", () => {
            assert.strictEqual(
                releaseMessage(CANDIDATE, GATE),
                `atlas release 1.4.0 commit=${CANDIDATE.commit} digest=${CANDIDATE.digest} gate=prod-release:${NEXT.commit}`,
            );
            assert.strictEqual(releaseMessage(CANDIDATE), `atlas release 1.4.0 commit=${CANDIDATE.commit} digest=${CANDIDATE.digest}`);
        });

        it("round-trips, with and without the gate, for every gate source", () => {
            assert.deepStrictEqual(parseReleaseMessage(releaseMessage(CANDIDATE)), { identity: CANDIDATE, gate: undefined });
            for (const source of ["pinned", "prod-release", "bootstrap"] as const) {
                assert.deepStrictEqual(parseReleaseMessage(releaseMessage(CANDIDATE, { source, commit: NEXT.commit })), {
                    identity: CANDIDATE,
                    gate: { source, commit: NEXT.commit },
                });
            }
            const approved: GateRecord = { ...GATE, packChange: "ab".repeat(20) };
            assert.match(releaseMessage(CANDIDATE, approved), / gate=prod-release:[0-9a-f]{40} pack-change=(ab){20}$/);
            assert.deepStrictEqual(parseReleaseMessage(releaseMessage(CANDIDATE, approved)), { identity: CANDIDATE, gate: approved });
            const withBuild: ReleaseIdentity = { ...CANDIDATE, version: "2026.11.26+run.7.g0123abcd" };
            assert.deepStrictEqual(parseReleaseMessage(releaseMessage(withBuild))?.identity, withBuild);
        });

        it("tolerates surrounding whitespace (the CLI may add a newline)", () => {
            assert.deepStrictEqual(parseReleaseMessage(`  ${releaseMessage(CANDIDATE, GATE)}\n`)?.identity, CANDIDATE);
        });

        const good = releaseMessage(CANDIDATE, GATE);
        const MALFORMED: [string, string | undefined][] = [
            ["no message", undefined],
            ["an empty message", ""],
            ["a message of a plain `pulumi up`", "fix the bucket policy by hand"],
            ["the old message without commit and digest", "atlas release 1.4.0"],
            ["a version that is not semantic", good.replace("release 1.4.0", "release v1.4")],
            ["an abbreviated commit", good.replace(`commit=${CANDIDATE.commit}`, `commit=${CANDIDATE.commit.slice(0, 12)}`)],
            ["an upper-case commit", good.replace(`commit=${CANDIDATE.commit}`, `commit=${CANDIDATE.commit.toUpperCase()}`)],
            ["a digest of another algorithm", good.replace("digest=sha256:", "digest=md5:")],
            ["a short digest", good.replace(CANDIDATE.digest, CANDIDATE.digest.slice(0, 40))],
            ["an unknown gate source", good.replace("gate=prod-release:", "gate=candidate:")],
            ["a gate commit that is not a commit", good.replace(`:${NEXT.commit}`, ":main")],
            ["fields in another order", `atlas release 1.4.0 digest=${CANDIDATE.digest} commit=${CANDIDATE.commit}`],
            ["a pack change without a gate", `atlas release 1.4.0 commit=${CANDIDATE.commit} digest=${CANDIDATE.digest} pack-change=${"ab".repeat(20)}`],
            ["an abbreviated pack change", `${good} pack-change=abababab`],
            ["text after the message", `${good} and more`],
            ["text before the message", `deploy: ${good}`],
        ];
        for (const [what, message] of MALFORMED) {
            it(`rejects ${what}`, () => {
                assert.strictEqual(parseReleaseMessage(message), undefined);
            });
        }

        it("accepts a SHA-256 repository's 64-character commit ids", () => {
            const long = { ...CANDIDATE, commit: "ab".repeat(32) };
            assert.deepStrictEqual(parseReleaseMessage(releaseMessage(long, { source: "pinned", commit: "cd".repeat(32) }))?.identity, long);
        });
    });

    describe("parseReleaseIdentity", () => {
        it("accepts a well-formed identity and returns only its three fields", () => {
            assert.deepStrictEqual(parseReleaseIdentity({ ...CANDIDATE, extra: true }, "candidate"), { ok: true, value: CANDIDATE });
        });

        it("names every bad field", () => {
            const parsed = parseReleaseIdentity({ version: "latest", commit: 42 }, "evidence.candidate");
            assert.ok(!parsed.ok);
            assert.deepStrictEqual(parsed.problems, [
                'evidence.candidate.version should be a semantic version (got "latest")',
                "evidence.candidate.commit should be a full git commit id (got 42)",
                "evidence.candidate.digest should be a sha256 digest (got null)",
            ]);
        });

        it("refuses a value that is not a map", () => {
            for (const value of [null, "1.4.0", [CANDIDATE]]) {
                const parsed = parseReleaseIdentity(value, "candidate");
                assert.ok(!parsed.ok && /^candidate should be \{version, commit, digest\}/.test(parsed.problems[0]), JSON.stringify(value));
            }
        });
    });

    it("lists the fields two identities differ in", () => {
        assert.deepStrictEqual(identityDifferences(CANDIDATE, { ...CANDIDATE }), []);
        assert.deepStrictEqual(identityDifferences(CANDIDATE, { ...CANDIDATE, digest: NEXT.digest }), ["digest"]);
        assert.deepStrictEqual(identityDifferences(CANDIDATE, NEXT), ["version", "commit", "digest"]);
    });

    it("describes an identity briefly for messages", () => {
        assert.strictEqual(describeIdentity(CANDIDATE), "1.4.0 (commit 0123456789ab, digest sha256:5e5e5e5e5e5e)");
    });

    it("hands the identity to the program through the ATLAS_RELEASE_* variables", () => {
        assert.deepStrictEqual(RELEASE_ENV, { version: "ATLAS_RELEASE_VERSION", commit: "ATLAS_RELEASE_COMMIT", digest: "ATLAS_RELEASE_DIGEST" });
        assert.deepStrictEqual(releaseEnv(CANDIDATE), {
            ATLAS_RELEASE_VERSION: "1.4.0",
            ATLAS_RELEASE_COMMIT: CANDIDATE.commit,
            ATLAS_RELEASE_DIGEST: CANDIDATE.digest,
        });
    });

    it("assigns only semantic versions", () => {
        for (const version of ["1.4.0", "1.4.0-rc.1", "2026.11.26+run.7.g0123abcd"]) {
            assert.ok(isAssignableVersion(version), version);
        }
        for (const version of ["1.4", "v1.4.0", "1.4.0; rm -rf /", "", "1.4.0 "]) {
            assert.ok(!isAssignableVersion(version), version);
        }
    });
});

/**
 * Doctor's secrets check (cli/lib/preflight/secrets-provider.ts) and what it reads from a stack file
 * (stack-file-facts.ts): the stacks of every gated environment and its upstream encrypt their secrets with an AWS
 * KMS key; a passphrase, the backend's default or another KMS is a problem whose fix is the CLI's own command.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { needsKmsSecrets, secretsFinding } from "../../../../cli/lib/preflight/secrets-provider";
import { readStackFileFacts, StackFileFacts } from "../../../../cli/lib/preflight/stack-file-facts";
import { EnvironmentModel, ENVIRONMENT_MODEL, environmentsNeedingKmsSecrets } from "../../../../policy-pack/src/contract";

const KMS: StackFileFacts = {
    provider: "awskms://alias/atlas-prod-secrets?region=eu-west-1",
    passphraseSalt: false,
    accountId: "333333333333",
    region: "eu-west-1",
};
const FIX =
    /; to fix: pulumi stack change-secrets-provider --stack prod "<prod's secrets provider, printed by npm run bootstrap -- variables: awskms:\/\/\/arn:aws:kms:eu-west-1:<tooling account>:key\/<id>\?region=eu-west-1>", then commit Pulumi\.prod\.yaml$/;

describe("doctor: the secrets provider of the stacks that need a KMS key", () => {
    it("is needed by every gated environment and the one it is promoted from (staging and prod), not by dev's stacks", () => {
        assert.deepEqual(environmentsNeedingKmsSecrets(ENVIRONMENT_MODEL), ["staging", "prod"]);
        assert.deepEqual(["dev", "dev-alice", "pr-42", "staging", "prod", "qa"].filter(needsKmsSecrets), ["staging", "prod"]);
    });

    it("is needed by a new gated environment and its upstream, from the model alone", () => {
        const [dev, staging, prod] = ENVIRONMENT_MODEL;
        const model = [dev, { ...staging, promotedFrom: "dev" }, prod, { ...prod, name: "prod-us", promotedFrom: "staging" }] as EnvironmentModel;
        assert.deepEqual(environmentsNeedingKmsSecrets(model), ["dev", "staging", "prod", "prod-us"]);
    });

    it("is ok with an awskms:// key, named in the line", () => {
        assert.equal(findingLine(secretsFinding("prod", KMS)), "ok  prod's secrets provider (awskms://alias/atlas-prod-secrets?region=eu-west-1)");
    });

    it("is a problem with a passphrase (a salt in the stack file, or the provider named passphrase), fixed by the stack's own key in its region", () => {
        for (const facts of [
            { ...KMS, provider: undefined, passphraseSalt: true },
            { ...KMS, provider: "passphrase", passphraseSalt: true },
        ]) {
            const line = findingLine(secretsFinding("prod", facts));
            assert.match(line, /^✘ {3}prod's secrets provider: prod encrypts its secrets with a passphrase; prod must use an AWS KMS key \(awskms:\/\/\)/);
            assert.match(line, FIX);
        }
    });

    it("is a problem with the backend's default (no provider, no salt yet) and with another KMS", () => {
        assert.match(
            findingLine(secretsFinding("prod", { ...KMS, provider: undefined })),
            /encrypts its secrets with the backend's default \(a passphrase on a self-managed backend/,
        );
        assert.match(
            findingLine(secretsFinding("prod", { ...KMS, provider: "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k" })),
            /encrypts its secrets with gcpkms \(not AWS KMS\); prod must use an AWS KMS key/,
        );
    });

    it("is a problem without a stack file, and the fix says to create the stack first", () => {
        const line = findingLine(secretsFinding("prod", undefined));
        assert.match(
            line,
            /^✘ {3}prod's secrets provider: no stack file Pulumi\.prod\.yaml to read it from; to fix: create the stack, then pulumi stack change-secrets-provider --stack prod "<prod's secrets provider, printed by npm run bootstrap -- variables: awskms:\/\/\/arn:aws:kms:<region>:/,
        );
    });
});

describe("doctor: what it reads from a stack file", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-stack-facts-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (stack: string, text: string) => fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);

    it("the secrets provider, the account and the region, as the CLI wrote them", () => {
        write(
            "prod",
            [
                "config:",
                '  atlas:awsAccountId: "333333333333"',
                "  atlas:awsRegion: eu-west-1",
                "  atlas:oncallEndpoint:",
                "    secure: v1:abc",
                "secretsprovider: awskms://alias/atlas-prod-secrets?region=eu-west-1",
                "encryptedkey: YWJj",
                "",
            ].join("\n"),
        );
        assert.deepEqual(readStackFileFacts(dir, "prod"), KMS);
    });

    it("a passphrase by its salt; an account written as a YAML number still as its digits", () => {
        write("staging", "encryptionsalt: v1:c2FsdA==:v1:x:y\nconfig:\n  atlas:awsAccountId: 222222222222\n");
        assert.deepEqual(readStackFileFacts(dir, "staging"), { provider: undefined, passphraseSalt: true, accountId: "222222222222", region: undefined });
    });

    it("an unquoted account with a leading zero as the Pulumi CLI reads it (a number: `pulumi config get` says 12345678901 too)", () => {
        write("prod", "config:\n  atlas:awsAccountId: 012345678901\n");
        assert.equal(readStackFileFacts(dir, "prod")?.accountId, "12345678901", "so the account check cannot call it the credentials' 012345678901");
    });

    it("nothing from an empty file, and undefined when there is no file", () => {
        write("dev", "");
        assert.deepEqual(readStackFileFacts(dir, "dev"), { provider: undefined, passphraseSalt: false, accountId: undefined, region: undefined });
        assert.equal(readStackFileFacts(dir, "prod"), undefined);
    });
});

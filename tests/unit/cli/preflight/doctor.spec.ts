/**
 * `npm run doctor`'s checks together (cli/lib/preflight/doctor.ts), on a throw-away checkout whose stack files are
 * ready for a first deploy, and on the same checkout broken: one line per check, in order, every problem named at
 * once; the account from STS for a backend you are logged into (a fake `aws` CLI, or none), from the stand-in's
 * caller offline. The engine test (tests/engine/doctor.spec.ts) runs the command on a rehearsal's workspace.
 */
import { strict as assert } from "assert";
import { findingLine, hasProblems, runDoctor, standInIdentity, summaryLine, gitGateFacts } from "../../../../cli/lib/preflight";
import { StackSource } from "../../../../cli/lib/stacks/stack-source";
import { FakeAwsCli, pathWithoutAws } from "../../../support/fake-aws-cli";
import { FakeStackSource } from "../../support/fake-stack-source";
import { PROJECT_FILES, ThrowAwayRepo } from "../../support/throw-away-repo";

const stackFile = (environment: string, account: string, secrets: string) =>
    `config:\n  atlas:environment: ${environment}\n  atlas:awsAccountId: "${account}"\n  atlas:awsRegion: eu-west-1\n${secrets}\n`;
const kms = (stack: string) => `secretsprovider: awskms://alias/atlas-${stack}-secrets?region=eu-west-1\nencryptedkey: YWJj`;
const READY: Record<string, string> = {
    ...PROJECT_FILES,
    "Pulumi.dev.yaml": stackFile("dev", "111111111111", "encryptionsalt: v1:c2FsdA==:v1:x:y"),
    "Pulumi.staging.yaml": stackFile("staging", "222222222222", kms("staging")),
    "Pulumi.prod.yaml": stackFile("prod", "333333333333", kms("prod")),
    ".github/workflows/release.yml": "env:\n  PULUMI_BACKEND_URL: ${{ vars.PULUMI_BACKEND_URL }}\n",
};
/** Not in CI, no gate setting: what each test starts from. */
const QUIET_ENV: NodeJS.ProcessEnv = { GITHUB_ACTIONS: "" };
const OFFLINE_CALLER = standInIdentity({});

/** The checkout's stacks in a backend that `pulumi whoami` answers for. */
function loggedIn(checkout: string): StackSource {
    return Object.assign(Object.create(new FakeStackSource(checkout)) as StackSource, {
        pulumi: async (args: string[]) => {
            assert.deepEqual(args, ["whoami", "--json"], "doctor asks the backend only who is logged in");
            return JSON.stringify({ user: "atlas-ci", url: "s3://atlas-pulumi-state" });
        },
    });
}

describe("doctor: every check", () => {
    let repo: ThrowAwayRepo;
    beforeEach(() => (repo = new ThrowAwayRepo(READY)));
    afterEach(() => repo.remove());

    it("is ready on a committed checkout whose staging and prod use KMS keys, one line per check in order", async () => {
        const findings = await runDoctor(loggedIn(repo.dir), { env: QUIET_ENV, identity: OFFLINE_CALLER });
        assert.deepEqual(
            findings.map((f) => `${f.status}: ${f.check}`),
            [
                "ok: logged in to a backend",
                "ok: Pulumi.dev.yaml committed",
                "ok: Pulumi.staging.yaml committed",
                "ok: Pulumi.prod.yaml committed",
                "ok: staging's secrets provider",
                "ok: prod's secrets provider",
                "ok: dev's AWS account",
                "ok: staging's AWS account",
                "ok: prod's AWS account",
                "ok: gate settings (ATLAS_GATE_COMMIT, ATLAS_PACK_CHANGE_APPROVED)",
                "not checked: CI variables",
            ],
        );
        assert.equal(hasProblems(findings), false);
        assert.equal(summaryLine(findings), "doctor: ready: 10 ok, 0 problem(s), 1 not checked");
    });

    it("checks one stack with --stack: its stack file, secrets (where its environment needs KMS) and account", async () => {
        const checks = async (stack: string) => (await runDoctor(loggedIn(repo.dir), { stack, env: QUIET_ENV, identity: OFFLINE_CALLER })).map((f) => f.check);
        assert.deepEqual(await checks("prod"), [
            "logged in to a backend",
            "Pulumi.prod.yaml committed",
            "prod's secrets provider",
            "prod's AWS account",
            "gate settings (ATLAS_GATE_COMMIT, ATLAS_PACK_CHANGE_APPROVED)",
            "CI variables",
        ]);
        assert.ok(!(await checks("dev")).includes("dev's secrets provider"), "dev may keep its passphrase");
    });

    it("names every problem at once, each with its fix, and is not ready", async () => {
        repo.write("Pulumi.prod.yaml", stackFile("prod", "333333333333", "encryptionsalt: v1:c2FsdA==:v1:x:y"));
        repo.commit("prod back to a passphrase");
        repo.write("Pulumi.staging.yaml", READY["Pulumi.staging.yaml"].replace("eu-west-1", "eu-central-1"));
        const env = { ...QUIET_ENV, GITHUB_ACTIONS: "true", ATLAS_GATE_COMMIT: "main" };
        const findings = await runDoctor(loggedIn(repo.dir), { stack: undefined, env, identity: { account: "999999999999", source: "STS: someone else" } });
        const problems = findings.filter((f) => f.status === "problem").map(findingLine);
        assert.equal(problems.length, 7, problems.join("\n"));
        const expected = [
            /^✘ {3}Pulumi\.staging\.yaml committed: .*not committed/,
            /^✘ {3}prod's secrets provider: prod encrypts its secrets with a passphrase/,
            /^✘ {3}dev's AWS account: the credentials belong to account 999999999999/,
            /^✘ {3}staging's AWS account: the credentials belong to account 999999999999/,
            /^✘ {3}prod's AWS account: the credentials belong to account 999999999999/,
            /^✘ {3}gate settings .*ATLAS_GATE_COMMIT="main" is not a full git commit id/,
            /^✘ {3}CI variables: 1 of the 1 variables the workflows read is not set: PULUMI_BACKEND_URL/,
        ];
        expected.forEach((pattern, i) => assert.match(problems[i], pattern));
        problems.forEach((line) => assert.match(line, /; to fix: \S/));
        assert.equal(hasProblems(findings), true);
        assert.match(summaryLine(findings), /^doctor: not ready: \d+ ok, 7 problem\(s\), 0 not checked$/);
    });

    describe("for a backend you are logged into, the account from STS", () => {
        it("with no aws CLI to ask, leaves each account not checked (never ok) and is still ready", async () => {
            const empty = pathWithoutAws();
            try {
                const findings = await runDoctor(loggedIn(repo.dir), { env: { ...QUIET_ENV, ...empty.env } });
                const accounts = findings.filter((f) => f.check.endsWith("'s AWS account")).map(findingLine);
                assert.equal(accounts.length, 3);
                accounts.forEach((line) => assert.match(line, /^\?\? {2}\w+'s AWS account: not checked: STS was not asked/));
                assert.equal(hasProblems(findings), false);
                assert.match(summaryLine(findings), /^doctor: ready: 7 ok, 0 problem\(s\), 4 not checked$/);
            } finally {
                empty.remove();
            }
        });

        it("with prod's credentials, checks prod (--stack prod) against the account STS names", async () => {
            const aws = new FakeAwsCli({ stdout: JSON.stringify({ Account: "333333333333", Arn: "arn:aws:sts::333333333333:assumed-role/atlas-deploy/ci" }) });
            try {
                const findings = await runDoctor(loggedIn(repo.dir), { stack: "prod", env: { ...QUIET_ENV, ...aws.env() } });
                assert.equal(
                    findingLine(findings.find((f) => f.check === "prod's AWS account")!),
                    "ok  prod's AWS account (333333333333, STS: arn:aws:sts::333333333333:assumed-role/atlas-deploy/ci)",
                );
                const staging = await runDoctor(loggedIn(repo.dir), { stack: "staging", env: { ...QUIET_ENV, ...aws.env() } });
                assert.match(
                    findingLine(staging.find((f) => f.check === "staging's AWS account")!),
                    /^✘ {3}staging's AWS account: the credentials belong to account 333333333333 \(STS: /,
                );
            } finally {
                aws.remove();
            }
        });
    });

    it("reads the gate's facts from the checkout's git: HEAD, its policy-pack/ tree, which commits it has and its history", () => {
        const earlier = repo.git("rev-parse", "HEAD");
        repo.write("index.ts", "export const next = true;\n");
        const head = repo.commit("next");
        const facts = gitGateFacts(repo.dir);
        assert.deepEqual([facts.head, facts.headPackTree], [head, repo.git("rev-parse", "HEAD:policy-pack")]);
        assert.deepEqual([facts.hasCommit(earlier), facts.hasCommit("f".repeat(40))], [true, false]);
        assert.deepEqual([facts.isAncestorOfHead(earlier), facts.isAncestorOfHead(head)], [true, true]);
        repo.git("checkout", "-q", "-b", "side", earlier);
        const side = repo.commit("side");
        repo.git("checkout", "-q", "-");
        assert.equal(gitGateFacts(repo.dir).isAncestorOfHead(side), false);
    });
});

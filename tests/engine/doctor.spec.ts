/**
 * `npm run doctor` as a person runs it before a first deploy (issue 27's acceptance), against a rehearsal's workspace:
 * `npm run rehearse -- --kms` gives staging and prod `awskms://` secrets providers on a stand-in KMS, and doctor passes
 * there. Then three broken copies of it, each named with its fix and exit 1: a stack file changed and not committed,
 * prod's secrets moved to a passphrase (by the CLI's own `change-secrets-provider`), and credentials of another
 * account than the stack's `atlas:awsAccountId` (the stand-in provider's caller, ATLAS_STANDIN_CALLER_ACCOUNT, which
 * the provider's account guard also obeys). Last, on a backend you are logged into, where STS cannot be reached, the
 * account is "not checked", never ok.
 *
 * One rehearsal of one step (prod refused before staging: one preview, decrypting prod's KMS-encrypted on-call secret),
 * run as a child process from a snapshot of this working tree committed as a clean clone would be; each broken case
 * works on a copy of it (milliseconds), so the file costs one engine run and a few doctor processes.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { OfflineBackend } from "../../cli/lib/stacks/stack-source";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { ReleaseRepository } from "../../tools/offline/release-repository";
import { OfflineWorkspace } from "../../tools/offline/workspace";
import { CALLER_ACCOUNT_ENV } from "../../tools/stand-in-aws/provider-settings";
import { FakeAwsCli } from "../support/fake-aws-cli";
import { CommandResult, runCommand } from "./hardening/harness";
import { copyDeployedRelease, DeployedRelease } from "./support/deployed-release";

/** Whatever the machine running the suite has set (a CI job's variables, a gate setting, a stand-in caller) is unset here. */
const HERMETIC = { GITHUB_ACTIONS: "", ATLAS_GATE_COMMIT: "", ATLAS_PACK_CHANGE_APPROVED: "", [CALLER_ACCOUNT_ENV]: "" };
const READY_CHECKS = [
    "logged in to a backend",
    "Pulumi.dev.yaml committed",
    "Pulumi.staging.yaml committed",
    "Pulumi.prod.yaml committed",
    "staging's secrets provider",
    "prod's secrets provider",
    "dev's AWS account",
    "staging's AWS account",
    "prod's AWS account",
    "gate settings (ATLAS_GATE_COMMIT, ATLAS_PACK_CHANGE_APPROVED)",
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const transcript = (result: CommandResult) => `exit ${result.code}\n${result.stdout}${result.stderr}`;

/** A stack's `atlas:awsAccountId`, from the checkout's stack file. */
function accountOf(checkout: string, stack: string): string {
    const file = yaml.load(fs.readFileSync(path.join(checkout, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return String(file.config["atlas:awsAccountId"]);
}

/** Doctor found exactly one problem, on `check`, matching `problem`, with a fix; every other check is ok or not checked. */
function assertOneProblem(result: CommandResult, check: string, problem: RegExp): void {
    assert.equal(result.code, 1, transcript(result));
    const problems = result.stdout.split("\n").filter((line) => line.startsWith("✘"));
    assert.equal(problems.length, 1, transcript(result));
    assert.match(problems[0], new RegExp(`^✘ {3}${escape(check)}: `), transcript(result));
    assert.match(problems[0], problem);
    assert.match(problems[0], /; to fix: \S/);
    assert.match(result.stdout, /^doctor: not ready: \d+ ok, 1 problem\(s\), \d+ not checked$/m);
}

describe("npm run doctor (real engine, a rehearsal's workspace)", function () {
    this.timeout(600_000);
    /** The rehearsal: its checkout (`repository`) and its workspace, the one every case copies. */
    let rehearsal: DeployedRelease;
    const made: string[] = [];

    const doctor = (release: DeployedRelease, args: string[] = [], env: Record<string, string> = {}) =>
        runCommand("doctor", ["--workspace", release.workspace, ...args], { root: release.repository, env: { ...HERMETIC, ...env } });
    const copy = () => {
        const copied = copyDeployedRelease(rehearsal);
        made.push(copied.root);
        return copied;
    };

    before(async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-doctor-"));
        made.push(root);
        const repository = ReleaseRepository.snapshot(REPO_ROOT, path.join(root, "repository"));
        rehearsal = { root, repository: repository.dir, workspace: path.join(root, "workspace"), oncallSecret: "" };
        const rehearsed = await runCommand("rehearse", ["--kms", "--workspace", rehearsal.workspace, "--step", "prod-before-staging"], {
            root: rehearsal.repository,
            env: HERMETIC,
        });
        assert.equal(rehearsed.code, 0, `npm run rehearse -- --kms did not end as expected:\n${transcript(rehearsed)}`);
    });

    after(() => {
        if (process.env.ATLAS_KEEP_ENGINE_WORKSPACE) {
            console.log(`      doctor's rehearsal and its copies kept at ${made.join(", ")}`);
            return;
        }
        made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
    });

    it("passes on the rehearsal's workspace: every check ok, CI's variables not checked outside CI (exit 0)", async () => {
        const result = await doctor(rehearsal);
        assert.equal(result.code, 0, transcript(result));
        for (const check of READY_CHECKS) {
            assert.match(result.stdout, new RegExp(`^ok {2}${escape(check)}( \\(|$)`, "m"), transcript(result));
        }
        for (const stack of ["staging", "prod"]) {
            assert.match(result.stdout, new RegExp(`^ok {2}${stack}'s secrets provider \\(awskms://alias/atlas-${stack}-secrets\\?region=`, "m"));
        }
        assert.match(result.stdout, /^\?\? {2}CI variables: not checked: not in GitHub Actions/m);
        assert.match(result.stdout, /^doctor: ready: 10 ok, 0 problem\(s\), 1 not checked$/m);
    });

    it("names a stack file changed and not committed (exit 1)", async () => {
        const broken = copy();
        const file = path.join(broken.repository, "Pulumi.staging.yaml");
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, text.replace(/^( {2}atlas:glueNumberOfWorkers:) 10$/m, "$1 12"));
        assert.notEqual(fs.readFileSync(file, "utf8"), text, "the edit no longer matches Pulumi.staging.yaml");
        assertOneProblem(
            await doctor(broken),
            "Pulumi.staging.yaml committed",
            /Pulumi\.staging\.yaml has changes that are not committed.*to fix: review and commit it \(git add Pulumi\.staging\.yaml && git commit\)/,
        );
    });

    it("names prod's secrets under a passphrase (exit 1), with the command that moves them to its KMS key", async () => {
        const broken = copy();
        const workspace = await OfflineWorkspace.create({ dir: broken.workspace, projectSource: broken.repository }); // serves the stand-in KMS
        await new OfflineBackend(workspace, broken.repository).pulumi([
            "stack",
            "change-secrets-provider",
            "passphrase",
            "--stack",
            "prod",
            "--non-interactive",
        ]);
        const prodFile = fs.readFileSync(path.join(workspace.projectDir, "Pulumi.prod.yaml"), "utf8");
        assert.match(prodFile, /^encryptionsalt: /m, "the CLI moved prod's secrets to a passphrase");
        assert.doesNotMatch(prodFile, /^secretsprovider: /m);
        assertOneProblem(
            await doctor(broken),
            "prod's secrets provider",
            /prod encrypts its secrets with a passphrase; prod must use an AWS KMS key \(awskms:\/\/\); to fix: pulumi stack change-secrets-provider --stack prod "<prod's secrets provider, printed by npm run bootstrap -- variables: awskms:\/\/\/arn:aws:kms:/,
        );
    });

    it("names a stack whose account is not the credentials' (exit 1): prod checked with staging's credentials", async () => {
        const [staging, prod] = [accountOf(rehearsal.repository, "staging"), accountOf(rehearsal.repository, "prod")];
        assert.notEqual(staging, prod);
        assertOneProblem(
            await doctor(rehearsal, ["--stack", "prod"], { [CALLER_ACCOUNT_ENV]: staging }),
            "prod's AWS account",
            new RegExp(
                `the credentials belong to account ${staging} \\(the stand-in's credentials, ${CALLER_ACCOUNT_ENV}\\), but prod deploys to ${prod} \\(atlas:awsAccountId\\)`,
            ),
        );
    });

    it("on a backend you are logged into, says the account was not checked when STS cannot be reached, and passes nothing in its place", async () => {
        const workspace = await OfflineWorkspace.create({ dir: rehearsal.workspace, projectSource: rehearsal.repository });
        const unreachable = new FakeAwsCli({ stderr: '\nCould not connect to the endpoint URL: "https://sts.eu-west-1.amazonaws.com/"\n', exitCode: 255 });
        try {
            const env = workspace.env(); // logged in to the rehearsal's file backend, as `pulumi login file://…` would be
            const result = await runCommand("doctor", ["--stack", "dev"], {
                root: rehearsal.repository,
                env: { ...env, ...HERMETIC, PATH: `${unreachable.dir}${path.delimiter}${env.PATH}` },
            });
            assert.equal(result.code, 0, transcript(result));
            assert.match(result.stdout, new RegExp(`^ok {2}logged in to a backend \\(file://${escape(workspace.stateDir)} as `, "m"));
            assert.match(
                result.stdout,
                /^\?\? {2}dev's AWS account: not checked: STS could not be reached: Could not connect to the endpoint URL: .*; compare `aws sts get-caller-identity` with \d{12} yourself$/m,
                transcript(result),
            );
            assert.doesNotMatch(result.stdout, /^ok {2}dev's AWS account/m);
            assert.match(result.stdout, /^doctor: ready: \d+ ok, 0 problem\(s\), 2 not checked$/m);
        } finally {
            unreachable.remove();
        }
    });
});

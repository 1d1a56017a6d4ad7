/**
 * The access model on the real engine, from the suite's deployed release: hostile or careless commits that widen a
 * role or misspell an action are refused at the preview, with nothing deployed. Each leaves staging and prod running
 * a known release.
 */
import { strict as assert } from "assert";
import { runCommand } from "./hardening/harness";
import { assertDeployed, assertRefused, messageOf, replacing, show } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

const ACCESS = "src/components/access.ts";
const QA_ROLE = 'this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), readerStatements(names, DATA_ZONES));';
const CONSUMER_READS = 'readerStatements(names, ["published"])';
const PIPELINE_ROLE = 'this.role("pipeline", serviceTrust("glue.amazonaws.com", names.placement.accountId), pipelineStatements(names))';

describe("the access model, on the real engine", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;

    it("npm run access shows each role's access levels from prod's state, and from its plan (--preview) as the pull-request comment embeds it", async () => {
        const access = (...args: string[]) =>
            runCommand("access", ["--stack", "prod", ...args, "--workspace", sys().workspace.dir], { root: sys().repository.dir });
        const state = await access();
        assert.equal(state.code, 0, state.stdout + state.stderr);
        assert.match(state.stdout, /^access of stack prod: \d+ role\(s\) and resource policies, from the stack's state: everything within the access model$/m);
        assert.match(
            state.stdout,
            /^ {2}role consumer-role +consumers +s3 +Read +s3:GetBucketLocation, s3:GetObject, s3:GetObjectVersion +arn:aws:s3:::atlas-prod-published-333333333333, arn:aws:s3:::atlas-prod-published-333333333333\/\*.* allowed$/m,
        );
        assert.match(state.stdout, /^ {2}key policy data-key +services +kms +Write +/m);
        const plan = await access("--preview", "--format", "markdown");
        assert.equal(plan.code, 0, plan.stdout + plan.stderr);
        assert.match(
            plan.stdout,
            /^### Access: prod\n\n\d+ role\(s\) and resource policies, from the plan of this commit: everything within the access model$/m,
        );
        assert.match(
            plan.stdout,
            /^\| role consumer-role \| consumers \| s3 \| Read \| s3:GetBucketLocation, s3:GetObject, s3:GetObjectVersion \| arn:aws:s3:::atlas-prod-published-333333333333, arn:aws:s3:::atlas-prod-published-333333333333\/\*.* \| allowed \|$/m,
        );
        // prod is unchanged, so every resource is a "same" step, which `pulumi preview --json` prints only with --show-sames.
        const counted = (text: string) => /(\d+) role\(s\) and resource policies/.exec(text)?.[1];
        assert.equal(counted(plan.stdout), counted(state.stdout), "the plan reports the roles and policies the state holds");
        const consumerRows = plan.stdout.split("\n").filter((line) => line.startsWith("| role consumer-role "));
        assert.ok(consumerRows.length > 0 && consumerRows.every((line) => !/landing|raw|curated/.test(line)), consumerRows.join("\n"));
    });

    it("refuses a QA role in staging given s3:PutObject on a data zone, naming role, action, level and resource", async () => {
        const commit = sys().commit(
            {
                [ACCESS]: replacing(
                    QA_ROLE,
                    'this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), [...readerStatements(names, DATA_ZONES), { Effect: "Allow", Action: "s3:PutObject", Resource: `${names.bucketArn("published")}/*` }]);',
                ),
            },
            "qa may write the published zone",
        );
        const promotion = await sys().promote("staging", "1.1.0", { commit });
        assertRefused(promotion, ["access-within-model"], "QA write");
        assert.match(
            messageOf(promotion.preview, "access-within-model"),
            /aws:iam\/role:Role "qa-role" \(qa\) may s3:PutObject \[Write\] on arn:aws:s3:::atlas-staging-published-222222222222\/\* \(the published zone\)/,
        );
    });

    it("refuses a misspelt action, naming the real one", async () => {
        const commit = sys().commit({ "src/components/iam.ts": replacing('"s3:GetObjectVersion"]', '"s3:GetObjcetVersion"]') }, "a typo");
        const promotion = await sys().promote("staging", "1.1.1", { commit });
        assertRefused(promotion, ["iam-actions-exist"], "typo");
        assert.match(
            messageOf(promotion.preview, "iam-actions-exist"),
            /"s3:GetObjcetVersion" is not an action of s3[\s\S]*To fix: use the real action meant: s3:GetObjectVersion/,
        );
    });

    it("refuses a consumer role in prod that reads the landing zone and decrypts with any key, though staging (no consumers) runs the release", async () => {
        const commit = sys().commit(
            {
                [ACCESS]: replacing(
                    CONSUMER_READS,
                    '[...readerStatements(names, ["published", "landing"]), { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }]',
                ),
            },
            "consumers read landing with any key",
        );
        assertDeployed(await sys().promote("staging", "1.2.0", { commit }), "staging @ 1.2.0 (no consumer role there)");
        const promotion = await sys().promote("prod", "1.2.0", { commit });
        assert.equal(promotion.update, null, show(promotion.update));
        assert.match(
            messageOf(promotion.preview, "access-within-model"),
            /"consumer-role" \(consumers\) may s3:GetObject, s3:GetObjectVersion \[Read\] on arn:aws:s3:::atlas-prod-landing-333333333333\/\* \(the landing zone\)/,
        );
        assert.match(
            messageOf(promotion.preview, "access-within-model"),
            /"consumer-role" \(consumers\) may kms:Decrypt \[Write\] on \* \(the environment's key\)/,
        );
    });

    it("refuses the pipeline role a Write or Permissions-management action on *", async () => {
        const commit = sys().commit(
            {
                [ACCESS]: replacing(
                    PIPELINE_ROLE,
                    'this.role("pipeline", serviceTrust("glue.amazonaws.com", names.placement.accountId), [...pipelineStatements(names), { Effect: "Allow", Action: ["s3:PutObject", "iam:PutRolePolicy"], Resource: "*" }])',
                ),
            },
            "the pipeline writes anywhere",
        );
        const promotion = await sys().promote("staging", "1.3.0", { commit });
        assertRefused(promotion, ["access-within-model"], "pipeline on *");
        const message = messageOf(promotion.preview, "access-within-model");
        assert.match(message, /"pipeline-role" \(services\) may s3:PutObject \[Write\] on \*/);
        assert.match(
            message,
            /"pipeline-role" \(services\) may iam:PutRolePolicy \[Permissions management, Write\] on \*, which the access model does not give services/,
        );
    });

    // The program's own documents are known at a first deployment's preview: the suite's release deploys staging and prod
    // from nothing through promote with this mandatory policy, so a document built from the new key's ARN would stop it.
    it("refuses, with nothing deployed, a staging IAM document the preview cannot read (built from a resource the update creates)", async () => {
        const commit = sys().commit(
            {
                [ACCESS]: replacing(
                    QA_ROLE,
                    'const notes = new aws.sns.Topic("qa-notes", { name: `${names.role("qa")}-notes` }, { parent: this }); this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), [...readerStatements(names, DATA_ZONES), { Effect: "Allow", Action: "s3:PutObject", Resource: notes.arn }]);',
                ),
            },
            "qa's policy computed from a new topic's ARN",
        );
        const promotion = await sys().promote("staging", "1.4.0", { commit });
        assertRefused(promotion, ["iam-documents-known-at-preview"], "unknown at preview");
        assert.match(
            messageOf(promotion.preview, "iam-documents-known-at-preview"),
            /the inline policy of aws:iam\/rolePolicy:RolePolicy "qa-policy" is unknown at preview \(computed from "qa-notes"\)/,
        );
    });
});

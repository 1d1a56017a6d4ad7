/**
 * The access model on the real engine, from the suite's deployed release: hostile or careless commits that widen a
 * role or misspell an action are refused at the preview, with nothing deployed. Each leaves staging and prod running
 * a known release.
 */
import { strict as assert } from "assert";
import { assertDeployed, assertRefused, messageOf, replacing, show } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

const ACCESS = "src/components/access.ts";
const QA_ROLE = 'this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), readerStatements(names, keyArn, DATA_ZONES));';
const CONSUMER_READS = 'readerStatements(names, keyArn, ["published"])';

describe("the access model, on the real engine", function () {
    const fixture = withOfflineWorkspace({ deployed: true });
    const sys = () => fixture.system;

    it("refuses a QA role in staging given s3:PutObject on a data zone, naming role, action, level and resource", async () => {
        const commit = sys().commit(
            {
                [ACCESS]: replacing(
                    QA_ROLE,
                    'this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), [...readerStatements(names, keyArn, DATA_ZONES), { Effect: "Allow", Action: "s3:PutObject", Resource: `${names.bucketArn("published")}/*` }]);',
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

    it("refuses a consumer role in prod that reads the landing zone, though staging (no consumers) runs the release", async () => {
        const commit = sys().commit(
            { [ACCESS]: replacing(CONSUMER_READS, 'readerStatements(names, keyArn, ["published", "landing"])') },
            "consumers read landing",
        );
        assertDeployed(await sys().promote("staging", "1.2.0", { commit }), "staging @ 1.2.0 (no consumer role there)");
        const promotion = await sys().promote("prod", "1.2.0", { commit });
        assert.equal(promotion.update, null, show(promotion.update));
        assert.match(
            messageOf(promotion.preview, "access-within-model"),
            /"consumer-role" \(consumers\) may s3:GetObject, s3:GetObjectVersion \[Read\] on arn:aws:s3:::atlas-prod-landing-333333333333\/\* \(the landing zone\)/,
        );
    });
});

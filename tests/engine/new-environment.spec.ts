/**
 * A new environment really is one entry (docs/environments.md, "Adding an environment"), on the real engine: starting from the
 * suite's deployed release (staging and prod running 1.0.0), a commit adds prod-us as that page says and nothing
 * else — its model entry, taken from that page's own text, and its stack file, prod's with its own identity — and
 * the workspace gives it its on-call secret. The release gate then takes prod-us as it takes prod: refused before
 * staging runs the release, deployed at staging's release, refused for a difference only prod-us has; every message
 * names prod-us, never "prod".
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseReleaseMessage } from "../../policy-pack/src/contract/release-identity";
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { DEPLOYED_VERSION } from "./support/deployed-release";
import { assertDeployed, assertRefused, compose, messageOf, replacing, show } from "./support/gate-assertions";
import { withOfflineWorkspace } from "./support/offline-release";

const ENVIRONMENT = "prod-us";
const RELEASE = "1.1.0";
const NEXT = "1.2.0";

/** Text to match as it is, in a regular expression. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The model entry exactly as docs/environments.md, "Adding an environment", writes it. */
function readmeModelEntry(): string {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "docs", "environments.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Adding an environment"));
    const entry = /`(\{ name: "prod-us"[^`]*\})`/.exec(section)?.[1];
    assert.ok(entry, 'docs/environments.md, "Adding an environment", no longer shows the model entry of prod-us');
    return entry;
}

/** Step 2 of that page: prod's stack file with prod-us's own environment, account (its consumers' too), region and name prefix. */
const prodUsStackFile = compose(
    replacing(/^# .*\n/gm, ""), // prod's header comment
    replacing("atlas:environment: prod\n", `atlas:environment: ${ENVIRONMENT}\n`),
    replacing(/333333333333/g, "444444444444"),
    replacing("atlas:awsRegion: eu-west-1\n", "atlas:awsRegion: us-east-1\n"),
    replacing("atlas:namePrefix: atlas-prod\n", "atlas:namePrefix: atlas-us-prod-us\n"),
);

const ADD_PROD_US = {
    message: "add prod-us, a second prod region promoted from staging",
    edits: {
        "policy-pack/src/contract/environments.ts": replacing(
            "] as const satisfies readonly EnvironmentSpec[];",
            `    ${readmeModelEntry()},\n] as const satisfies readonly EnvironmentSpec[];`,
        ),
        [`Pulumi.${ENVIRONMENT}.yaml`]: () => prodUsStackFile(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")),
    },
};

describe("a new environment (prod-us) added as docs/environments.md says, through the release gate", function () {
    const fixture = withOfflineWorkspace({ deployed: true, startAt: ADD_PROD_US });
    const sys = () => fixture.system;
    const historyOf = async (stack: string) => JSON.parse(await sys().pulumi(["stack", "history", "--json", "--stack", stack])) as { message: string }[];

    it("refuses prod-us before staging runs its release, naming prod-us and staging", async () => {
        const promotion = await sys().promote(ENVIRONMENT, RELEASE);
        assertRefused(promotion, ["prod-references-staging", "prod-release-matches-staging"], "prod-us before staging");
        assert.match(
            messageOf(promotion.preview, "prod-release-matches-staging"),
            new RegExp(
                `prod-us would deploy release ${literal(RELEASE)} .* but staging runs ${literal(DEPLOYED_VERSION)} .*: the version, commit, digest differ`,
            ),
        );
        assert.match(
            messageOf(promotion.preview, "prod-references-staging"),
            new RegExp(
                `prod-us's StackReference reads staging's \`release\` at version ${literal(DEPLOYED_VERSION)}, commit \\w{12}, digest \\S+, but prod-us deploys version ${literal(RELEASE)}`,
            ),
        );
        assert.deepEqual(await historyOf(ENVIRONMENT), [], "prod-us has deployed nothing");
    });

    it("deploys prod-us at staging's release: its first deployment, judged by the candidate's own pack", async () => {
        assertDeployed(await sys().promote("staging", RELEASE), `staging @ ${RELEASE}`);
        const promotion = await sys().promote(ENVIRONMENT, RELEASE);
        assertDeployed(promotion, `prod-us @ ${RELEASE}`);
        assert.deepEqual(promotion.gate, { source: "bootstrap", commit: sys().snapshot });
        assert.equal(parseReleaseMessage((await historyOf(ENVIRONMENT))[0].message)?.identity.version, RELEASE);
        const state = await sys().state(ENVIRONMENT);
        assert.equal(state.outputs.upstreamStack, sys().workspace.qualified("staging"));
        assert.ok(
            Object.keys(state.resources).some((urn) => urn.endsWith("::oncall-subscription")),
            `prod-us pages on-call with its own secret:\n${Object.keys(state.resources).join("\n")}`,
        );
        assert.ok(
            Object.values(state.resources).some((resource) => resource.includes("atlas-us-prod-us")),
            "its physical names carry its own prefix",
        );
        assert.equal(
            Object.values(state.resources).some((resource) => resource.includes("atlas-prod-")),
            false,
            "nothing of it is named with prod's prefix",
        );
    });

    it("refuses prod-us for a parity difference only its stack file has, naming prod-us and Pulumi.prod-us.yaml", async () => {
        const ownWorkers = sys().commit(
            { [`Pulumi.${ENVIRONMENT}.yaml`]: replacing(/atlas:glueNumberOfWorkers: 10/, "atlas:glueNumberOfWorkers: 20") },
            "prod-us alone runs more workers",
        );
        assertDeployed(await sys().promote("staging", NEXT, { commit: ownWorkers }), `staging @ ${NEXT}`);
        const promotion = await sys().promote(ENVIRONMENT, NEXT, { commit: ownWorkers });
        assertRefused(promotion, ["staging-prod-parity", "staging-prod-parity-at-step"], "prod-us's own worker count");
        const refusal = messageOf(promotion.preview, "staging-prod-parity");
        assert.match(refusal, /prod-us differs from what staging runs in 1 place/);
        assert.match(refusal, /aws:glue\/job:Job "etl-job" numberOfWorkers: staging 10, prod-us 20/);
        assert.match(refusal, /make the code and Pulumi\.prod-us\.yaml produce what staging runs/);
        assert.equal(promotion.gate?.source, "prod-release", `judged by the pack of the release prod-us runs:\n${show(promotion.preview)}`);
    });

    it("no message, engine error or output line of any run above contains the on-call secret", () => {
        assert.ok(sys().outcomes.length >= 7, `every run was recorded (${sys().outcomes.length})`);
        assert.equal(JSON.stringify(sys().outcomes).includes(sys().oncallSecret), false);
    });
});

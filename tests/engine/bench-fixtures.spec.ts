/**
 * The bench's fixture programs leave nothing in the release checkout they come from: the CLI writes a stack's
 * encryption salt into the project's stack file when it creates the stack, and one left in the checkout made every
 * later `promote` from it refuse (a dirty checkout), so the bench's engine sections could not run from a fresh clone.
 * Cheap: one `pulumi stack init` each way, nothing deployed.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { fixtureProject } from "../../bench/lib/fixture-project";
import { ensurePulumiCli, pulumiCommand, REPO_ROOT } from "../../tools/offline/pulumi-cli";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });

describe("bench fixtures: the release checkout stays clean", function () {
    let dir: string;
    let checkout: string;
    let fixture: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-fixture-"));
        checkout = path.join(dir, "checkout");
        fixture = path.join(checkout, "bench", "fixtures", "one-resource");
        fs.cpSync(path.join(REPO_ROOT, "bench", "fixtures", "one-resource"), fixture, { recursive: true });
        fs.mkdirSync(path.join(dir, "state"));
        git(checkout, "init", "-q");
        git(checkout, "add", "-A");
        git(checkout, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "fixture");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Creates the fixture's prod stack with the CLI from `workDir`, as the bench does. */
    async function createStack(workDir: string): Promise<void> {
        const envVars = {
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "bench",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_ACCESS_TOKEN: "",
        };
        await LocalWorkspace.createOrSelectStack({ stackName: "prod", workDir }, { workDir, envVars, pulumiCommand: await pulumiCommand(ensurePulumiCli()) });
    }

    it("the fixture's project outside the checkout: the stack file lands there, the checkout has no uncommitted file", async () => {
        const project = fixtureProject(fixture, path.join(dir, "project"));
        await createStack(project);
        assert.ok(fs.existsSync(path.join(project, "Pulumi.prod.yaml")), "the CLI wrote the stack file in the project copy");
        assert.equal(git(checkout, "status", "--porcelain=v1"), "");
    });

    it("(why) the same stack created in the fixture's own directory leaves a file in the checkout", async () => {
        await createStack(fixture);
        assert.match(git(checkout, "status", "--porcelain=v1"), /bench\/fixtures\/one-resource\/Pulumi\.prod\.yaml/);
    });
});

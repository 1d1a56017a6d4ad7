/**
 * Doctor's stack-files check (cli/lib/preflight/stack-files-committed.ts): each stack's `Pulumi.<stack>.yaml` exists
 * and is committed, read from what `git status` says is uncommitted in the checkout (a throw-away repository here).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { uncommittedFiles } from "../../../../cli/lib/gate";
import { findingLine } from "../../../../cli/lib/preflight/check-result";
import { committedFindings } from "../../../../cli/lib/preflight/stack-files-committed";
import { PROJECT_FILES, ThrowAwayRepo } from "../../support/throw-away-repo";

const STACKS = ["staging", "prod"];

describe("doctor: stack files committed", () => {
    let repo: ThrowAwayRepo;
    beforeEach(() => (repo = new ThrowAwayRepo()));
    afterEach(() => repo.remove());

    const lines = (stacks = STACKS) =>
        committedFindings(stacks, uncommittedFiles(repo.dir), (stack) => fs.existsSync(path.join(repo.dir, `Pulumi.${stack}.yaml`))).map(findingLine);

    it("is ok for each stack file as committed, whatever else the checkout has changed", () => {
        repo.write("src/program.ts", "export const workers = 12;\n");
        repo.write("docs/Pulumi.prod.yaml", "not a stack file\n");
        assert.deepEqual(lines(), ["ok  Pulumi.staging.yaml committed", "ok  Pulumi.prod.yaml committed"]);
    });

    it("is a problem for a changed stack file, naming it, with commit or undo as the fix", () => {
        repo.write("Pulumi.prod.yaml", `${PROJECT_FILES["Pulumi.prod.yaml"]}  atlas:glueNumberOfWorkers: 12\n`);
        const [staging, prod] = lines();
        assert.equal(staging, "ok  Pulumi.staging.yaml committed");
        assert.match(prod, /^✘ {3}Pulumi\.prod\.yaml committed: Pulumi\.prod\.yaml has changes that are not committed/);
        assert.match(
            prod,
            /to fix: review and commit it \(git add Pulumi\.prod\.yaml && git commit\), or undo the change \(git checkout -- Pulumi\.prod\.yaml\)$/,
        );
    });

    it("is a problem for a stack file git does not track yet", () => {
        repo.write("Pulumi.dev.yaml", "config:\n  atlas:environment: dev\n");
        assert.match(
            lines(["dev"])[0],
            /^✘ {3}Pulumi\.dev\.yaml committed: Pulumi\.dev\.yaml has changes that are not committed \(or is not committed at all\)/,
        );
    });

    it("is a problem for a stack without a stack file, with pulumi stack init as the fix", () => {
        fs.rmSync(path.join(repo.dir, "Pulumi.prod.yaml"));
        repo.commit("prod's stack file removed");
        assert.match(
            lines()[1],
            /^✘ {3}Pulumi\.prod\.yaml committed: the checkout has no Pulumi\.prod\.yaml; to fix: create it \(pulumi stack init prod writes it\) and commit it$/,
        );
    });
});

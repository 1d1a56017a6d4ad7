/**
 * A bench fixture program run by the CLI from a project directory of its own, outside the release checkout: the CLI
 * writes each stack's encryption salt into the project's stack file (`Pulumi.<stack>.yaml`), and a file left in the
 * checkout makes it dirty, so a later `promote` from it would be refused (the release would not be the commit it
 * names). The copy's Pulumi.yaml names the fixture as its program (`main`), as the offline workspace does for Atlas.
 */
import * as fs from "fs";
import * as path from "path";
import { withProgramAt } from "../../tools/offline/workspace";

/** Makes `projectDir` (created when missing) the project of the fixture at `fixtureDir`, and returns it. */
export function fixtureProject(fixtureDir: string, projectDir: string): string {
    fs.mkdirSync(projectDir, { recursive: true });
    const projectFile = fs.readFileSync(path.join(fixtureDir, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), withProgramAt(projectFile, fixtureDir));
    return projectDir;
}

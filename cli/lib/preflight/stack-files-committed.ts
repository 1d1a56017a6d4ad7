/**
 * Stack files committed: a stack's `Pulumi.<stack>.yaml` is part of its release (promote deploys a commit, and its
 * digest covers the stack files), so one that is new or changed and not committed would deploy something no
 * commit records — promote refuses the dirty checkout outright; doctor names the file first.
 */
import * as path from "path";
import { stackFilePath } from "../stacks";
import { Finding, ok, problem } from "./check-result";

export const committedCheck = (stack: string) => `Pulumi.${stack}.yaml committed`;

/**
 * The finding for each stack from the checkout's uncommitted files (paths relative to the checkout, as
 * `git status` gives them) and whether its stack file exists there.
 */
export function committedFindings(stacks: readonly string[], uncommitted: readonly string[], exists: (stack: string) => boolean): Finding[] {
    return stacks.map((stack) => {
        const file = path.basename(stackFilePath("", stack));
        if (!exists(stack)) {
            return problem(committedCheck(stack), `the checkout has no ${file}`, `create it (pulumi stack init ${stack} writes it) and commit it`);
        }
        return uncommitted.includes(file)
            ? problem(
                  committedCheck(stack),
                  `${file} has changes that are not committed (or is not committed at all)`,
                  `review and commit it (git add ${file} && git commit), or undo the change (git checkout -- ${file})`,
              )
            : ok(committedCheck(stack));
    });
}

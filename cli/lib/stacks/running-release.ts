/** Which release a stack runs, read from the stack itself: its history back to the newest release update. */
import { RunningRelease, runningRelease, stateChangesUntilRelease } from "../../../policy-pack/src/contract";
import { readHistory } from "./stack-reading";
import { StackSource } from "./stack-source";

export async function releaseRunBy(source: StackSource, stack: string): Promise<RunningRelease> {
    const history = await readHistory(source, stack, (entries) => stateChangesUntilRelease(entries).done);
    return runningRelease(stack, stateChangesUntilRelease(history).changes, `promote --stack ${stack}`);
}

/**
 * Reads a deployed stack's release facts from the stack itself — its `release` output and
 * its update history — so a promotion never relies on what the target's program claims.
 */
import { Stack } from "@pulumi/pulumi/automation";
import { RELEASE_OUTPUT } from "../../policy-pack/src/contract/release-facts";

/** Update messages written by `promote`, so history names the release each update deployed. */
const RELEASE_MESSAGE = /^atlas release (\S+)/;

export function releaseMessage(version: string): string {
    return `atlas release ${version}`;
}

export interface LastUpdate {
    result: string;
    /** The stack's update counter for that update. */
    updateVersion: number;
    /** The release the update deployed, when it was made by `promote`. */
    version: string | null;
    endTime: string | null;
}

export interface StackFacts {
    stack: string;
    /** The raw `release` output; undefined when the stack has none. */
    release: unknown;
    /** True when the output is marked secret: facts must be public to be compared. */
    releaseIsSecret: boolean;
    /** The stack's most recent update; null when it has never been updated. */
    lastUpdate: LastUpdate | null;
}

export async function readStackFacts(stack: Stack, qualifiedName: string): Promise<StackFacts> {
    const outputs = await stack.outputs();
    const release = outputs[RELEASE_OUTPUT];
    const history = await stack.history(10, 1, false); // facts only: never decrypt secrets
    const update = history.find((entry) => entry.kind === "update");
    return {
        stack: qualifiedName,
        release: release?.value,
        releaseIsSecret: release?.secret === true,
        lastUpdate: update
            ? {
                  result: update.result,
                  updateVersion: update.version,
                  version: RELEASE_MESSAGE.exec(update.message ?? "")?.[1] ?? null,
                  endTime: update.endTime ? new Date(update.endTime).toISOString() : null,
              }
            : null,
    };
}

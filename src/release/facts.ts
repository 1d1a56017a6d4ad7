import { RELEASE_FORMAT, ReleaseFacts } from "../../policy-pack/src/contract";
import { ProgramRelease } from "./version";

export interface ReleaseFactsInput {
    project: string;
    stack: string;
    environment: string;
    release: ProgramRelease;
}

/** The stack's `release` output: what this run says it deploys (see the contract for how the gate uses it). */
export function assembleReleaseFacts(input: ReleaseFactsInput): ReleaseFacts {
    return {
        format: RELEASE_FORMAT,
        project: input.project,
        stack: input.stack,
        environment: input.environment,
        version: input.release.version,
        commit: input.release.commit,
        digest: input.release.digest,
    };
}

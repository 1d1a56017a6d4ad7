export { assembleReleaseFacts } from "./facts";
export { currentRelease, deriveReleaseVersion, readGitState, UNKNOWN_LOCAL_VERSION } from "./version";
export type { GitState, ProgramRelease } from "./version";

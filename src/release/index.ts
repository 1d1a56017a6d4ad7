export { assembleReleaseFacts, parityConfigOf } from "./facts";
export { ResourceTracker } from "./tracker";
export { currentReleaseVersion, deriveReleaseVersion, isAssignableVersion, readGitState, RELEASE_VERSION_ENV, UNKNOWN_LOCAL_VERSION } from "./version";
export type { GitState, ReleaseVersion } from "./version";

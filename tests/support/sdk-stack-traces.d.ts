// Types of sdk-stack-traces.js (plain JavaScript, so Node processes can preload it before ts-node).
type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;

export function takenForBookkeeping(frames: readonly NodeJS.CallSite[]): boolean;
export function bookkeepingUnmapped(mapped: PrepareStackTrace): PrepareStackTrace;
export function withPreload(nodeOptions: string | undefined): string;
export function withoutPreload(nodeOptions: string | undefined): string;
export const PRELOAD: string;

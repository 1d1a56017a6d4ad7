// Whether a preview planned what its update then did, by the engine's resource counts (a preview's
// `changeSummary`, an update's `summary.resourceChanges`, e.g. { update: 27, same: 48 }).

/** One line per operation whose count differs, e.g. "replace: preview 3, update 0"; empty when they agree. */
export function planMismatches(preview: Readonly<Record<string, number>>, update: Readonly<Record<string, number>>): string[] {
    const operations = [...new Set([...Object.keys(preview), ...Object.keys(update)])].sort();
    return operations.filter((op) => (preview[op] ?? 0) !== (update[op] ?? 0)).map((op) => `${op}: preview ${preview[op] ?? 0}, update ${update[op] ?? 0}`);
}

// Holding an operation for tests that must force an interleaving (a second update while the first holds the
// stack's lock, a kill while an update is mid-way): ATLAS_STANDIN_HOLD = `<op>:<type>::<logical name>@<directory>`,
// op one of create, update, delete (writes of an update) or diff (asked in previews and updates alike, changed or
// not). When a run reaches that operation, the stand-in writes `<directory>/held` and waits, inside the operation,
// until `<directory>/release` exists. Nothing depends on how long anything takes: the test acts once `held`
// exists and lets the operation go on by writing `release`.
import * as fs from "fs";
import * as path from "path";
import { OperationTable, matchesOperation, parseOperationEntry } from "./faults";

export const HOLD_ENV = "ATLAS_STANDIN_HOLD";
export const HELD_FILE = "held";
export const RELEASE_FILE = "release";
/** How often a held operation looks for the release file; it only bounds how soon it notices. */
const CHECK_EVERY_MS = 25;

export type HoldableOperation = "create" | "update" | "delete" | "diff";
const HOLDABLE: OperationTable<HoldableOperation> = {
    create: { operation: "create", partial: false },
    update: { operation: "update", partial: false },
    delete: { operation: "delete", partial: false },
    diff: { operation: "diff", partial: false },
};

interface Hold {
    readonly operation: HoldableOperation;
    readonly type: string;
    readonly name: string;
    readonly directory: string;
}

/** The hold for this operation, if the spec names it. A malformed spec throws rather than never holding. */
export function requestedHold(spec: string | undefined, operation: HoldableOperation, type: string, name: string): Hold | undefined {
    if (!spec) {
        return undefined;
    }
    const at = spec.lastIndexOf("@");
    if (at < 0 || !path.isAbsolute(spec.slice(at + 1))) {
        throw new Error(`${HOLD_ENV}: cannot read "${spec}"; expected <op>:<type>::<logical name>@<absolute directory>`);
    }
    const entry = parseOperationEntry(spec.slice(0, at), HOLD_ENV, HOLDABLE);
    const hold = { operation: entry.operation, type: entry.type, name: entry.name, directory: spec.slice(at + 1) };
    return matchesOperation(hold, operation, type, name) ? hold : undefined;
}

/** Says the operation is held (`held` names it), then resolves once the test writes `release`. */
export function holdUntilReleased(hold: Hold, type: string, name: string): Promise<void> {
    fs.mkdirSync(hold.directory, { recursive: true });
    const held = path.join(hold.directory, HELD_FILE);
    fs.writeFileSync(`${held}.tmp`, `${hold.operation}:${type}::${name} pid=${process.pid}\n`);
    fs.renameSync(`${held}.tmp`, held); // whole or absent, never half-written
    const release = path.join(hold.directory, RELEASE_FILE);
    return new Promise((resolve) => {
        const check = setInterval(() => {
            if (fs.existsSync(release)) {
                clearInterval(check);
                resolve();
            }
        }, CHECK_EVERY_MS);
    });
}

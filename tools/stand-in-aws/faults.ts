// Fault injection for tests: ATLAS_STANDIN_FAIL = comma list of `<op>:<type>::<logical name>`.
// op is create, update or delete; `create-partial` / `update-partial` make the operation report the resource
// as written but failed (Pulumi records it, with its id, as partial state). Type or name may be `*`.

export const FAULTS_ENV = "ATLAS_STANDIN_FAIL";

export type Operation = "create" | "update" | "delete";

/** One operation on one resource (type and name may be `*`), as fault and hold specs name it. */
export interface OperationEntry<Op extends string = Operation> {
    readonly operation: Op;
    readonly partial: boolean;
    readonly type: string;
    readonly name: string;
}

type Fault = OperationEntry;

/** How an entry's op reads: which operation, and whether it reports a partial write. */
export type OperationTable<Op extends string> = Record<string, { operation: Op; partial: boolean }>;

const OPERATIONS: OperationTable<Operation> = {
    create: { operation: "create", partial: false },
    update: { operation: "update", partial: false },
    delete: { operation: "delete", partial: false },
    "create-partial": { operation: "create", partial: true },
    "update-partial": { operation: "update", partial: true },
};

/** The fault injected into this operation, if any. A malformed entry throws rather than silently never firing. */
export function injectedFault(spec: string | undefined, operation: Operation, type: string, name: string): Fault | undefined {
    return parseFaults(spec ?? "").find((f) => matchesOperation(f, operation, type, name));
}

export function matchesOperation<Op extends string>(
    entry: Pick<OperationEntry<Op>, "operation" | "type" | "name">,
    operation: Op,
    type: string,
    name: string,
): boolean {
    return entry.operation === operation && (entry.type === "*" || entry.type === type) && (entry.name === "*" || entry.name === name);
}

export function faultMessage(fault: Fault, type: string, name: string): string {
    const what = fault.partial ? `${fault.operation} (partial: resource written, then failed)` : fault.operation;
    return `stand-in aws: injected failure of ${what} for ${type}::${name} (${FAULTS_ENV})`;
}

/** Reads `<op>:<type>::<logical name>` with an op of `operations`; `variable` names the setting in the error. */
export function parseOperationEntry<Op extends string>(entry: string, variable: string, operations: OperationTable<Op>): OperationEntry<Op> {
    const opEnd = entry.indexOf(":");
    const nameStart = entry.lastIndexOf("::");
    const op = Object.hasOwn(operations, entry.slice(0, opEnd)) ? operations[entry.slice(0, opEnd)] : undefined;
    if (opEnd < 0 || nameStart <= opEnd || !op) {
        throw new Error(`${variable}: cannot read "${entry}"; expected <op>:<type>::<logical name> with op one of ${Object.keys(operations).join(", ")}`);
    }
    return { ...op, type: entry.slice(opEnd + 1, nameStart), name: entry.slice(nameStart + 2) };
}

function parseFaults(spec: string): Fault[] {
    return spec
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "")
        .map((entry) => parseOperationEntry(entry, FAULTS_ENV, OPERATIONS));
}

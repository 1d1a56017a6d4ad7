// Fault injection for tests: ATLAS_STANDIN_FAIL = comma list of `<op>:<type>::<logical name>`.
// op is create, update or delete; `create-partial` / `update-partial` make the operation report the resource
// as written but failed (Pulumi records it, with its id, as partial state). Type or name may be `*`.

export const FAULTS_ENV = "ATLAS_STANDIN_FAIL";

export type Operation = "create" | "update" | "delete";

interface Fault {
    readonly operation: Operation;
    readonly partial: boolean;
    readonly type: string;
    readonly name: string;
}

const OPERATIONS: Record<string, { operation: Operation; partial: boolean }> = {
    create: { operation: "create", partial: false },
    update: { operation: "update", partial: false },
    delete: { operation: "delete", partial: false },
    "create-partial": { operation: "create", partial: true },
    "update-partial": { operation: "update", partial: true },
};

/** The fault injected into this operation, if any. A malformed entry throws rather than silently never firing. */
export function injectedFault(spec: string | undefined, operation: Operation, type: string, name: string): Fault | undefined {
    return parseFaults(spec ?? "").find(
        (f) => f.operation === operation && (f.type === "*" || f.type === type) && (f.name === "*" || f.name === name),
    );
}

export function faultMessage(fault: Fault, type: string, name: string): string {
    const what = fault.partial ? `${fault.operation} (partial: resource written, then failed)` : fault.operation;
    return `stand-in aws: injected failure of ${what} for ${type}::${name} (${FAULTS_ENV})`;
}

function parseFaults(spec: string): Fault[] {
    return spec
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "")
        .map((entry) => {
            const opEnd = entry.indexOf(":");
            const nameStart = entry.lastIndexOf("::");
            const op = OPERATIONS[entry.slice(0, opEnd)];
            if (opEnd < 0 || nameStart <= opEnd || !op) {
                throw new Error(
                    `${FAULTS_ENV}: cannot read "${entry}"; expected <op>:<type>::<logical name> with op one of ${Object.keys(OPERATIONS).join(", ")}`,
                );
            }
            return { ...op, type: entry.slice(opEnd + 1, nameStart), name: entry.slice(nameStart + 2) };
        });
}

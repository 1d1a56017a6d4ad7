/**
 * `npm run cloud -- <show|set|unset|delete> --workspace DIR --stack S --resource NAME …`: a console edit, offline
 * (lib/operations/console-edit.ts). It only ever touches an offline workspace's `cloud/` directory; it has no way to reach a
 * real account.
 */
import { parseArgs } from "util";
import { EXIT, runMain, UsageError } from "./lib/kit";
import { cloudOf, cloudResource, deleteInCloud, editInCloud, masked, ResourceRef, unsetInCloud } from "./lib/operations";
import { stackSourceFor } from "./lib/stacks";

const USAGE = `usage: npm run cloud -- <show|set|unset|delete> --workspace DIR --stack NAME --resource NAME [options]

Edits the stand-in AWS provider's cloud of an offline workspace behind Pulumi's back, as a person
in the AWS console would; Pulumi's state is not touched. Offline only: it needs --workspace.

  show      print what the cloud holds for the resource
  set       change one property: --property PATH --value VALUE (JSON, or else a string);
            a secret's new value is never echoed
  unset     remove one property: --property PATH (a setting cleared in the console)
  delete    delete the resource from the cloud

options:
  --workspace DIR     the offline workspace (made by npm run rehearse -- --workspace DIR)
  --stack NAME        the stack whose resource it is
  --resource NAME     the resource's logical name (e.g. etl-job)
  --type TYPE         the resource's type, where two resources of the stack share the name
  --property PATH     dotted path of the property, e.g. timeout or tags.owner or defaultArguments["--conf"]
  --value VALUE       the new value: JSON (240, true, "text", {"a":1}) or a plain string
  -h, --help          show this help

exit codes: 0 done, 2 bad flags, no such workspace, stack, resource or property, 3 failure`;

const ACTIONS = ["show", "set", "unset", "delete"] as const;
type Action = (typeof ACTIONS)[number];

async function main(): Promise<number> {
    const { values: flags, positionals } = parseCommandLine(process.argv.slice(2));
    if (flags.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    const action = positionals[0] as Action | undefined;
    if (positionals.length !== 1 || !ACTIONS.includes(action as Action)) {
        throw new UsageError(
            `say what to do first: one of ${ACTIONS.join(", ")} (got ${positionals.length === 0 ? "nothing" : positionals.join(" ")})\n\n${USAGE}`,
        );
    }
    if (!flags.workspace) {
        throw new UsageError("--workspace is required: the cloud command edits the stand-in's cloud of an offline workspace, never a real account");
    }
    for (const flag of ["stack", "resource"] as const) {
        if (!flags[flag]) {
            throw new UsageError(`--${flag} is required\n\n${USAGE}`);
        }
    }
    if (action === "set" && (flags.property === undefined || flags.value === undefined)) {
        throw new UsageError("set needs --property PATH and --value VALUE");
    }
    if (action === "unset" && (flags.property === undefined || flags.value !== undefined)) {
        throw new UsageError("unset needs --property PATH and takes no --value");
    }
    const source = await stackSourceFor(flags.workspace);
    const cloud = cloudOf(flags.workspace);
    const ref: ResourceRef = { stack: flags.stack!, resource: flags.resource!, type: flags.type };
    if (action === "show") {
        console.log(JSON.stringify(masked((await cloudResource(cloud, source, ref)).properties), null, 2));
    } else if (action === "delete") {
        const urn = await deleteInCloud(cloud, source, ref);
        console.log(`deleted ${urn} from the cloud of ${flags.workspace}; Pulumi's state still has it`);
    } else if (action === "unset") {
        const urn = await unsetInCloud(cloud, source, ref, flags.property!);
        console.log(`removed ${flags.property} of ${urn} in the cloud of ${flags.workspace}; Pulumi's state still has it`);
    } else {
        const value = parseValue(flags.value!);
        const { urn, secret } = await editInCloud(cloud, source, ref, flags.property!, value);
        const shown = secret ? "a new value (a secret: not shown)" : JSON.stringify(value);
        console.log(`set ${flags.property} of ${urn} to ${shown} in the cloud of ${flags.workspace}; Pulumi's state still has the old value`);
    }
    return EXIT.ok;
}

function parseCommandLine(argv: string[]) {
    try {
        return parseArgs({
            args: argv,
            allowPositionals: true,
            strict: true,
            options: {
                workspace: { type: "string" },
                stack: { type: "string" },
                resource: { type: "string" },
                type: { type: "string" },
                property: { type: "string" },
                value: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        });
    } catch (error) {
        throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    }
}

/** The value as JSON (240, true, "text", {"a":1}), or else the text itself. */
function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

runMain("cloud", main);

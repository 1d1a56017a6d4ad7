/** The exact `pulumi config` commands that messages offer as fixes. */
import { ConfigKey, qualified, specOf } from "./schema";

export function setCommand(stack: string, key: ConfigKey, value = specOf(key).example): string {
    const spec = specOf(key);
    if (spec.type === "array") {
        return `pulumi config set --stack ${stack} --path '${qualified(key)}[0]' ${value}`;
    }
    const secret = spec.secret ? "--secret " : "";
    return `pulumi config set --stack ${stack} ${secret}${qualified(key)} ${quoteIfNeeded(value)}`;
}

export function removeCommand(stack: string, key: string): string {
    return `pulumi config rm --stack ${stack} ${qualified(key)}`;
}

function quoteIfNeeded(value: string): string {
    return /^[\w.:/@+=,-]+$/.test(value) ? value : `'${value}'`;
}

// Names the real provider generates: the Pulumi bridge's auto-names and Terraform's prefixed unique ids.
import { randomBytes } from "crypto";
import { seededBytes } from "./check-seed";

/** `<logical name>-<7 random hex>`, the logical name cut so the whole fits `maxLength` (as the bridge does). */
export function autoName(logicalName: string, maxLength: number): string {
    const suffix = `-${randomHex(7)}`;
    return logicalName.slice(0, Math.max(0, maxLength - suffix.length)) + suffix;
}

/**
 * Terraform's `id.PrefixedUniqueId`: prefix + UTC timestamp to 1/10000 s + an 8-hex counter. The counter is
 * per process in Terraform; random here because every engine operation may run in a fresh plugin process.
 */
export function prefixedUniqueId(prefix: string, now: Date = new Date()): string {
    const stamp = now.toISOString().replace(/[-:TZ.]/g, ""); // YYYYMMDDHHMMSSmmm
    return `${prefix}${stamp}0${randomHex(8)}`;
}

/** Random hex; inside a Check, drawn from the engine's seed so a plan's preview and update agree. */
export function randomHex(length: number): string {
    const count = Math.ceil(length / 2);
    return (seededBytes(count) ?? randomBytes(count)).toString("hex").slice(0, length);
}

/** AWS-style unique ids such as IAM's `AROA…` role ids: a prefix and upper-case alphanumerics. */
export function awsUniqueId(prefix: string, length = 21): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bytes = randomBytes(length - prefix.length);
    return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

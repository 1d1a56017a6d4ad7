/**
 * The ARN of a resource type as AWS's catalogue writes it (`arn:${Partition}:s3:::${BucketName}`), filled in for
 * one environment: its partition, region and account, and its name prefix where a name goes. The format is the
 * contract's lookup (its one reader of the catalogue).
 */
import { resourceTypeArnFormat } from "../../policy-pack/src/contract";
import { prefixSpellings } from "./accounts";

/** Where the resources are: the environment's account, region and name prefix. */
export interface Placement {
    accountId: string;
    region: string;
    namePrefix: string;
}

/**
 * Resource types whose name AWS assigns (a KMS key's id), so no prefix can scope them: they are scoped to the
 * account and region alone.
 */
const ASSIGNED_NAMES = new Set(["kms:key"]);

const PLACEMENT_FIELDS: Record<string, (p: Placement) => string> = {
    Partition: () => "aws",
    Region: (p) => p.region,
    Account: (p) => p.accountId,
};

/**
 * One pattern for every spelling of the name prefix the program uses (`atlas-prod`, and `atlas_prod` in Glue
 * database names): where the spellings differ, any one character (`atlas?prod`).
 */
export function prefixPattern(namePrefix: string): string {
    const spellings = prefixSpellings(namePrefix);
    return [...spellings[0]].map((c, i) => (spellings.every((s) => s.length === spellings[0].length && s[i] === c) ? c : "?")).join("");
}

/**
 * The ARN pattern of a catalogue resource type in an environment: the format filled in up to its first name, which
 * holds the name prefix (`*atlas?prod*`: the program puts the prefix in every physical name, not always first:
 * `/aws-glue/jobs/atlas-prod`), and ends there, so what follows (an object key, a table, a session) is any. A type
 * whose name AWS assigns is scoped to the account and region alone.
 */
export async function scopedArn(service: string, resourceType: string, placement: Placement): Promise<string> {
    const arn = await resourceTypeArnFormat(service, resourceType);
    if (arn === undefined) {
        throw new Error(`AWS's catalogue names resource type "${resourceType}" for ${service} but does not describe it; scope it by hand`);
    }
    const name = ASSIGNED_NAMES.has(`${service}:${resourceType}`) ? "*" : `*${prefixPattern(placement.namePrefix)}*`;
    const firstName = /\$\{(?!Partition\}|Region\}|Account\})\w+\}/.exec(arn);
    const upToName = firstName ? `${arn.slice(0, firstName.index)}${name}` : arn;
    return upToName.replace(/\$\{(\w+)\}/g, (_, field: string) => PLACEMENT_FIELDS[field](placement));
}

// The data sources (invokes) the stand-in answers, from the provider's settings alone.
import { ProviderSettings } from "./provider-settings";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = Record<string, any>;

export const INVOKES_FILE = "tools/stand-in-aws/invokes.ts";

export const INVOKES: Readonly<Record<string, (args: Args, settings: ProviderSettings) => Args>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_args, s) => ({
        id: s.account,
        accountId: s.account,
        arn: `arn:${s.partition}:iam::${s.account}:user/atlas-stand-in`,
        userId: "AIDASTANDINCALLER0001",
    }),
    "aws:index/getRegion:getRegion": (args, s) => {
        const region = args.region ?? args.name ?? s.region;
        return { id: region, name: region, region, endpoint: `ec2.${region}.${s.dnsSuffix}`, description: region };
    },
    "aws:index/getPartition:getPartition": (_args, s) => ({
        id: s.partition,
        partition: s.partition,
        dnsSuffix: s.dnsSuffix,
        reverseDnsPrefix: s.dnsSuffix.split(".").reverse().join("."),
    }),
};

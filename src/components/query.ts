import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AtlasNames } from "./names";

export interface QueryArgs {
    names: AtlasNames;
    protect: boolean;
    keyArn: pulumi.Input<string>;
    /** Resource output rather than the name from config, so Pulumi creates the bucket first. */
    resultsBucketName: pulumi.Input<string>;
    bytesScannedCutoffMb: number;
}

/**
 * The Athena workgroup every reader queries through. Its settings are enforced, so no client
 * can write results unencrypted, elsewhere, or scan past the cutoff.
 */
export class Query extends pulumi.ComponentResource {
    readonly workgroup: aws.athena.Workgroup;

    constructor(name: string, args: QueryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:query:Query", name, {}, opts);
        this.workgroup = new aws.athena.Workgroup(
            "query-workgroup",
            {
                name: args.names.workgroup,
                state: "ENABLED",
                forceDestroy: !args.protect,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: args.bytesScannedCutoffMb * 1024 * 1024,
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${args.resultsBucketName}/`,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.keyArn },
                    },
                },
            },
            { parent: this },
        );
        this.registerOutputs({ workgroupName: this.workgroup.name });
    }
}

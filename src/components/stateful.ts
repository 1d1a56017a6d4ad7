import * as pulumi from "@pulumi/pulumi";

/**
 * Options of resources that hold data or history (KMS key, buckets, Glue databases, log
 * groups): protected against deletion and retained when removed from the program, as config says.
 */
export function statefulOptions(parent: pulumi.Resource, protect: boolean, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { ...extra, parent, protect, retainOnDelete: protect };
}

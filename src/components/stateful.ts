import * as pulumi from "@pulumi/pulumi";

/**
 * Options of resources that hold data or history (KMS key, buckets, Glue databases, log
 * groups): protected against deletion and retained when removed from the program, as config says.
 */
export function statefulOptions(parent: pulumi.Resource, protect: boolean): pulumi.CustomResourceOptions {
    return { parent, protect, retainOnDelete: protect };
}

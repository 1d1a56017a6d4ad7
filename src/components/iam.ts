/** IAM policy documents built in code (no getPolicyDocument invoke) and serialised once. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AtlasNames } from "./names";

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { AWS?: pulumi.Input<string>[] | "*"; Service?: string | string[] };
    Action: string | string[];
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy for a service, limited to requests on behalf of this account. */
export function serviceTrust(service: string, accountId: string): pulumi.Output<string> {
    return policyDocument([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

/** Trust policy for the listed IAM principals. */
export function principalTrust(principals: readonly string[]): pulumi.Output<string> {
    return policyDocument([{ Effect: "Allow", Principal: { AWS: [...principals] }, Action: "sts:AssumeRole" }]);
}

/**
 * Use of the environment's data key, named by its alias rather than its ARN: the alias is known at
 * preview, so the whole document is, even on a first deployment (the pack refuses an IAM document
 * of staging or prod it cannot read at preview: it could only be judged after it was applied).
 */
export function dataKeyUse(names: AtlasNames, sid?: string): Statement {
    return {
        ...(sid ? { Sid: sid } : {}),
        Effect: "Allow",
        Action: KMS_ENCRYPT_DECRYPT,
        Resource: names.keysArn,
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": names.keyAlias } },
    };
}

export const S3_READ = ["s3:GetObject", "s3:GetObjectVersion"];
export const S3_WRITE = [...S3_READ, "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
export const S3_LIST = ["s3:ListBucket", "s3:GetBucketLocation"];
export const KMS_ENCRYPT_DECRYPT = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];
export const GLUE_CATALOG_READ = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
];
export const ATHENA_QUERY = [
    "athena:StartQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StopQueryExecution",
    "athena:GetWorkGroup",
];

/** The role `<purpose>-role` with its inline policy `<purpose>-policy`; physical name `<prefix>-<purpose>`. */
export function roleWithPolicy(
    parent: pulumi.Resource,
    physicalName: string,
    purpose: string,
    trust: pulumi.Input<string>,
    statements: Statement[],
): aws.iam.Role {
    const role = new aws.iam.Role(`${purpose}-role`, { name: physicalName, assumeRolePolicy: trust, maxSessionDuration: 3600 }, { parent });
    new aws.iam.RolePolicy(`${purpose}-policy`, { role: role.name, policy: policyDocument(statements) }, { parent });
    return role;
}

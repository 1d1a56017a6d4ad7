import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ATHENA_QUERY, GLUE_CATALOG_READ, S3_LIST, S3_READ, S3_WRITE, Statement, dataKeyUse, principalTrust, roleWithPolicy, serviceTrust } from "./iam";
import { AtlasNames, BUCKET_ROLES, BucketRole, DATA_ZONES, DataZone } from "./names";

export interface AccessArgs {
    names: AtlasNames;
    /** Read/write on every bucket; the role exists only when the list is non-empty. */
    developerPrincipals: readonly string[];
    /** Read-only on every data zone, plus Athena queries. */
    qaPrincipals: readonly string[];
    /** Read-only on the published zone, plus Athena queries. */
    consumerPrincipals: readonly string[];
}

/**
 * Who may do what with the environment's data. The pipeline role (assumed by Glue) reaches only
 * this environment's buckets, key and databases. Human roles exist only where their principal
 * list from config is non-empty; their logical names start with the audience (`developer-`,
 * `qa-`, `consumer-`), the environment-specific roles of the release contract.
 */
export class Access extends pulumi.ComponentResource {
    readonly pipelineRole: aws.iam.Role;
    readonly developerRole?: aws.iam.Role;
    readonly qaRole?: aws.iam.Role;
    readonly consumerRole?: aws.iam.Role;
    private readonly names: AtlasNames;

    constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:access:Access", name, {}, opts);
        this.names = args.names;
        const { names } = args;

        this.pipelineRole = this.role("pipeline", serviceTrust("glue.amazonaws.com", names.placement.accountId), pipelineStatements(names));
        if (args.developerPrincipals.length > 0) {
            this.developerRole = this.role("developer", principalTrust(args.developerPrincipals), [
                ...bucketStatements(names, BUCKET_ROLES, S3_WRITE),
                dataKeyUse(names),
                ...catalogReadStatements(names, DATA_ZONES),
                athenaStatement(names),
            ]);
        }
        if (args.qaPrincipals.length > 0) {
            this.qaRole = this.role("qa", principalTrust(args.qaPrincipals), readerStatements(names, DATA_ZONES));
        }
        if (args.consumerPrincipals.length > 0) {
            this.consumerRole = this.role("consumer", principalTrust(args.consumerPrincipals), readerStatements(names, ["published"]));
        }
        this.registerOutputs({
            pipelineRoleArn: this.pipelineRole.arn,
            developerRoleArn: this.developerRole?.arn,
            qaRoleArn: this.qaRole?.arn,
            consumerRoleArn: this.consumerRole?.arn,
        });
    }

    private role(purpose: string, trust: pulumi.Output<string>, statements: Statement[]): aws.iam.Role {
        return roleWithPolicy(this, this.names.role(purpose), purpose, trust, statements);
    }
}

/** Glue reads landing and artifacts, writes curated and published, and records catalog, logs and quality metrics. */
function pipelineStatements(names: AtlasNames): Statement[] {
    return [
        ...bucketStatements(names, ["landing", "artifacts"], S3_READ),
        ...bucketStatements(names, ["curated", "published"], S3_WRITE),
        { Sid: "GlueTemporaryFiles", Effect: "Allow", Action: S3_WRITE, Resource: `${names.bucketArn("artifacts")}/tmp/*` },
        dataKeyUse(names, "DataKey"),
        {
            Sid: "Catalog",
            Effect: "Allow",
            Action: [...GLUE_CATALOG_READ, "glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition"],
            Resource: [names.glueCatalogArn, ...DATA_ZONES.flatMap((zone) => [names.databaseArn(zone), names.tablesArn(zone)])],
        },
        {
            Sid: "DataQuality",
            Effect: "Allow",
            Action: ["glue:GetDataQualityRuleset", "glue:PublishDataQuality"],
            Resource: names.qualityRulesetArn,
        },
        {
            Sid: "Logs",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
            Resource: [names.logGroupsArn, `${names.logGroupsArn}:*`],
        },
        {
            Sid: "JobAndQualityMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": ["Glue", "Glue Data Quality"] } },
        },
    ];
}

/** Read a set of zones, and query them through the environment's Athena workgroup. */
function readerStatements(names: AtlasNames, zones: readonly DataZone[]): Statement[] {
    return [
        ...bucketStatements(names, zones, S3_READ),
        ...bucketStatements(names, ["query-results"], S3_WRITE),
        dataKeyUse(names),
        ...catalogReadStatements(names, zones),
        athenaStatement(names),
    ];
}

function bucketStatements(names: AtlasNames, buckets: readonly BucketRole[], objectActions: string[]): Statement[] {
    return [
        { Effect: "Allow", Action: S3_LIST, Resource: buckets.map((b) => names.bucketArn(b)) },
        { Effect: "Allow", Action: objectActions, Resource: buckets.map((b) => `${names.bucketArn(b)}/*`) },
    ];
}

function catalogReadStatements(names: AtlasNames, zones: readonly DataZone[]): Statement[] {
    return [
        {
            Effect: "Allow",
            Action: GLUE_CATALOG_READ,
            Resource: [names.glueCatalogArn, ...zones.flatMap((zone) => [names.databaseArn(zone), names.tablesArn(zone)])],
        },
    ];
}

function athenaStatement(names: AtlasNames): Statement {
    return { Effect: "Allow", Action: ATHENA_QUERY, Resource: names.workgroupArn };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { AtlasNames, LANDING_TABLE } from "./names";
import { statefulOptions } from "./stateful";

/** The PySpark script of the ETL job, kept in the repository and uploaded as an object. */
export const ETL_SCRIPT_PATH = path.join(__dirname, "..", "..", "glue", "atlas_etl.py");
const ETL_SCRIPT_KEY = "glue/atlas_etl.py";

export interface ProcessingArgs {
    names: AtlasNames;
    protect: boolean;
    keyArn: pulumi.Input<string>;
    /** Resource outputs rather than names from config, so Pulumi creates the bucket and database first. */
    artifactsBucketName: pulumi.Input<string>;
    landingDatabaseName: pulumi.Input<string>;
    pipelineRoleArn: pulumi.Input<string>;
    securityConfigurationName: pulumi.Input<string>;
    glueVersion: string;
    workerType: string;
    numberOfWorkers: number;
    timeoutMinutes: number;
    maxRetries: number;
    logRetentionDays: number;
    /** Data-quality thresholds for landing drops. */
    minRowCount: number;
    minCompletenessPercent: number;
}

/** The Glue ETL job (curate, then publish) and the data-quality ruleset that gates landing drops. */
export class Processing extends pulumi.ComponentResource {
    readonly job: aws.glue.Job;
    readonly qualityRuleset: aws.glue.DataQualityRuleset;

    constructor(name: string, args: ProcessingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:processing:Processing", name, {}, opts);
        const { names } = args;

        const script = new aws.s3.BucketObjectv2(
            "etl-script",
            {
                bucket: args.artifactsBucketName,
                key: ETL_SCRIPT_KEY,
                source: new pulumi.asset.FileAsset(ETL_SCRIPT_PATH),
                contentType: "text/x-python",
                serverSideEncryption: "aws:kms",
                kmsKeyId: args.keyArn,
            },
            { parent: this },
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            "etl-job-log-group",
            {
                name: names.glueLogGroup,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.keyArn,
            },
            statefulOptions(this, args.protect),
        );

        this.job = new aws.glue.Job(
            "etl-job",
            {
                name: names.etlJob,
                roleArn: args.pipelineRoleArn,
                glueVersion: args.glueVersion,
                workerType: args.workerType,
                numberOfWorkers: args.numberOfWorkers,
                timeout: args.timeoutMinutes,
                maxRetries: args.maxRetries,
                securityConfiguration: args.securityConfigurationName,
                executionProperty: { maxConcurrentRuns: 1 },
                command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${script.bucket}/${script.key}` },
                defaultArguments: {
                    "--job-language": "python",
                    "--enable-metrics": "true",
                    "--enable-continuous-cloudwatch-log": "true",
                    "--continuous-log-logGroup": logGroup.name,
                    "--job-bookmark-option": "job-bookmark-enable",
                    "--TempDir": `s3://${names.bucket("artifacts")}/tmp/`,
                    "--landing_database": names.database("landing"),
                    "--landing_table": LANDING_TABLE,
                    "--curated_path": `s3://${names.bucket("curated")}/${LANDING_TABLE}/`,
                    "--published_path": `s3://${names.bucket("published")}/${LANDING_TABLE}/`,
                    "--stage": "curate",
                },
            },
            { parent: this },
        );

        this.qualityRuleset = new aws.glue.DataQualityRuleset(
            "landing-quality-ruleset",
            {
                name: names.qualityRuleset,
                description: "Gate for third-party drops before they are curated",
                ruleset: qualityRules(args.minRowCount, args.minCompletenessPercent),
                targetTable: { databaseName: args.landingDatabaseName, tableName: LANDING_TABLE },
            },
            { parent: this },
        );

        this.registerOutputs({ jobName: this.job.name, qualityRulesetName: this.qualityRuleset.name });
    }
}

/** DQDL rules: enough rows, ids mostly present and never duplicated. */
export function qualityRules(minRowCount: number, minCompletenessPercent: number): string {
    return [
        "Rules = [",
        `    RowCount >= ${minRowCount},`,
        `    Completeness "record_id" >= ${(minCompletenessPercent / 100).toFixed(2)},`,
        `    Uniqueness "record_id" = 1.0`,
        "]",
    ].join("\n");
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AtlasNames, DATA_ZONES, DataZone, LANDING_TABLE } from "./names";
import { statefulOptions } from "./stateful";

export interface CatalogArgs {
    names: AtlasNames;
    protect: boolean;
    keyArn: pulumi.Input<string>;
    pipelineRoleArn: pulumi.Input<string>;
}

/**
 * The Glue Data Catalog side of the lake: one database per zone, the crawler that catalogues
 * landing drops, and the security configuration that makes Glue encrypt what it writes.
 */
export class Catalog extends pulumi.ComponentResource {
    readonly databases: Record<DataZone, aws.glue.CatalogDatabase>;
    readonly securityConfiguration: aws.glue.SecurityConfiguration;
    readonly crawler: aws.glue.Crawler;

    constructor(name: string, args: CatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:catalog:Catalog", name, {}, opts);
        const { names } = args;

        const databases = {} as Record<DataZone, aws.glue.CatalogDatabase>;
        for (const zone of DATA_ZONES) {
            databases[zone] = new aws.glue.CatalogDatabase(
                `${zone}-database`,
                {
                    name: names.database(zone),
                    description: `Atlas ${zone} zone (${names.placement.namePrefix})`,
                    locationUri: `s3://${names.bucket(zone)}/`,
                },
                statefulOptions(this, args.protect),
            );
        }
        this.databases = databases;

        this.securityConfiguration = new aws.glue.SecurityConfiguration(
            "glue-security-configuration",
            {
                name: names.glueSecurityConfiguration,
                encryptionConfiguration: {
                    s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.keyArn },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.keyArn },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.keyArn },
                },
            },
            { parent: this },
        );

        // Started by the pipeline state machine, not on its own schedule, so ingest precedes the quality check.
        this.crawler = new aws.glue.Crawler(
            "landing-crawler",
            {
                name: names.crawler,
                databaseName: databases.landing.name,
                role: args.pipelineRoleArn,
                securityConfiguration: this.securityConfiguration.name,
                s3Targets: [{ path: `s3://${names.bucket("landing")}/${LANDING_TABLE}/` }],
                schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" },
                recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
            },
            { parent: this },
        );

        this.registerOutputs({ databases: Object.fromEntries(DATA_ZONES.map((z) => [z, databases[z].name])), crawlerName: this.crawler.name });
    }
}

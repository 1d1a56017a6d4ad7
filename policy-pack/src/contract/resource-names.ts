/**
 * Physical names and ARNs of the platform's resources, derived from config alone. In the contract
 * (no `@pulumi` dependency) because the program names its resources with it and the pack reads the
 * access model's resources (contract/access-model.ts) with it.
 *
 * Policies are built from these rather than from resource outputs or data-source invokes, so
 * the access component needs no resource of the others and no cloud call at preview time.
 *
 * Naming convention: logical (Pulumi) names are plain, environment-independent roles such as
 * `landing-bucket`, unique across the program; they are the identity compared between staging
 * and prod. Physical names carry the environment through `namePrefix` (and the account, for S3).
 */
import { underscored } from "./environment-keys";

export const BUCKET_ROLES = ["landing", "curated", "published", "artifacts", "query-results"] as const;
export type BucketRole = (typeof BUCKET_ROLES)[number];

/** The lake's zones, each with a bucket and a Glue database. */
export const DATA_ZONES = ["landing", "curated", "published"] as const;
export type DataZone = (typeof DATA_ZONES)[number];

/** The table the crawler creates from the landing bucket's `drops/` folder. */
export const LANDING_TABLE = "drops";

export interface Placement {
    accountId: string;
    region: string;
    namePrefix: string;
}

export class AtlasNames {
    readonly partition = "aws";

    constructor(readonly placement: Placement) {}

    private get prefix(): string {
        return this.placement.namePrefix;
    }

    private regional(service: string, resource: string): string {
        return `arn:${this.partition}:${service}:${this.placement.region}:${this.placement.accountId}:${resource}`;
    }

    /** S3 names are global, so they also carry the account. */
    bucket(role: BucketRole): string {
        return `${this.prefix}-${role}-${this.placement.accountId}`;
    }

    bucketArn(role: BucketRole): string {
        return `arn:${this.partition}:s3:::${this.bucket(role)}`;
    }

    database(zone: DataZone): string {
        return `${underscored(this.prefix)}_${zone}`;
    }

    get glueCatalogArn(): string {
        return this.regional("glue", "catalog");
    }
    databaseArn(zone: DataZone): string {
        return this.regional("glue", `database/${this.database(zone)}`);
    }
    tablesArn(zone: DataZone): string {
        return this.regional("glue", `table/${this.database(zone)}/*`);
    }

    get crawler(): string {
        return `${this.prefix}-landing-crawler`;
    }
    get crawlerArn(): string {
        return this.regional("glue", `crawler/${this.crawler}`);
    }
    get etlJob(): string {
        return `${this.prefix}-etl`;
    }
    get etlJobArn(): string {
        return this.regional("glue", `job/${this.etlJob}`);
    }
    get qualityRuleset(): string {
        return `${this.prefix}-landing-quality`;
    }
    get qualityRulesetArn(): string {
        return this.regional("glue", `dataQualityRuleset/${this.qualityRuleset}`);
    }
    get glueSecurityConfiguration(): string {
        return `${this.prefix}-glue`;
    }
    get glueLogGroup(): string {
        return `/aws-glue/jobs/${this.prefix}`;
    }
    get stateMachine(): string {
        return `${this.prefix}-pipeline`;
    }
    get stateMachineArn(): string {
        return this.regional("states", `stateMachine:${this.stateMachine}`);
    }
    get stateMachineLogGroup(): string {
        return `/aws/vendedlogs/states/${this.stateMachine}`;
    }
    get alertTopic(): string {
        return `${this.prefix}-alerts`;
    }
    get alertTopicArn(): string {
        return this.regional("sns", this.alertTopic);
    }
    get workgroup(): string {
        return this.prefix;
    }
    get workgroupArn(): string {
        return this.regional("athena", `workgroup/${this.workgroup}`);
    }
    get keyAlias(): string {
        return `alias/${this.prefix}-data`;
    }
    /** Every key of the account and region: IAM grants name the data key by its alias (a condition), which is known before the key exists. */
    get keysArn(): string {
        return this.regional("kms", "key/*");
    }

    /** Log groups the platform writes to, including the streams Glue creates under its prefix. */
    get logGroupsArn(): string {
        return this.regional("logs", "log-group:/aws-glue/*");
    }

    role(purpose: string): string {
        return `${this.prefix}-${purpose}`;
    }
    roleArn(purpose: string): string {
        return `arn:${this.partition}:iam::${this.placement.accountId}:role/${this.role(purpose)}`;
    }
}

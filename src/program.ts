import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ENVIRONMENT_IDENTITY_OUTPUT, EnvironmentIdentity, RELEASE_OUTPUT, UPSTREAM_RELEASE_OUTPUT, UPSTREAM_STACK_OUTPUT } from "../policy-pack/src/contract";
import { Access, AtlasNames, BUCKET_ROLES, Catalog, Observability, Orchestration, Processing, Query, Storage } from "./components";
import { AtlasConfig, loadAtlasConfig, pulumiConfigSource } from "./config";
import { assembleReleaseFacts, currentRelease } from "./release";

const PROJECT_TAG = "atlas";
const REPOSITORY_ROOT = path.join(__dirname, "..");

/**
 * The Atlas platform for one environment. Everything that differs between dev, staging and
 * prod comes from the stack's config; nothing here branches on the stack's name.
 */
export async function atlasProgram(): Promise<Record<string, unknown>> {
    const config = loadAtlasConfig(pulumiConfigSource());
    const release = currentRelease(REPOSITORY_ROOT);
    const platform = buildPlatform(config);
    const facts = assembleReleaseFacts({ project: pulumi.getProject(), stack: pulumi.getStack(), environment: config.environment, release });
    return {
        [RELEASE_OUTPUT]: facts,
        [ENVIRONMENT_IDENTITY_OUTPUT]: environmentIdentity(config),
        ...platform,
        ...upstreamOutputs(config.upstreamStack),
    };
}

/** Who this stack is, for the policy pack's environment guardrails (not part of the parity facts). */
function environmentIdentity(config: AtlasConfig): EnvironmentIdentity {
    return {
        environment: config.environment,
        awsAccountId: config.awsAccountId,
        namePrefix: config.namePrefix,
        developerPrincipals: [...config.developerPrincipals],
        consumerPrincipals: [...config.consumerPrincipals],
    };
}

function buildPlatform(config: AtlasConfig): Record<string, unknown> {
    const names = new AtlasNames({ accountId: config.awsAccountId, region: config.awsRegion, namePrefix: config.namePrefix });
    const protect = config.protectStatefulResources;
    const provider = new aws.Provider("aws", {
        region: config.awsRegion as aws.Region,
        allowedAccountIds: [config.awsAccountId],
        // Stable tags only: the release version lives in the stack's outputs, tags and update message, never on a
        // resource, so a release that changes no code and no config changes no resource (a quiet release).
        defaultTags: { tags: { environment: config.environment, project: PROJECT_TAG } },
    });
    const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

    const storage = new Storage(
        "storage",
        {
            names,
            protect,
            kmsDeletionWindowDays: config.kmsDeletionWindowDays,
            versioning: config.bucketVersioning,
            landingRetentionDays: config.landingRetentionDays,
            queryResultsRetentionDays: config.queryResultsRetentionDays,
            noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
        },
        opts,
    );
    const keyArn = storage.keyArn;
    const access = new Access(
        "access",
        {
            names,
            developerPrincipals: config.developerPrincipals,
            qaPrincipals: config.qaPrincipals,
            consumerPrincipals: config.consumerPrincipals,
        },
        opts,
    );
    const pipelineRoleArn = access.pipelineRole.arn;
    const catalog = new Catalog("catalog", { names, protect, keyArn, pipelineRoleArn }, opts);
    const processing = new Processing(
        "processing",
        {
            names,
            protect,
            keyArn,
            artifactsBucketName: storage.buckets.artifacts.bucket,
            landingDatabaseName: catalog.databases.landing.name,
            pipelineRoleArn,
            securityConfigurationName: catalog.securityConfiguration.name,
            glueVersion: config.glueVersion,
            workerType: config.glueWorkerType,
            numberOfWorkers: config.glueNumberOfWorkers,
            timeoutMinutes: config.glueJobTimeoutMinutes,
            maxRetries: config.glueJobMaxRetries,
            logRetentionDays: config.logRetentionDays,
            minRowCount: config.dataQualityMinRowCount,
            minCompletenessPercent: config.dataQualityMinCompletenessPercent,
        },
        opts,
    );
    const orchestration = new Orchestration(
        "orchestration",
        {
            names,
            protect,
            keyArn,
            pipelineRoleArn,
            crawlerName: catalog.crawler.name,
            jobName: processing.job.name,
            qualityRulesetName: processing.qualityRuleset.name,
            landingDatabaseName: catalog.databases.landing.name,
            schedule: config.pipelineSchedule,
            logRetentionDays: config.logRetentionDays,
        },
        opts,
    );
    const query = new Query(
        "query",
        {
            names,
            protect,
            keyArn,
            resultsBucketName: storage.buckets["query-results"].bucket,
            bytesScannedCutoffMb: config.athenaBytesScannedCutoffMb,
        },
        opts,
    );
    const observability = new Observability(
        "observability",
        {
            names,
            keyArn,
            teamAlertEmail: config.teamAlertEmail,
            oncallEndpoint: config.routeAlertsToOncall && config.oncallEndpoint ? pulumi.secret(config.oncallEndpoint) : undefined,
            jobName: processing.job.name,
            stateMachineArn: orchestration.stateMachine.arn,
        },
        opts,
    );

    return {
        buckets: Object.fromEntries(BUCKET_ROLES.map((role) => [role, storage.buckets[role].bucket])),
        dataKeyArn: keyArn,
        pipelineRoleArn,
        // Human roles exist only where config grants them; absent keys keep outputs free of undefined.
        ...(access.developerRole ? { developerRoleArn: access.developerRole.arn } : {}),
        ...(access.qaRole ? { qaRoleArn: access.qaRole.arn } : {}),
        ...(access.consumerRole ? { consumerRoleArn: access.consumerRole.arn } : {}),
        alertTopicArn: observability.topic.arn,
        athenaWorkgroup: query.workgroup.name,
        stateMachineArn: orchestration.stateMachine.arn,
    };
}

/**
 * Staging's `release` output, carried as this stack's own output because policies see the
 * stack's outputs but not StackReference reads. Undefined while staging has not deployed: the
 * policy pack, not the program, refuses that with its own message.
 */
function upstreamOutputs(upstreamStack: string | undefined): Record<string, unknown> {
    if (upstreamStack === undefined) {
        return {};
    }
    const qualifiedName = qualifyStackName(upstreamStack);
    const reference = new pulumi.StackReference("upstream-stack", { name: qualifiedName });
    return { [UPSTREAM_STACK_OUTPUT]: qualifiedName, [UPSTREAM_RELEASE_OUTPUT]: reference.getOutput(RELEASE_OUTPUT) };
}

/** `staging` → `<org>/<project>/staging`; an already qualified name is kept. */
function qualifyStackName(name: string): string {
    return name.includes("/") ? name : `${pulumi.getOrganization()}/${pulumi.getProject()}/${name}`;
}

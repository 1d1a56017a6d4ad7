import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, roleWithPolicy, serviceTrust } from "./iam";
import { AtlasNames, LANDING_TABLE } from "./names";
import { statefulOptions } from "./stateful";

/** Custom metric the state machine records when a landing drop fails its quality gate. */
export const QUALITY_METRIC = { namespace: "Atlas/Pipeline", name: "DataQualityFailures" } as const;

export interface OrchestrationArgs {
    names: AtlasNames;
    protect: boolean;
    keyArn: pulumi.Input<string>;
    pipelineRoleArn: pulumi.Input<string>;
    crawlerName: pulumi.Input<string>;
    jobName: pulumi.Input<string>;
    qualityRulesetName: pulumi.Input<string>;
    landingDatabaseName: pulumi.Input<string>;
    schedule: string;
    logRetentionDays: number;
}

/**
 * The pipeline: a Step Functions state machine (ingest → quality check → transform → publish)
 * started by an EventBridge schedule, with its own log group and least-privilege roles.
 */
export class Orchestration extends pulumi.ComponentResource {
    readonly stateMachine: aws.sfn.StateMachine;

    constructor(name: string, args: OrchestrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:orchestration:Orchestration", name, {}, opts);
        const { names } = args;

        const logGroup = new aws.cloudwatch.LogGroup(
            "state-machine-log-group",
            {
                name: names.stateMachineLogGroup,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.keyArn,
            },
            statefulOptions(this, args.protect),
        );

        const machineRole = roleWithPolicy(
            this,
            names.role("state-machine"),
            "state-machine",
            serviceTrust("states.amazonaws.com", names.placement.accountId),
            stateMachineStatements(names),
        );

        this.stateMachine = new aws.sfn.StateMachine(
            "pipeline-state-machine",
            {
                name: names.stateMachine,
                type: "STANDARD",
                roleArn: machineRole.arn,
                definition: pulumi.jsonStringify(pipelineDefinition(names, args)),
                loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
            },
            { parent: this },
        );

        const scheduleRole = roleWithPolicy(this, names.role("schedule"), "schedule", serviceTrust("events.amazonaws.com", names.placement.accountId), [
            { Effect: "Allow", Action: "states:StartExecution", Resource: names.stateMachineArn },
        ]);
        const rule = new aws.cloudwatch.EventRule(
            "pipeline-schedule",
            {
                name: names.role("pipeline-schedule"),
                description: "Starts the Atlas pipeline",
                scheduleExpression: args.schedule,
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            "pipeline-schedule-target",
            {
                rule: rule.name,
                arn: this.stateMachine.arn,
                roleArn: scheduleRole.arn,
            },
            { parent: this },
        );

        this.registerOutputs({ stateMachineArn: this.stateMachine.arn });
    }
}

function stateMachineStatements(names: AtlasNames): Statement[] {
    return [
        { Sid: "Ingest", Effect: "Allow", Action: ["glue:StartCrawler", "glue:GetCrawler"], Resource: names.crawlerArn },
        {
            Sid: "QualityCheck",
            Effect: "Allow",
            Action: ["glue:StartDataQualityRulesetEvaluationRun", "glue:GetDataQualityRulesetEvaluationRun", "glue:GetDataQualityResult"],
            Resource: names.qualityRulesetArn,
        },
        {
            Sid: "QualityRunsUseThePipelineRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: names.roleArn("pipeline"), // by name, not the role's output: known at preview, even on a first deployment
            Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
        },
        {
            Sid: "TransformAndPublish",
            Effect: "Allow",
            Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
            Resource: names.etlJobArn,
        },
        {
            Sid: "QualityFailureMetric",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": QUALITY_METRIC.namespace } },
        },
        {
            // Step Functions log delivery is configured through these account-level APIs, which take no resource.
            Sid: "LogDelivery",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
            ],
            Resource: "*",
        },
    ];
}

const POLL_SECONDS = 60;

/** Amazon States Language of the pipeline. Polls crawler and quality run: SDK integrations have no `.sync`. */
function pipelineDefinition(names: AtlasNames, args: OrchestrationArgs): object {
    const glueTask = (action: string) => `arn:aws:states:::aws-sdk:glue:${action}`;
    const runJob = (stage: string, next: { Next: string } | { End: true }) => ({
        Type: "Task",
        Resource: "arn:aws:states:::glue:startJobRun.sync",
        Parameters: { JobName: args.jobName, Arguments: { "--stage": stage } },
        ResultPath: null,
        ...next,
    });
    return {
        Comment: `Atlas pipeline ${names.placement.namePrefix}: ingest, quality check, transform, publish`,
        StartAt: "Ingest",
        States: {
            Ingest: {
                Type: "Task",
                Resource: glueTask("startCrawler"),
                Parameters: { Name: args.crawlerName },
                ResultPath: null,
                Retry: [{ ErrorEquals: ["Glue.CrawlerRunningException"], IntervalSeconds: POLL_SECONDS, MaxAttempts: 10 }],
                Next: "WaitForIngest",
            },
            WaitForIngest: { Type: "Wait", Seconds: POLL_SECONDS, Next: "GetIngest" },
            GetIngest: {
                Type: "Task",
                Resource: glueTask("getCrawler"),
                Parameters: { Name: args.crawlerName },
                ResultSelector: { "State.$": "$.Crawler.State" },
                ResultPath: "$.ingest",
                Next: "IngestDone",
            },
            IngestDone: {
                Type: "Choice",
                Choices: [{ Variable: "$.ingest.State", StringEquals: "READY", Next: "QualityCheck" }],
                Default: "WaitForIngest",
            },
            QualityCheck: {
                Type: "Task",
                Resource: glueTask("startDataQualityRulesetEvaluationRun"),
                Parameters: {
                    DataSource: { GlueTable: { DatabaseName: args.landingDatabaseName, TableName: LANDING_TABLE } },
                    Role: args.pipelineRoleArn,
                    RulesetNames: [args.qualityRulesetName],
                },
                ResultSelector: { "RunId.$": "$.RunId" },
                ResultPath: "$.quality",
                Next: "WaitForQualityCheck",
            },
            WaitForQualityCheck: { Type: "Wait", Seconds: POLL_SECONDS, Next: "GetQualityCheck" },
            GetQualityCheck: {
                Type: "Task",
                Resource: glueTask("getDataQualityRulesetEvaluationRun"),
                Parameters: { "RunId.$": "$.quality.RunId" },
                ResultSelector: { "Status.$": "$.Status", "ResultIds.$": "$.ResultIds" },
                ResultPath: "$.qualityRun",
                Next: "QualityCheckDone",
            },
            QualityCheckDone: {
                Type: "Choice",
                Choices: [
                    { Variable: "$.qualityRun.Status", StringEquals: "SUCCEEDED", Next: "GetQualityResult" },
                    { Or: ["FAILED", "STOPPED", "TIMEOUT"].map((s) => ({ Variable: "$.qualityRun.Status", StringEquals: s })), Next: "RecordQualityFailure" },
                ],
                Default: "WaitForQualityCheck",
            },
            GetQualityResult: {
                Type: "Task",
                Resource: glueTask("getDataQualityResult"),
                Parameters: { "ResultId.$": "States.ArrayGetItem($.qualityRun.ResultIds, 0)" },
                ResultSelector: { "Score.$": "$.Score" },
                ResultPath: "$.qualityResult",
                Next: "QualityPassed",
            },
            // The ruleset encodes the thresholds, so a drop passes only when every rule passes.
            QualityPassed: {
                Type: "Choice",
                Choices: [{ Variable: "$.qualityResult.Score", NumericLessThan: 1, Next: "RecordQualityFailure" }],
                Default: "Transform",
            },
            RecordQualityFailure: {
                Type: "Task",
                Resource: "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
                Parameters: {
                    Namespace: QUALITY_METRIC.namespace,
                    MetricData: [
                        { MetricName: QUALITY_METRIC.name, Dimensions: [{ Name: "StateMachine", Value: names.stateMachine }], Value: 1, Unit: "Count" },
                    ],
                },
                ResultPath: null,
                Next: "RejectDrop",
            },
            RejectDrop: { Type: "Fail", Error: "DataQualityFailed", Cause: "The landing drop failed its data-quality ruleset; it was not curated." },
            Transform: runJob("curate", { Next: "Publish" }),
            Publish: runJob("publish", { End: true }),
        },
    };
}

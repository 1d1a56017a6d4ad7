import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import { AtlasNames } from "./names";
import { QUALITY_METRIC } from "./orchestration";

export interface ObservabilityArgs {
    names: AtlasNames;
    keyArn: pulumi.Input<string>;
    teamAlertEmail: string;
    /** The on-call subscription exists only when set. A secret; it never leaves as plain text. */
    oncallEndpoint?: pulumi.Output<string>;
    jobName: pulumi.Input<string>;
    stateMachineArn: pulumi.Input<string>;
}

const ALARM_PERIOD_SECONDS = 300;

/**
 * Alerting and visibility: an encrypted alert topic (team e-mail; the on-call endpoint when
 * config routes alerts there), alarms for failed job runs, failed pipeline runs and failed
 * quality gates, and a dashboard of the same signals.
 */
export class Observability extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("atlas:observability:Observability", name, {}, opts);
        const { names } = args;
        const child = { parent: this };

        this.topic = new aws.sns.Topic("alert-topic", { name: names.alertTopic, kmsMasterKeyId: args.keyArn }, child);
        new aws.sns.TopicPolicy(
            "alert-topic-policy",
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "CloudWatchAlarmsOfThisAccountPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: names.alertTopicArn,
                        Condition: { StringEquals: { "aws:SourceAccount": names.placement.accountId } },
                    },
                ]),
            },
            child,
        );
        new aws.sns.TopicSubscription("team-email-subscription", { topic: this.topic.arn, protocol: "email", endpoint: args.teamAlertEmail }, child);
        if (args.oncallEndpoint) {
            new aws.sns.TopicSubscription(
                "oncall-subscription",
                {
                    topic: this.topic.arn,
                    protocol: "https",
                    endpoint: args.oncallEndpoint,
                    endpointAutoConfirms: true,
                },
                child,
            );
        }

        const alarm = (
            signal: string,
            description: string,
            metric: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> },
        ) =>
            new aws.cloudwatch.MetricAlarm(
                `${signal}-alarm`,
                {
                    name: `${names.placement.namePrefix}-${signal}`,
                    alarmDescription: description,
                    ...metric,
                    statistic: "Sum",
                    period: ALARM_PERIOD_SECONDS,
                    evaluationPeriods: 1,
                    threshold: 0,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: [this.topic.arn],
                    okActions: [this.topic.arn],
                },
                child,
            );
        alarm("etl-job-failure", "A Glue ETL job run had failed tasks", {
            namespace: "Glue",
            metricName: "glue.driver.aggregate.numFailedTasks",
            dimensions: { JobName: args.jobName, JobRunId: "ALL", Type: "count" },
        });
        alarm("state-machine-failure", "A pipeline run failed", {
            namespace: "AWS/States",
            metricName: "ExecutionsFailed",
            dimensions: { StateMachineArn: args.stateMachineArn },
        });
        alarm("data-quality-failure", "A landing drop failed its data-quality ruleset", {
            namespace: QUALITY_METRIC.namespace,
            metricName: QUALITY_METRIC.name,
            dimensions: { StateMachine: names.stateMachine },
        });

        new aws.cloudwatch.Dashboard(
            "pipeline-dashboard",
            {
                dashboardName: `${names.placement.namePrefix}-pipeline`,
                dashboardBody: pulumi.jsonStringify(dashboard(names, args)),
            },
            child,
        );

        this.registerOutputs({ alertTopicArn: this.topic.arn });
    }
}

function dashboard(names: AtlasNames, args: ObservabilityArgs): object {
    const region = names.placement.region;
    const widget = (title: string, metrics: unknown[][], x: number) => ({
        type: "metric",
        x,
        y: 0,
        width: 8,
        height: 6,
        properties: { title, region, stat: "Sum", period: ALARM_PERIOD_SECONDS, metrics },
    });
    return {
        widgets: [
            widget(
                "Pipeline runs",
                [
                    ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", args.stateMachineArn],
                    ["AWS/States", "ExecutionsFailed", "StateMachineArn", args.stateMachineArn],
                ],
                0,
            ),
            widget("ETL job failed tasks", [["Glue", "glue.driver.aggregate.numFailedTasks", "JobName", args.jobName, "JobRunId", "ALL", "Type", "count"]], 8),
            widget("Quality gate failures", [[QUALITY_METRIC.namespace, QUALITY_METRIC.name, "StateMachine", names.stateMachine]], 16),
        ],
    };
}

import type { SNSEvent } from 'aws-lambda';
import { type AlarmNotice, alarmNoticeFrom } from '../../../functions/notifier/AlarmNotice.js';
import { parseAlarmMessage } from '../../../functions/notifier/alarmMessage.js';

/** A single-metric alarm message shaped like the ones CloudWatch publishes to SNS. */
export function dlqAlarmMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AlarmName: 'taskpipe-prod-dlq-default-not-empty',
    AlarmDescription:
      'Tasks failed for good and are on the dead-letter queue. Redrive with: npx taskpipe redrive --stack taskpipe-prod --queue default',
    AWSAccountId: '123456789012',
    AlarmConfigurationUpdatedTimestamp: '2026-11-20T08:00:00.000+0000',
    NewStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (27/11/26 10:00:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
    StateChangeTime: '2026-11-27T10:01:00.123+0000',
    Region: 'US East (N. Virginia)',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:taskpipe-prod-dlq-default-not-empty',
    OldStateValue: 'OK',
    OKActions: ['arn:aws:sns:us-east-1:123456789012:taskpipe-alarms'],
    AlarmActions: ['arn:aws:sns:us-east-1:123456789012:taskpipe-alarms'],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: [{ value: 'taskpipe-prod-default-dlq', name: 'QueueName' }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1.0,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
    ...overrides,
  };
}

/** A metric-math alarm (task failure rate) as CloudWatch publishes it. */
export function failureRateAlarmMessage(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const metric = (id: string, name: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Dimensions: [], MetricName: name, Namespace: 'Taskpipe' },
      Period: 300,
      Stat: 'Sum',
    },
    ReturnData: false,
  });
  return dlqAlarmMessage({
    AlarmName: 'taskpipe-prod-task-failure-rate',
    AlarmDescription:
      'More than 5% of tasks failed. List them with: npx taskpipe tasks --status FAILED',
    AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:taskpipe-prod-task-failure-rate',
    Region: 'EU (Ireland)',
    NewStateReason:
      'Threshold Crossed: 3 out of the last 3 datapoints [7.5 (27/11/26 10:00:00), 6.1 (27/11/26 09:55:00), 5.2 (27/11/26 09:50:00)] were greater than the threshold (5.0) (minimum 3 datapoints for OK -> ALARM transition).',
    Trigger: {
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5.0,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
      Metrics: [
        {
          Expression: '100 * failed / (failed + succeeded)',
          Id: 'rate',
          Label: 'Task failure rate (%)',
          ReturnData: true,
        },
        metric('failed', 'TasksFailed'),
        metric('succeeded', 'TasksSucceeded'),
      ],
    },
    ...overrides,
  });
}

/** The same alarm going back to OK. */
export function okAlarmMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return dlqAlarmMessage({
    NewStateValue: 'OK',
    OldStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (27/11/26 10:30:00)] was not greater than or equal to the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).',
    StateChangeTime: '2026-11-27T10:31:00.456+0000',
    ...overrides,
  });
}

/** An SNS event delivering `messages` (objects are serialised, strings sent as they are). */
export function snsEvent(...messages: (Record<string, unknown> | string)[]): SNSEvent {
  return {
    Records: messages.map((message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:taskpipe-alarms:5f1c',
      Sns: {
        Type: 'Notification',
        MessageId: `00000000-0000-0000-0000-00000000000${i}`,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:taskpipe-alarms',
        Subject: 'ALARM: "taskpipe-prod-dlq-default-not-empty" in US East (N. Virginia)',
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: '2026-11-27T10:01:00.200Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
        UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

/** The notice of a message built by the factories above. */
export function noticeOf(message: Record<string, unknown>): AlarmNotice {
  return alarmNoticeFrom(parseAlarmMessage(JSON.stringify(message)));
}

/** Alarm text that tries every trick: markup, mentions, links, invisible characters. */
export const HOSTILE =
  '<script>alert(1)</script> <!channel> <!here> <@U024BE7LH> @everyone @here <at id=all></at> ' +
  '[click](javascript:alert(1)) **bold** _it_ `code` # head & <b>x</b> \u200B@\u200Beveryone \u202Egnp.exe\u202C';

/** A message whose every text field is hostile; the reason is over 10 KB. */
export function hostileAlarmMessage(): Record<string, unknown> {
  return dlqAlarmMessage({
    AlarmName: `evil ${HOSTILE}`.slice(0, 255),
    AlarmDescription: `Runbook ${HOSTILE}`,
    NewStateReason: `${HOSTILE} ${'x'.repeat(10_240)}`,
  });
}

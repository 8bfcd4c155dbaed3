import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmsSchema } from '../../definition/index.js';
import { logicalId } from './fixtures.js';
import {
  DUMMY_HTTP_API_ID,
  definitionWithWebhooks,
  monitoringStack,
} from './monitoringFixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

let template: Template;
let built: ReturnType<typeof monitoringStack>;
let topicRef: Json;

beforeAll(() => {
  built = monitoringStack();
  template = built.template;
  topicRef = { Ref: logicalId(built.monitoring.topic.topic) };
});

const alarms = (t: Template = template) =>
  Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Json);
const alarmNamed = (suffix: string, t: Template = template) => {
  const found = alarms(t).find((a) => a.AlarmName === `Monitored-${suffix}`);
  if (!found) throw new Error(`no alarm Monitored-${suffix}`);
  return found;
};

const EXPECTED = [
  // name, comparison, threshold, evaluation periods
  ['high-dlq-not-empty', 'GreaterThanOrEqualToThreshold', 1, 1],
  ['default-dlq-not-empty', 'GreaterThanOrEqualToThreshold', 1, 1],
  ['low-dlq-not-empty', 'GreaterThanOrEqualToThreshold', 1, 1],
  ['high-oldest-message-age', 'GreaterThanOrEqualToThreshold', 172_800, 3],
  ['default-oldest-message-age', 'GreaterThanOrEqualToThreshold', 172_800, 3],
  ['low-oldest-message-age', 'GreaterThanOrEqualToThreshold', 172_800, 3],
  ['consumer-errors', 'GreaterThanOrEqualToThreshold', 1, 1],
  ['consumer-throttles', 'GreaterThanOrEqualToThreshold', 1, 3],
  ['task-failure-rate', 'GreaterThanThreshold', 5, 3],
  ['duration-near-timeout', 'GreaterThanThreshold', 80, 3],
  ['api-5xx', 'GreaterThanOrEqualToThreshold', 5, 1],
  ['breaker-opened', 'GreaterThanOrEqualToThreshold', 1, 1],
  ['notifier-failures', 'GreaterThanOrEqualToThreshold', 1, 1],
  // The fixture has schedules, so Scheduler's dead-letter queue is watched too.
  ['schedules-dlq-not-empty', 'GreaterThanOrEqualToThreshold', 1, 1],
] as const;

describe('alarms', () => {
  it('are exactly the alarms of the definition, plus the notifier failure alarm', () => {
    expect(
      alarms()
        .map((a) => a.AlarmName.replace('Monitored-', ''))
        .sort(),
    ).toEqual(EXPECTED.map(([name]) => name).sort());
  });

  it.each(EXPECTED)('%s: %s %d over %d period(s)', (name, comparison, threshold, periods) => {
    expect(alarmNamed(name)).toMatchObject({
      ComparisonOperator: comparison,
      Threshold: threshold,
      EvaluationPeriods: periods,
      TreatMissingData: 'notBreaching',
    });
  });

  it('all notify the topic on ALARM and on OK, and carry a runbook', () => {
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
      expect(alarm.AlarmDescription.length).toBeGreaterThan(60);
    }
  });

  it('watch each DLQ’s visible messages (Maximum) and name the redrive command', () => {
    for (const q of built.storage.queues) {
      const alarm = alarmNamed(`${q.priority}-dlq-not-empty`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Period: 300,
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(q.deadLetterQueue), 'QueueName'] },
          },
        ],
      });
      expect(alarm.AlarmDescription).toContain(
        `npx taskpipe redrive --stack Monitored --queue ${q.priority}`,
      );
    }
  });

  it('watch the age of each queue’s oldest message against half its retention', () => {
    const q = built.storage.queueFor('low')!;
    // The default retention is 4 days (345,600 s); the threshold 50% of it.
    expect(alarmNamed('low-oldest-message-age').AlarmDescription).toContain(
      "has waited 172800 s, 50% of the queue's retention of 345600 s",
    );
    expect(alarmNamed('low-oldest-message-age')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(q.queue), 'QueueName'] } },
      ],
    });
  });

  it('watch the consumer’s Errors and Throttles', () => {
    const fn = { Ref: logicalId(built.consumer.function) };
    for (const [name, metric] of [
      ['consumer-errors', 'Errors'],
      ['consumer-throttles', 'Throttles'],
    ]) {
      expect(alarmNamed(name!)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: fn }],
      });
    }
  });

  it('compute the failure rate over every task type, 0 below the minimum volume', () => {
    const metrics = alarmNamed('task-failure-rate').Metrics as Json[];
    const returned = metrics.filter((m) => m.ReturnData !== false);
    expect(returned).toHaveLength(1);
    expect(returned[0]!.Expression).toBe(
      'IF(failed + succeeded >= 20, 100 * failed / (failed + succeeded), 0)',
    );
    const byId = Object.fromEntries(metrics.map((m) => [m.Id, m]));
    expect(byId.failed.Expression).toBe('FILL(f0, 0) + FILL(f1, 0)');
    expect(byId.succeeded.Expression).toBe('FILL(s0, 0) + FILL(s1, 0)');
    const stat = (id: string) => byId[id].MetricStat;
    expect(stat('f1')).toEqual({
      Metric: {
        Namespace: 'Taskpipe',
        MetricName: 'TasksFailed',
        Dimensions: [
          { Name: 'TaskType', Value: 'report.build' },
          { Name: 'service', Value: 'taskpipe' },
        ],
      },
      Period: 300,
      Stat: 'Sum',
    });
    expect(stat('s0').Metric).toMatchObject({
      MetricName: 'TasksSucceeded',
      Dimensions: [
        { Name: 'TaskType', Value: 'mail.send' },
        { Name: 'service', Value: 'taskpipe' },
      ],
    });
  });

  it('compare each type’s p99 duration with 80% of its own timeout', () => {
    const metrics = alarmNamed('duration-near-timeout').Metrics as Json[];
    // mail.send times out at 20 s, report.build at 40 s (test registry).
    expect(metrics[0]).toMatchObject({
      Expression: 'MAX([d0 * 100 / 20000, d1 * 100 / 40000])',
    });
    expect(
      metrics.slice(1).map((m) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat]),
    ).toEqual([
      ['TaskDuration', 'p99'],
      ['TaskDuration', 'p99'],
    ]);
  });

  it('watch the HTTP API’s 5xx rate, above a minimum number of requests', () => {
    const metrics = alarmNamed('api-5xx').Metrics as Json[];
    expect(metrics[0]).toMatchObject({
      Expression: 'IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)',
      ReturnData: true,
    });
    const stats = metrics.slice(1).map((m) => m.MetricStat);
    expect(stats.map((s) => [s.Metric.MetricName, s.Stat, s.Metric.Dimensions])).toEqual([
      ['5xx', 'Sum', [{ Name: 'ApiId', Value: DUMMY_HTTP_API_ID }]],
      ['Count', 'Sum', [{ Name: 'ApiId', Value: DUMMY_HTTP_API_ID }]],
    ]);
  });
});

describe('breaker-opened alarm', () => {
  it("sums the consumer's BreakerOpened, whose only dimension is the pipeline", () => {
    expect(alarmNamed('breaker-opened')).toMatchObject({
      Namespace: 'Taskpipe',
      MetricName: 'BreakerOpened',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'service', Value: 'taskpipe' }],
    });
  });

  it('says where the key is and what to do, with the stateful stack in the command', () => {
    const runbook = alarmNamed('breaker-opened').AlarmDescription as string;
    expect(runbook).toContain('npx taskpipe breaker list --stack Monitored');
    expect(runbook).toContain('filter ispresent(BreakerOpened) | fields breaker');
    expect(runbook).toContain('docs/pause-and-breakers.md#when-a-breaker-opens-or-closes');
  });

  it('is one kind a webhook may subscribe to', () => {
    expect(built.monitoring.alarms.factory.alarmNamesOf('breakerOpened')).toHaveLength(1);
  });
});

describe('alarm settings', () => {
  it('default as documented, with a minimum volume for the failure rate', () => {
    const defaults = alarmsSchema.parse({});
    expect(defaults.taskFailureRate).toEqual({
      enabled: true,
      threshold: 5,
      evaluationPeriods: 3,
      minimumVolume: 20,
    });
    expect(defaults.deadLetterQueueNotEmpty).toEqual({
      enabled: true,
      threshold: 1,
      evaluationPeriods: 1,
    });
    expect(defaults.breakerOpened).toEqual({ enabled: true, threshold: 1, evaluationPeriods: 1 });
  });

  it('switch one alarm off without touching the others, and tune another', () => {
    const { template: tuned } = monitoringStack(
      {
        ...definitionWithWebhooks,
        alarms: {
          consumerThrottles: { enabled: false },
          taskFailureRate: { threshold: 10, minimumVolume: 50, evaluationPeriods: 2 },
        },
      },
      {},
    );
    const names = alarms(tuned).map((a) => a.AlarmName.replace('Monitored-', ''));
    expect(names.sort()).toEqual(
      EXPECTED.map(([name]) => name)
        .filter((n) => n !== 'consumer-throttles')
        .sort(),
    );
    const rate = alarmNamed('task-failure-rate', tuned);
    expect(rate).toMatchObject({ Threshold: 10, EvaluationPeriods: 2 });
    expect(rate.Metrics[0].Expression).toContain('>= 50,');
  });

  it('leave the API alarm out when there is no API', () => {
    const { template: noApi } = monitoringStack(definitionWithWebhooks, { httpApiId: '' });
    expect(alarms(noApi).some((a) => a.AlarmName.endsWith('api-5xx'))).toBe(false);
  });
});

describe('alarm topic', () => {
  it('is encrypted with its own rotating key and refuses requests without TLS', () => {
    const key = logicalId(built.monitoring.topic.key);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    expect(template.toJSON().Resources[key].Properties.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  const ownAlarms = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:*',
          ],
        ],
      },
    },
  };

  it('lets CloudWatch alarms of this account use the key for SNS encryption', () => {
    const key = template.toJSON().Resources[logicalId(built.monitoring.topic.key)];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: ownAlarms,
      }),
    );
  });

  it('lets only CloudWatch alarms of this account publish', () => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const allows = (policy!.Properties.PolicyDocument.Statement as Json[]).filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicRef,
        Condition: ownAlarms,
      }),
    ]);
  });
});

describe('many task types', () => {
  it('split the failure rate over alarms of at most 10 metrics each', () => {
    const types = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((l) => `type.${l}`);
    const { template: many } = monitoringStack(definitionWithWebhooks, { taskTypes: types });
    const rates = alarms(many).filter((a) => a.AlarmName.includes('task-failure-rate'));
    expect(rates.map((a) => a.AlarmName)).toEqual([
      'Monitored-task-failure-rate',
      'Monitored-task-failure-rate-2',
    ]);
    const stats = (a: Json) => (a.Metrics as Json[]).filter((m) => m.MetricStat);
    expect(rates.map((a) => stats(a).length)).toEqual([10, 4]);
    // Seven p99 metrics fit in one duration alarm.
    const duration = alarmNamed('duration-near-timeout', many);
    expect(stats(duration)).toHaveLength(7);
  });
});

import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskpipeStatefulStack, TaskpipeStatelessStack } from '../../infra/index.js';
import { logicalId, producedValue, synthTaskpipe } from './fixtures.js';
import { definitionWithWebhooks } from './monitoringFixtures.js';
import { problemsOf } from './problems.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

let stateful: Template;
let template: Template;
let statefulStack: TaskpipeStatefulStack;
let stack: TaskpipeStatelessStack;

beforeAll(() => {
  const synth = synthTaskpipe({ definition: definitionWithWebhooks });
  ({ statefulTemplate: stateful, statelessTemplate: template } = synth);
  statefulStack = synth.stateful;
  stack = synth.stateless;
});

const alarm = (suffix: string) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
    (a) => a.Properties.AlarmName === `TaskpipeStateless-${suffix}`,
  )!.Properties as Json;

describe('monitoring in the app', () => {
  it('lives in the stateless stack, under the pipeline', () => {
    const { monitoring } = stack.pipeline;
    expect(monitoring.node.path).toBe('TaskpipeStateless/Pipeline/Monitoring');
    expect(monitoring.topic.topic.node.path).toBe(
      'TaskpipeStateless/Pipeline/Monitoring/AlarmTopic/Topic',
    );
    expect(Object.keys(stateful.findResources('AWS::CloudWatch::Alarm'))).toEqual([]);
  });

  it('watches the stateful DLQs and names the stateful stack in the redrive command', () => {
    const high = statefulStack.storage.queueFor('high')!;
    const dlq = alarm('high-dlq-not-empty');
    expect(producedValue(stateful, dlq.Dimensions[0].Value)).toEqual({
      'Fn::GetAtt': [logicalId(high.deadLetterQueue), 'QueueName'],
    });
    expect(dlq.AlarmDescription).toContain(
      'npx taskpipe redrive --stack TaskpipeStateful --queue high',
    );
  });

  it('watches the real HTTP API’s 5xx responses', () => {
    const stats = (alarm('api-5xx').Metrics as Json[]).filter((m) => m.MetricStat);
    expect(stats.map((m) => m.MetricStat.Metric.Dimensions)).toEqual([
      [{ Name: 'ApiId', Value: { Ref: logicalId(stack.pipeline.api.httpApi) } }],
      [{ Name: 'ApiId', Value: { Ref: logicalId(stack.pipeline.api.httpApi) } }],
    ]);
  });

  it('sums the failure rate over every registered task type', () => {
    const types = (alarm('task-failure-rate').Metrics as Json[])
      .filter((m) => m.MetricStat?.Metric.MetricName === 'TasksFailed')
      .map((m) => m.MetricStat.Metric.Dimensions[0].Value);
    expect(types).toEqual(['mail.send', 'report.build']);
  });

  it('creates asked-for webhook secrets in the stateful stack, retained', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { Name: 'taskpipe/webhooks/oncall', SecretString: '{"url":""}' },
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('outputs the dashboard name and the alarm topic ARN', () => {
    const { monitoring } = stack.pipeline;
    template.hasOutput('DashboardName', {
      Value: { Ref: logicalId(monitoring.dashboard.dashboard) },
    });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalId(monitoring.topic.topic) } });
  });
});

describe('notifier settings in the definition', () => {
  it('refuse a Lambda timeout shorter than every attempt at a webhook', () => {
    expect(problemsOf({ notifier: { webhookTimeoutMs: 10_000, timeoutSeconds: 30 } })).toEqual([
      'notifier.timeoutSeconds 30 must be longer than webhookTimeoutMs 10000 × 3 attempts = 30000 ms',
    ]);
  });
});

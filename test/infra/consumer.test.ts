import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PipelineDefinitionInput } from '../../definition/index.js';
import { parseConsumerConfig, parseNoticeConfig } from '../../functions/consumer/config.js';
import { createRegistry } from '../../functions/core/registry.js';
import { emailSend } from '../../functions/tasks/emailSend.js';
import { TaskPipeline } from '../../infra/index.js';
import {
  deployedEnvironment,
  getArn,
  logicalId,
  producedValue,
  STUB_ENTRY,
  synthTemplates,
  testApp,
  testRegistry,
} from './fixtures.js';

const { stateful, template, statefulStack, stack } = synthTemplates();

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;
const resources = (type: string): Json[] => Object.values(template.findResources(type));
const queueOf = (priority: string) => statefulStack.storage.queueFor(priority)!;
const fn = () =>
  template.toJSON().Resources[logicalId(stack.pipeline.consumer.function)].Properties as Json;

describe('consumer function', () => {
  it('runs on ARM64 with the newest Node.js runtime aws-cdk-lib knows', () => {
    const newest = Runtime.ALL.filter((r) => /^nodejs\d+\.x$/.test(r.name))
      .map((r) => r.name)
      .sort((a, b) => Number.parseInt(a.slice(6), 10) - Number.parseInt(b.slice(6), 10))
      .at(-1);
    template.resourceCountIs('AWS::Lambda::Function', 2); // the consumer and the api
    expect(fn()).toMatchObject({
      Runtime: newest,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 60,
      ReservedConcurrentExecutions: 50,
    });
  });

  it('logs to its own log group with a retention, through its own role', () => {
    const consumer = stack.pipeline.consumer;
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(fn().LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(consumer.logGroup) } });
    expect(fn().Role).toEqual(getArn(consumer.role));
    expect(resources('AWS::IAM::Role').every((r) => !r.Properties.ManagedPolicyArns)).toBe(true);
  });

  it('gets its configuration, and nothing secret, from the environment', () => {
    const env = fn().Environment.Variables as Json;
    // No NODE_OPTIONS: source maps are opt-in (they slow every cold start).
    expect(Object.keys(env).sort()).toEqual([
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TASKPIPE_ALARM_TOPIC_ARN',
      'TASKPIPE_EMAIL_MAX_SEND_RATE',
      'TASKPIPE_MAX_RESULT_BYTES',
      'TASKPIPE_QUEUES',
      'TASKPIPE_RECORD_CONCURRENCY',
      'TASKPIPE_RETENTION_DAYS',
      'TASKPIPE_SAFETY_MARGIN_MS',
      'TASKPIPE_TABLE_NAME',
    ]);
    expect(env).toMatchObject({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: 'Taskpipe',
      POWERTOOLS_SERVICE_NAME: 'taskpipe',
      TASKPIPE_EMAIL_MAX_SEND_RATE: '1',
      TASKPIPE_MAX_RESULT_BYTES: '32768',
      TASKPIPE_RECORD_CONCURRENCY: '10',
      TASKPIPE_RETENTION_DAYS: '30',
      TASKPIPE_SAFETY_MARGIN_MS: '5000',
    });
    expect(producedValue(stateful, env.TASKPIPE_TABLE_NAME)).toEqual({
      Ref: logicalId(statefulStack.storage.taskTable.table),
    });
  });

  const environment = (url?: (id: string) => string) =>
    deployedEnvironment(stateful, fn().Environment.Variables, url);

  it('lists every queue in TASKPIPE_QUEUES as { priority, name, url, dlqUrl }, fifo only if so', () => {
    const routes = JSON.parse(environment().TASKPIPE_QUEUES);
    expect(routes).toEqual(
      ['high', 'default', 'low'].map((priority) => ({
        priority,
        name: `name:${logicalId(queueOf(priority).queue)}`,
        url: `ref:${logicalId(queueOf(priority).queue)}`,
        dlqUrl: `ref:${logicalId(queueOf(priority).deadLetterQueue)}`,
      })),
    );
  });

  it("is accepted by the consumer's own configuration parser", () => {
    const env = environment((id) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${id}`);
    const config = parseConsumerConfig(env);
    expect(config.queues.map((q) => q.priority)).toEqual(['high', 'default', 'low']);
    expect(config.queues.map((q) => q.fifo)).toEqual([false, false, false]);
    expect(config).toMatchObject({
      tableName: logicalId(statefulStack.storage.taskTable.table),
      retentionDays: 30,
      maxResultBytes: 32_768,
      recordConcurrency: 10,
      safetyMarginMs: 5_000,
      metricsNamespace: 'Taskpipe',
    });
  });
});

describe('event sources', () => {
  it.each([
    { priority: 'high', cap: 20, window: undefined },
    { priority: 'default', cap: 10, window: undefined },
    { priority: 'low', cap: 5, window: 1 },
  ])(
    '$priority: partial batch responses, batch size, window and a cap of $cap',
    ({ priority, cap, window }) => {
      const mapping = resources('AWS::Lambda::EventSourceMapping').find(
        (m) =>
          JSON.stringify(producedValue(stateful, m.Properties.EventSourceArn)) ===
          JSON.stringify(getArn(queueOf(priority).queue)),
      );
      expect(mapping?.Properties).toEqual({
        EventSourceArn: expect.anything(),
        FunctionName: { Ref: logicalId(stack.pipeline.consumer.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 10,
        ScalingConfig: { MaximumConcurrency: cap },
        ...(window === undefined ? {} : { MaximumBatchingWindowInSeconds: window }),
      });
    },
  );
});

describe('permissions', () => {
  const consumerStatements = () => {
    const policy = resources('AWS::IAM::Policy').find(
      (p) => p.Properties.Roles[0].Ref === logicalId(stack.pipeline.consumer.role),
    );
    return policy?.Properties.PolicyDocument.Statement as Json[];
  };
  // Stateful resources come through a cross-stack output; the alarm topic is in this stack.
  const targets = (statement: Json) =>
    [statement.Resource]
      .flat()
      .map((r) => JSON.stringify(r['Fn::GetStackOutput'] ? producedValue(stateful, r) : r));

  it('has no wildcard action or resource', () => {
    // Callback secrets are named by their users under one prefix, the narrowest ARN there is
    // (docs/callbacks.md); the API refuses any other name.
    const text = JSON.stringify(consumerStatements()).replace(':secret:taskpipe/callbacks/*"', '"');
    expect(text).not.toMatch(/"\*"|:\*"|\*"/);
  });

  it('reads and writes single table items, on the base table only', () => {
    const statement = consumerStatements().find((s) => String(s.Action).includes('dynamodb'))!;
    // DeleteItem: a claim or settle first removes an expired item its id is reused over.
    // BatchGetItem: a follow-up reads its group's leaves.
    expect(statement.Action).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(targets(statement)).toEqual([
      JSON.stringify(getArn(statefulStack.storage.taskTable.table)),
    ]);
  });

  it('sends to every queue and DLQ, and uses the queue and alarm topic keys for data keys', () => {
    const statements = consumerStatements();
    const send = statements.find((s) => s.Action === 'sqs:SendMessage')!;
    const all = statefulStack.storage.queues.flatMap((q) => [q.queue, q.deadLetterQueue]);
    expect(targets(send).sort()).toEqual(all.map((q) => JSON.stringify(getArn(q))).sort());
    // One statement for the data keys: the queues' key and the alarm topic's.
    const kms = statements.filter((s) => String(s.Action).includes('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0]!.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(targets(kms[0]!).sort()).toEqual(
      [
        JSON.stringify(getArn(statefulStack.storage.queueKey)),
        JSON.stringify(getArn(stack.pipeline.monitoring.topic.key)),
      ].sort(),
    );
  });

  it('may publish to the alarm topic, under its key, and make no other SNS call', () => {
    const alarmTopic = stack.pipeline.monitoring.topic;
    const statements = consumerStatements();
    const sns = statements.filter((s) => JSON.stringify(s.Action).includes('sns:'));
    expect(sns).toEqual([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: logicalId(alarmTopic.topic) } },
    ]);
    // Its key's data-key calls: see the statement checked above.
    const topicKey = JSON.stringify(getArn(alarmTopic.key));
    const kms = statements.filter((s) => targets(s).includes(topicKey));
    expect(kms.map((s) => s.Action)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey']]);
    // The topic's own policy still lets no one but CloudWatch alarms publish as a service.
    const topicPolicy = resources('AWS::SNS::TopicPolicy')[0]?.Properties.PolicyDocument
      .Statement as Json[];
    expect(topicPolicy.some((s) => JSON.stringify(s.Principal).includes('AWS'))).toBe(false);
  });

  it("names the alarm topic in TASKPIPE_ALARM_TOPIC_ARN, which the consumer's parser accepts", () => {
    const env = fn().Environment.Variables as Json;
    expect(env.TASKPIPE_ALARM_TOPIC_ARN).toEqual({
      Ref: logicalId(stack.pipeline.monitoring.topic.topic),
    });
    const arn = 'arn:aws:sns:eu-west-1:123456789012:taskpipe-AlarmTopic-ABC123';
    expect(parseNoticeConfig({ TASKPIPE_ALARM_TOPIC_ARN: arn }).alarmTopicArn).toBe(arn);
    expect(() => parseNoticeConfig({ TASKPIPE_ALARM_TOPIC_ARN: 'taskpipe-alarms' })).toThrow(
      /TASKPIPE_ALARM_TOPIC_ARN: must be an SNS topic ARN/,
    );
  });
});

describe('outputs', () => {
  it('names the consumer function and its log group', () => {
    const consumer = stack.pipeline.consumer;
    template.hasOutput('ConsumerFunctionName', { Value: { Ref: logicalId(consumer.function) } });
    template.hasOutput('ConsumerLogGroupName', { Value: { Ref: logicalId(consumer.logGroup) } });
  });
});

describe("email.send's default send rate", () => {
  const pipeline = (queues: PipelineDefinitionInput['queues'], maxSendRate?: number) => {
    const stack = new Stack(testApp(), 'Mail');
    new TaskPipeline(stack, 'Pipeline', {
      definition: { queues, ...(maxSendRate ? { email: { maxSendRate } } : {}) },
      registry: createRegistry([emailSend, ...testRegistry.definitions]),
      consumerEntry: STUB_ENTRY,
      apiEntry: STUB_ENTRY,
    });
    return stack;
  };

  it('reaches the consumer as set in the definition', () => {
    const stack = pipeline([{ priority: 'default', maxConcurrency: 5 }], 14);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TASKPIPE_EMAIL_MAX_SEND_RATE: '14' }) },
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('email.maxSendRate'));
  });

  it('synthesizes beside a FIFO queue, with a warning that it does not hold there', () => {
    const stack = pipeline([
      { priority: 'default', maxConcurrency: 5 },
      { priority: 'ordered', maxConcurrency: 5, fifo: true },
    ]);
    Annotations.fromStack(stack).hasWarning(
      '/Mail/Pipeline/Consumer',
      Match.stringLikeRegexp(
        'email.send sent to FIFO queue "ordered" is not held to email.maxSendRate',
      ),
    );
  });
});

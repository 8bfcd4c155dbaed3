import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseApiConfig } from '../../functions/api/config.js';
import { FUNCTION_RUNTIME } from '../../infra/index.js';
import {
  deployedEnvironment,
  getArn,
  logicalId,
  producedValue,
  synthTemplates,
} from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

const { stateful, template, statefulStack, stack } = synthTemplates();

const resources = (t: Template, type: string): Json[] => Object.values(t.findResources(type));
const props = (construct: Parameters<typeof logicalId>[0]) =>
  template.toJSON().Resources[logicalId(construct)].Properties as Json;
const ref = (construct: Parameters<typeof logicalId>[0]) => ({ Ref: logicalId(construct) });

describe('api function', () => {
  const fn = () => props(stack.pipeline.api.function);

  it('runs on ARM64 with the runtime the consumer uses, logging to its own group', () => {
    expect(fn()).toMatchObject({
      Runtime: FUNCTION_RUNTIME.name,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 10,
      Role: getArn(stack.pipeline.api.role),
      LoggingConfig: { LogGroup: ref(stack.pipeline.api.logGroup) },
    });
    expect(props(stack.pipeline.api.logGroup)).toEqual({ RetentionInDays: 30 });
  });

  it('gets the configuration functions/api parses, and nothing secret', () => {
    const env = fn().Environment.Variables as Json;
    expect(Object.keys(env).sort()).toEqual([
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'TASKPIPE_ALARM_TOPIC_ARN',
      'TASKPIPE_CALLBACK_SECRET_PREFIX',
      'TASKPIPE_MAX_PAYLOAD_BYTES',
      'TASKPIPE_PIPELINE_NAME',
      'TASKPIPE_QUEUES',
      'TASKPIPE_RETENTION_DAYS',
      'TASKPIPE_SCHEDULER',
      'TASKPIPE_TABLE_NAME',
    ]);
    // The same queue list as the consumer's, from the same builder.
    const consumer = props(stack.pipeline.consumer.function).Environment.Variables;
    expect(env.TASKPIPE_QUEUES).toEqual(consumer.TASKPIPE_QUEUES);
    expect(env.TASKPIPE_TABLE_NAME).toEqual(consumer.TASKPIPE_TABLE_NAME);
    // Breakers moved by hand are announced on the consumer's topic, under the pipeline's name.
    expect(env.TASKPIPE_ALARM_TOPIC_ARN).toEqual(consumer.TASKPIPE_ALARM_TOPIC_ARN);
    expect(env.TASKPIPE_PIPELINE_NAME).toBe('taskpipe');
  });

  it("is accepted by the api's own configuration parser", () => {
    const env = deployedEnvironment(
      stateful,
      fn().Environment.Variables,
      (id) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${id}`,
    );
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:taskpipe-AlarmTopic-ABC123';
    const config = parseApiConfig({ ...env, TASKPIPE_ALARM_TOPIC_ARN: topicArn });
    expect(config).toMatchObject({
      alarmTopicArn: topicArn,
      pipelineName: 'taskpipe',
      tableName: logicalId(statefulStack.storage.taskTable.table),
      maxPayloadBytes: 262_144,
      retentionDays: 30,
      serviceName: 'taskpipe-api',
    });
    expect(config.queues.map((q) => [q.priority, q.fifo])).toEqual([
      ['high', false],
      ['default', false],
      ['low', false],
    ]);
    expect(env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
  });
});

describe('api permissions', () => {
  const statements = () => {
    const policy = resources(template, 'AWS::IAM::Policy').find(
      (p) => p.Properties.Roles[0].Ref === logicalId(stack.pipeline.api.role),
    );
    return policy?.Properties.PolicyDocument.Statement as Json[];
  };
  const statement = (action: string) => statements().find((s) => [s.Action].flat()[0] === action)!;
  const targets = (s: Json) =>
    [s.Resource]
      .flat()
      .map((r) => JSON.stringify(r['Fn::GetStackOutput'] ? producedValue(stateful, r) : r));
  const table = () => statefulStack.storage.taskTable.table;

  it('has no wildcard action or resource', () => {
    // Scheduled runs are named per task at enqueue: their group's prefix is the narrowest ARN.
    const text = JSON.stringify(statements()).replace(':schedule/taskpipe-delays/*"', '"');
    expect(text).not.toMatch(/"\*"|:\*"|\*"|\/\*/);
    // logs, table, failure index, queues, keys, schedules, the scheduler role, the alarm topic
    expect(statements()).toHaveLength(8);
  });

  it('writes only to its own log group', () => {
    expect(statement('logs:CreateLogStream')).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: getArn(stack.pipeline.api.logGroup),
    });
  });

  it('reads, writes, deletes and scans items on the base table', () => {
    const items = statement('dynamodb:BatchGetItem');
    expect(items.Action).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(targets(items)).toEqual([JSON.stringify(getArn(table()))]);
  });

  it('queries the two failure indexes, and no other', () => {
    const query = statement('dynamodb:Query');
    const joins = [query.Resource].flat().map((r: Json) => r['Fn::Join'][1]);
    for (const [tableArn] of joins) {
      expect(producedValue(stateful, tableArn)).toEqual(getArn(table()));
    }
    expect(joins.map(([, suffix]: string[]) => suffix).sort()).toEqual([
      '/index/allFailures',
      '/index/failures',
    ]);
  });

  it('sends to the priority queues (not the DLQs) with a data key from the queue key', () => {
    const send = statement('sqs:SendMessage');
    const queues = statefulStack.storage.queues.map((q) => JSON.stringify(getArn(q.queue)));
    expect(targets(send).sort()).toEqual(queues.sort());
    const kms = statement('kms:Decrypt');
    expect(kms.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // The queues' key, and the alarm topic's (for breaker notices, below).
    expect(targets(kms).sort()).toEqual(
      [
        JSON.stringify(getArn(statefulStack.storage.queueKey)),
        JSON.stringify(getArn(stack.pipeline.monitoring.topic.key)),
      ].sort(),
    );
  });

  it('may publish to the alarm topic, and make no other SNS call', () => {
    const sns = statements().filter((s) => JSON.stringify(s.Action).includes('sns:'));
    expect(sns).toEqual([
      {
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: { Ref: logicalId(stack.pipeline.monitoring.topic.topic) },
      },
    ]);
  });
});

describe('outputs', () => {
  it('give the API URL next to the consumer outputs', () => {
    const api = logicalId(stack.pipeline.api.httpApi);
    template.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: api },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/',
          ],
        ],
      },
    });
    expect(Object.keys(template.toJSON().Outputs)).toEqual([
      'ConsumerFunctionName',
      'ConsumerLogGroupName',
      'ApiUrl',
      'DashboardName',
      'AlarmTopicArn',
    ]);
  });
});

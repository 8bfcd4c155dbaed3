import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import type { TaskpipeStatefulStack } from '../../infra/index.js';
import { logicalId, synthTaskpipe } from './fixtures.js';

let template: Template;
let stack: TaskpipeStatefulStack;

beforeAll(() => {
  const synth = synthTaskpipe();
  template = synth.statefulTemplate;
  stack = synth.stateful;
});

const DAY = 86_400;
const getArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('queues', () => {
  const expected = [
    { priority: 'high', visibility: 360 },
    { priority: 'default', visibility: 360 },
    { priority: 'low', visibility: 361 },
  ];

  it('has one queue and one DLQ per priority, plus the Scheduler DLQ', () => {
    template.resourceCountIs('AWS::SQS::Queue', 7);
  });

  it.each(expected)(
    '$priority: KMS SSE, retention, visibility and redrive to its DLQ',
    ({ priority, visibility }) => {
      const storage = stack.storage;
      const key = logicalId(storage.queueKey);
      const dlq = logicalId(storage.queueFor(priority)!.deadLetterQueue);
      const queue = logicalId(storage.queueFor(priority)!.queue);
      const resources = template.toJSON().Resources;

      expect(resources[queue]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          KmsMasterKeyId: getArn(key),
          MessageRetentionPeriod: 4 * DAY,
          VisibilityTimeout: visibility,
          RedrivePolicy: { deadLetterTargetArn: getArn(dlq), maxReceiveCount: 14 },
        },
      });
      expect(resources[dlq]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { KmsMasterKeyId: getArn(key), MessageRetentionPeriod: 14 * DAY },
      });
    },
  );

  it('denies every request without TLS on every queue', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(7);
    const covered = Object.values(policies).flatMap((policy) => {
      const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      return policy.Properties.Queues;
    });
    const queues = Object.keys(template.findResources('AWS::SQS::Queue')).map((id) => ({
      Ref: id,
    }));
    expect(covered).toEqual(expect.arrayContaining(queues));
  });

  it('encrypts with a customer-managed key that rotates and is retained', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
  });

  it('keeps undeliverable schedule invocations on an SSE-SQS queue for 14 days', () => {
    const id = logicalId(stack.storage.scheduleDeadLetterQueue);
    expect(template.toJSON().Resources[id].Properties).toEqual({
      MessageRetentionPeriod: 14 * DAY,
      SqsManagedSseEnabled: true,
    });
  });
});

describe('task table', () => {
  it('is on-demand with PITR, TTL, the sparse failure indexes and deletion protection', () => {
    const { failureIndex, allFailuresIndex } = TASK_TABLE;
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TASK_TABLE.ttlAttribute, Enabled: true },
        KeySchema: [{ AttributeName: TASK_TABLE.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: TASK_TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: failureIndex.partitionKey, AttributeType: 'S' },
          { AttributeName: failureIndex.sortKey, AttributeType: 'N' },
          { AttributeName: allFailuresIndex.partitionKey, AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: failureIndex.name,
            KeySchema: [
              { AttributeName: failureIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: failureIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: allFailuresIndex.name,
            KeySchema: [
              { AttributeName: allFailuresIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: allFailuresIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    });
  });
});

describe('stack', () => {
  it('is protected from deletion', () => {
    expect(stack.terminationProtection).toBe(true);
  });

  it('outputs the queue and DLQ URLs, the table name and the Scheduler DLQ', () => {
    const { storage } = stack;
    const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
    for (const [name, priority] of [
      ['High', 'high'],
      ['Default', 'default'],
      ['Low', 'low'],
    ]) {
      const q = storage.queueFor(priority!)!;
      template.hasOutput(`${name}QueueUrl`, { Value: ref(q.queue) });
      template.hasOutput(`${name}DeadLetterQueueUrl`, { Value: ref(q.deadLetterQueue) });
    }
    template.hasOutput('TaskTableName', { Value: ref(storage.taskTable.table) });
    template.hasOutput('ScheduleDeadLetterQueueUrl', {
      Value: ref(storage.scheduleDeadLetterQueue),
    });
  });

  it('outputs every queue as JSON for the CLI', () => {
    const value = stack.resolve(stack.storage.queues.map((q) => q.queue.queueUrl));
    const json = JSON.stringify(template.toJSON().Outputs.Queues.Value);
    expect(json).toContain('\\"priority\\":\\"high\\"');
    for (const url of value) expect(json).toContain(JSON.stringify(url));
  });
});

import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineConfig } from '../definition/checks.js';
import { TASK_TABLE } from '../functions/adapters/dynamodb/tableSchema.js';
import type { QueueRoute } from '../functions/core/ports.js';
import {
  deadLetterQueueAttributes,
  localQueueNames,
  sourceQueueAttributes,
} from './queueAttributes.js';

export interface LocalQueue extends QueueRoute {
  arn: string;
  dlqArn: string;
  dlqName: string;
}

/** Creates the queues, DLQs and task table of the definition on the emulators. */
export async function createLocalResources(
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient },
  config: PipelineConfig,
): Promise<{ tableName: string; queues: LocalQueue[]; typeIndex: boolean }> {
  const tableName = `${config.name}-tasks`;
  const indexes = await createTaskTable(clients.dynamodb, tableName, {
    typeIndex: config.table.typeIndex,
  });
  // A data dir's table keeps the indexes it was made with: emulators cannot add one.
  const typeIndex = indexes.has(TASK_TABLE.typeIndex.name);
  const queues: LocalQueue[] = [];
  for (const q of config.queues) {
    const { name, dlqName } = localQueueNames(config.name, q);
    const dlq = await createQueue(clients.sqs, dlqName, deadLetterQueueAttributes(q));
    const source = await createQueue(clients.sqs, name, sourceQueueAttributes(q, dlq.arn));
    queues.push({
      priority: q.priority,
      name,
      url: source.url,
      arn: source.arn,
      dlqUrl: dlq.url,
      dlqArn: dlq.arn,
      dlqName,
      fifo: q.fifo,
    });
  }
  return { tableName, queues, typeIndex };
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`queue ${name} has no QueueArn`);
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

const TABLE_ACTIVE_POLLS = 200;
const TABLE_ACTIVE_POLL_MS = 25;

/**
 * Creates the task table (the production key schema) unless it exists, waits until it is
 * ACTIVE, and returns the names of the indexes it has.
 */
export async function createTaskTable(
  dynamodb: DynamoDBClient,
  tableName: string,
  options: { typeIndex?: boolean } = {},
): Promise<Set<string>> {
  const { partitionKey, failureIndex, allFailuresIndex, typeIndex } = TASK_TABLE;
  const byType = options.typeIndex
    ? {
        attributes: [
          { AttributeName: typeIndex.partitionKey, AttributeType: 'S' as const },
          { AttributeName: typeIndex.sortKey, AttributeType: 'N' as const },
        ],
        index: {
          IndexName: typeIndex.name,
          KeySchema: [
            { AttributeName: typeIndex.partitionKey, KeyType: 'HASH' as const },
            { AttributeName: typeIndex.sortKey, KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: 'ALL' as const },
        },
      }
    : undefined;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: failureIndex.partitionKey, AttributeType: 'S' },
          { AttributeName: failureIndex.sortKey, AttributeType: 'N' },
          { AttributeName: allFailuresIndex.partitionKey, AttributeType: 'S' },
          ...(byType?.attributes ?? []),
        ],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
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
          ...(byType ? [byType.index] : []),
        ],
      }),
    );
  } catch (error) {
    // A caller may share one emulator between pipelines.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // Emulators turn ACTIVE within a tick or two; the bound stops a broken one from hanging.
  for (let poll = 0; poll < TABLE_ACTIVE_POLLS; poll++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) {
      return new Set((Table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
    }
    await delay(TABLE_ACTIVE_POLL_MS);
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

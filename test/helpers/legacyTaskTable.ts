import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import { pollUntil } from './poll.js';

/** A task table made before the `allFailures` index existed: only the per-type one. */
export async function createTableWithoutAllFailures(dynamodb: DynamoDBClient, tableName: string) {
  const { partitionKey, failureIndex } = TASK_TABLE;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: failureIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: failureIndex.sortKey, AttributeType: 'N' },
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
      ],
    }),
  );
  await pollUntil(
    () => dynamodb.send(new DescribeTableCommand({ TableName: tableName })),
    ({ Table }) =>
      Table?.TableStatus === 'ACTIVE' &&
      (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE'),
    { what: `table ${tableName} active` },
  );
}

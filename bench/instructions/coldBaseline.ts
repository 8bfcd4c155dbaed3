import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';

// The cold-start baseline: an empty handler with the consumer's SDK clients, making on its
// first invocation the calls ours makes at `full` tracking: per record a claim and a finish.
const dynamodb = new DynamoDBClient({});
const clients = [dynamodb, new SQSClient({})];
const tableName = process.env.TASKPIPE_TABLE_NAME ?? '';

const write = (id: string, status: string) =>
  dynamodb.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #s = :s',
      ConditionExpression: 'attribute_not_exists(#s) OR #s <> :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: status } },
      ReturnValues: 'ALL_NEW',
    }),
  );

export const handler = async (event: SQSEvent) => {
  await Promise.all(
    event.Records.map(async (record) => {
      const { id } = JSON.parse(record.body) as { id: string };
      await write(id, 'RUNNING');
      await write(id, 'SUCCEEDED');
    }),
  );
  return { batchItemFailures: [], clients: clients.length };
};

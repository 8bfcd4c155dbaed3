import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// The API's cold-start baseline: an empty handler with the API function's SDK clients,
// making on its first invocation the calls ours makes for POST /tasks: a conditional put of
// the task's row, then the message on its queue.
const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const tableName = process.env.TASKPIPE_TABLE_NAME ?? '';
const queueUrl = (JSON.parse(process.env.TASKPIPE_QUEUES ?? '[]') as { url: string }[])[0]?.url;

export const handler = async (event: APIGatewayProxyEventV2) => {
  const { type, payload } = JSON.parse(event.body ?? '{}') as { type: string; payload: unknown };
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const body = JSON.stringify({ v: 1, id, type, payload, priority: 'default' });
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { id: { S: id }, status: { S: 'QUEUED' }, payload: { S: JSON.stringify(payload) } },
      ConditionExpression: 'attribute_not_exists(id)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  return { statusCode: 202, body: JSON.stringify({ taskId: id }) };
};

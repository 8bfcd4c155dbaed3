import {
  type DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { SQSBatchItemFailure } from 'aws-lambda';
import pLimit from 'p-limit';
import { type Envelope, parseEnvelope } from '../../functions/core/envelope.js';
import type { TrackingLevel } from '../../functions/core/task.js';
import type { SqsHandler } from '../../local/esm/EventSourcePoller.js';
import { runEnvelope } from '../consumers.js';

/**
 * The baseline of the instruction count: a consumer written by hand with plain SDK calls,
 * making the same DynamoDB requests per task as ours at `level` on the first delivery of a
 * task the TaskClient sent (no row yet, and marked so: `freshBatch`) —
 * `full`: a conditional create-or-claim update, then a conditional finish; `terminal`: one
 * conditional settle; `failures`: none (ours skips the read on such a delivery and writes
 * nothing on success). It parses the envelope and the payload and runs the task, as ours
 * does. What it leaves out is what ours adds: leases, attempts, retries, timeouts, logs and
 * metrics. test/bench/baselineParity.test.ts holds the two to the same requests.
 */
export function plainConsumer(
  level: TrackingLevel,
  dynamodb: DynamoDBClient,
  tableName: string,
  recordConcurrency: number,
): SqsHandler {
  const update = (id: string, status: string, condition: string) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #s = :s, #u = :u',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#s': 'status', '#u': 'updatedAt' },
        ExpressionAttributeValues: { ':s': { S: status }, ':u': { N: String(Date.now()) } },
        ReturnValues: 'ALL_NEW',
      } satisfies UpdateItemCommandInput),
    );
  const notEnded = 'attribute_not_exists(#s) OR #s <> :s';
  // The envelope is parsed once per record, as ours parses it.
  const steps: Record<TrackingLevel, (envelope: Envelope) => Promise<unknown>> = {
    full: async (envelope) => {
      await update(envelope.id, 'RUNNING', notEnded);
      await runEnvelope(envelope);
      await update(envelope.id, 'SUCCEEDED', notEnded);
    },
    terminal: async (envelope) => {
      await runEnvelope(envelope);
      await update(envelope.id, 'SUCCEEDED', notEnded);
    },
    failures: async (envelope) => {
      await runEnvelope(envelope);
    },
  };
  const step = steps[level];
  return async (event) => {
    const limit = pLimit(recordConcurrency);
    const failures: SQSBatchItemFailure[] = [];
    await Promise.all(
      event.Records.map((record) =>
        limit(async () => {
          try {
            await step(parseEnvelope(record.body));
          } catch {
            failures.push({ itemIdentifier: record.messageId });
          }
        }),
      ),
    );
    return { batchItemFailures: failures };
  };
}

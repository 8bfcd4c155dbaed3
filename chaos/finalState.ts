import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ATTR, itemToRecord } from '../functions/adapters/dynamodb/taskItem.js';
import { DLQ_ATTRIBUTE } from '../functions/core/consumer/deadLetterAttributes.js';
import type { TaskRecord } from '../functions/core/status.js';
import { LOCAL_CREDENTIALS } from '../local/clients.js';
import type { LocalPipelineInfo } from '../local/LocalPipeline.js';

/** A DLQ copy: the task it names (`(none)` for poison) and why it failed. */
export interface DeadLetter {
  taskId: string;
  reason: string;
  /** FIFO DLQs only. */
  groupId?: string;
  deduplicationId?: string;
}

/** Clients of their own, without the injected faults, to read the truth after a run. */
export function observerClients(info: LocalPipelineInfo) {
  const common = { region: info.region, credentials: { ...LOCAL_CREDENTIALS } };
  return {
    sqs: new SQSClient({ ...common, endpoint: info.sqsEndpoint }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: info.dynamodbEndpoint }),
  };
}

type Observer = ReturnType<typeof observerClients>;

/** Visible, in-flight and delayed messages over every source queue. */
export async function queueDepth(observer: Observer, info: LocalPipelineInfo): Promise<number> {
  let total = 0;
  for (const q of info.queues) {
    const { Attributes = {} } = await observer.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    total +=
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return total;
}

/** Every task row, by id. */
export async function scanTasks(
  observer: Observer,
  info: LocalPipelineInfo,
): Promise<Map<string, TaskRecord>> {
  const out = new Map<string, TaskRecord>();
  let start: Record<string, never> | undefined;
  for (let page = 0; page < 100_000; page++) {
    const res = await observer.dynamodb.send(
      new ScanCommand({ TableName: info.tableName, ExclusiveStartKey: start }),
    );
    for (const item of res.Items ?? []) {
      // A large payload's own item has no status; the run's payloads are small anyway.
      if (!item[ATTR.status]) continue;
      const record = itemToRecord(item);
      out.set(record.id, record);
    }
    if (!res.LastEvaluatedKey) break;
    start = res.LastEvaluatedKey as Record<string, never>;
  }
  return out;
}

/** Takes every DLQ message off (the run is over), with its failure attributes. */
export async function drainDeadLetters(
  observer: Observer,
  info: LocalPipelineInfo,
): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for (const q of info.queues) {
    for (let round = 0; round < 100_000; round++) {
      const { Messages = [] } = await observer.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: q.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) {
        const attr = (name: string) => m.MessageAttributes?.[name]?.StringValue ?? '';
        const { MessageGroupId, MessageDeduplicationId } = m.Attributes ?? {};
        out.push({
          taskId: attr(DLQ_ATTRIBUTE.taskId),
          reason: attr(DLQ_ATTRIBUTE.reason),
          ...(MessageGroupId ? { groupId: MessageGroupId } : {}),
          ...(MessageDeduplicationId ? { deduplicationId: MessageDeduplicationId } : {}),
        });
      }
      await observer.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: q.dlqUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
  return out;
}

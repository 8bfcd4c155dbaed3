import type { SQSRecord } from 'aws-lambda';
import type { QueueMessage } from '../core/consumer/types.js';
import { ConfigError } from '../core/errors.js';
import type { MessageAttributes, QueueRoute } from '../core/ports.js';

/** Maps a Lambda SQS record to the core's message, finding its queue by the ARN's name. */
export function toQueueMessage(
  record: SQSRecord,
  routesByName: ReadonlyMap<string, QueueRoute>,
): QueueMessage {
  const name = record.eventSourceARN.slice(record.eventSourceARN.lastIndexOf(':') + 1);
  const queue = routesByName.get(name);
  if (!queue) {
    throw new ConfigError(
      `record from queue ${JSON.stringify(name)}, which is not in TASKPIPE_QUEUES (${[...routesByName.keys()].join(', ')})`,
    );
  }
  const attributes: MessageAttributes = {};
  for (const [key, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[key] = value.stringValue;
  }
  return {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    queue,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1),
    sentTimestamp: Number(record.attributes.SentTimestamp ?? Date.now()),
    ...(record.attributes.MessageGroupId
      ? { messageGroupId: record.attributes.MessageGroupId }
      : {}),
    attributes,
  };
}

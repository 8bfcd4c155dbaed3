import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueRoute } from '../functions/core/ports.js';

export interface QueueDepth {
  priority: string;
  queue: { visible: number; inFlight: number; delayed: number };
  dlq: { visible: number; inFlight: number };
}

const DEPTH_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

async function depth(sqs: SQSClient, url: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...DEPTH_ATTRIBUTES] }),
  );
  const n = (name: (typeof DEPTH_ATTRIBUTES)[number]) => Number(Attributes[name] ?? 0);
  return {
    visible: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    delayed: n('ApproximateNumberOfMessagesDelayed'),
  };
}

/** Each queue's and DLQ's approximate depth (GetQueueAttributes). */
export async function queueDepths(
  sqs: SQSClient,
  routes: readonly QueueRoute[],
): Promise<QueueDepth[]> {
  return Promise.all(
    routes.map(async (route) => {
      const [queue, dlq] = await Promise.all([depth(sqs, route.url), depth(sqs, route.dlqUrl)]);
      return {
        priority: route.priority,
        queue,
        dlq: { visible: dlq.visible, inFlight: dlq.inFlight },
      };
    }),
  );
}

/** How long peeked messages stay hidden while the peek goes on; they are released after. */
const PEEK_HOLD_SECONDS = 30;
const MAX_PEEK_RECEIVES = 200;

/**
 * Reads a DLQ's messages without deleting them. Each receive hides what it returned so the
 * next one sees the rest (with a visibility timeout of 0 every receive could return the
 * same first ten); at the end every message is made visible again at once.
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  try {
    for (let i = 0; i < MAX_PEEK_RECEIVES; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: PEEK_HOLD_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) if (m.MessageId) seen.set(m.MessageId, m);
    }
  } finally {
    await releaseMessages(sqs, queueUrl, [...seen.values()]);
  }
  return [...seen.values()];
}

/** Makes received messages visible again now. */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, j) => ({
          Id: String(j),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

/** A String message attribute's value. */
export function attribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

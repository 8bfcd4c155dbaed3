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

const MAX_PEEK_RECEIVES = 200;
/** Receives in a row that bring nothing new before a peek ends. */
const PEEK_IDLE_RECEIVES = 3;

/**
 * Reads a queue's messages without deleting or hiding them: receives with a visibility
 * timeout of 0, so each stays visible, until as many distinct messages as the queue
 * holds were seen or a few receives in a row bring nothing new (SQS samples its servers,
 * so one receive may miss some).
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const { visible, inFlight } = await depth(sqs, queueUrl);
  const expected = visible + inFlight;
  const seen = new Map<string, Message>();
  let idle = 0;
  for (let i = 0; i < MAX_PEEK_RECEIVES && idle < PEEK_IDLE_RECEIVES; i++) {
    if (expected > 0 && seen.size >= expected) break;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const before = seen.size;
    for (const m of Messages) if (m.MessageId) seen.set(m.MessageId, m);
    idle = seen.size > before ? 0 : idle + 1;
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

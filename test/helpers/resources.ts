import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createTaskTable as createTable } from '../../local/resources.js';
import type { Backend } from './backend.js';

let counter = 0;

/**
 * A name that is unique across test files and runs, valid for SQS queues (≤ 80 characters
 * with the `-dlq.fifo` suffix) and DynamoDB tables.
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${Date.now().toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
  return `${prefix.slice(0, 40)}-${suffix}`;
}

/** Creates the task table (same key schema as production) and waits until it is ACTIVE. */
export async function createTaskTable(backend: Backend, tableName: string): Promise<void> {
  await createTable(backend.dynamodb, tableName);
}

export interface QueuePair {
  name: string;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

async function createQueue(
  backend: Backend,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await backend.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name} on ${backend.name} returned no URL`);
  const { Attributes } = await backend.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} on ${backend.name} has no QueueArn`);
  return { url: QueueUrl, arn };
}

/**
 * Creates a queue and its dead-letter queue (`<name>-dlq`), wired with a RedrivePolicy.
 * A FIFO pair gets the `.fifo` suffix on both names.
 * @default visibilityTimeout 30 s, maxReceiveCount 5
 */
export async function createQueuePair(
  backend: Backend,
  name: string,
  opts: { fifo?: boolean; visibilityTimeout?: number; maxReceiveCount?: number } = {},
): Promise<QueuePair> {
  const base = name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
  const fifo = opts.fifo ?? name.endsWith('.fifo');
  const suffix = fifo ? '.fifo' : '';
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};

  const dlq = await createQueue(backend, `${base}-dlq${suffix}`, fifoAttributes);
  const queueName = `${base}${suffix}`;
  const queue = await createQueue(backend, queueName, {
    ...fifoAttributes,
    VisibilityTimeout: String(opts.visibilityTimeout ?? 30),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: opts.maxReceiveCount ?? 5,
    }),
  });
  return { name: queueName, url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}

import type { Message } from '@aws-sdk/client-sqs';
import { parseEnvelope } from '../../functions/core/envelope.js';
import type { QueueRoute } from '../../functions/core/ports.js';
import { table } from '../output.js';
import { peekMessages } from '../queues.js';
import type { Target } from '../target.js';

/** One DLQ's messages, and those whose task is not FAILED. */
export interface DeadLetterCount {
  queue: string;
  deadLetters: number;
  /**
   * Dead-lettered without a status: the task is not FAILED (or has no row), so the
   * consumer never recorded a failure. SQS moved the message itself after maxReceiveCount
   * receives, as throttled invocations (which never run our code) cause.
   */
  withoutStatus: number;
  /** A few of their task ids, to look up. */
  taskIds: string[];
}

const SHOWN_IDS = 5;

function taskIdOf(message: Message): string | undefined {
  try {
    return parseEnvelope(message.Body ?? '').id;
  } catch {
    return undefined; // poison: never a task, so never a status to miss
  }
}

/** Reads every DLQ without taking its messages, and checks each one's task. */
export async function countDeadLetters(
  target: Pick<Target, 'sqs' | 'store'>,
  routes: readonly QueueRoute[],
): Promise<DeadLetterCount[]> {
  const counts: DeadLetterCount[] = [];
  for (const route of routes) {
    const messages = await peekMessages(target.sqs, route.dlqUrl);
    const taskIds: string[] = [];
    for (const message of messages) {
      const id = taskIdOf(message);
      if (id === undefined) continue;
      const record = await target.store.get(id);
      if (record?.status !== 'FAILED') taskIds.push(id);
    }
    counts.push({
      queue: route.priority,
      deadLetters: messages.length,
      withoutStatus: taskIds.length,
      taskIds: taskIds.slice(0, SHOWN_IDS),
    });
  }
  return counts;
}

/** The dead-letter table of `stats`, with what "without a status" means when there are any. */
export function deadLetterTable(counts: readonly DeadLetterCount[]): string {
  const text = table(
    ['QUEUE', 'DEAD LETTERS', 'WITHOUT STATUS'],
    counts.map((c) => [c.queue, c.deadLetters, c.withoutStatus]),
  );
  const missing = counts.filter((c) => c.withoutStatus > 0);
  if (!missing.length) return text;
  const ids = missing.flatMap((c) => c.taskIds).join(', ');
  return `${text}\n${missing.reduce((n, c) => n + c.withoutStatus, 0)} dead-lettered without a status (task not FAILED, e.g. ${ids}): SQS moved them after maxReceiveCount receives, as a throttled consumer causes. \`taskpipe redrive\` sets them QUEUED and sends them back.`;
}

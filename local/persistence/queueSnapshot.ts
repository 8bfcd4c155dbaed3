import type { FauxqsInflight, FauxqsMessage, FauxqsQueue } from './fauxqsInternals.js';
import type { MessageRecord, QueueRecord } from './queueRecords.js';

/** Where one message is now, or undefined when it has left the queue. */
export type MessageState = { message: FauxqsMessage; inflight?: FauxqsInflight };

/** Every message of a queue by id: ready, delayed and in flight, FIFO or standard. */
export function messagesOf(queue: FauxqsQueue): Map<string, MessageState> {
  const found = new Map<string, MessageState>();
  const waiting = queue.isFifo()
    ? [...queue.fifoMessages.values(), ...queue.fifoDelayed.values()].flat()
    : [...queue.messages, ...queue.delayedMessages];
  for (const message of waiting) found.set(message.messageId, { message });
  for (const entry of queue.inflightMessages.values())
    found.set(entry.message.messageId, { message: entry.message, inflight: entry });
  return found;
}

export function queueMetaRecord(queue: FauxqsQueue): QueueRecord {
  return {
    t: 'queue',
    name: queue.name,
    arn: queue.arn,
    attributes: { ...queue.attributes },
    tags: Object.fromEntries(queue.tags),
  };
}

export function messageRecord(
  queue: string,
  state: MessageState,
  extended: (entry: FauxqsInflight) => boolean,
): MessageRecord {
  const { message, inflight } = state;
  return {
    t: 'message',
    queue,
    message: { ...message },
    ...(inflight
      ? {
          inflight: {
            receiptHandle: inflight.receiptHandle,
            visibilityDeadline: inflight.visibilityDeadline,
            ...(extended(inflight) ? { extended: true as const } : {}),
          },
        }
      : {}),
  };
}

/** The whole state of the given queues, as snapshot lines. */
export function snapshotLines(
  queues: FauxqsQueue[],
  extended: (entry: FauxqsInflight) => boolean,
): { text: string; messages: number } {
  const lines: string[] = [];
  let messages = 0;
  for (const queue of queues) {
    lines.push(JSON.stringify(queueMetaRecord(queue)));
    for (const state of messagesOf(queue).values()) {
      lines.push(JSON.stringify(messageRecord(queue.name, state, extended)));
      messages++;
    }
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', messages };
}

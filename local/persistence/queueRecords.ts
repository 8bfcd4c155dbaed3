import * as z from 'zod';
import { DataDirError } from './DataDirError.js';
import type { FauxqsMessage } from './fauxqsInternals.js';

const attributeValue = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});

const message = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  md5OfBody: z.string(),
  messageAttributes: z.record(z.string(), attributeValue),
  md5OfMessageAttributes: z.string(),
  sentTimestamp: z.number(),
  approximateReceiveCount: z.number().int().min(0),
  approximateFirstReceiveTimestamp: z.number().optional(),
  delayUntil: z.number().optional(),
  messageGroupId: z.string().optional(),
  messageDeduplicationId: z.string().optional(),
  sequenceNumber: z.string().optional(),
}) satisfies z.ZodType<FauxqsMessage>;

/**
 * One line of the queue snapshot or journal. Each line states the whole current state of
 * one thing, so replaying a line twice, or an older journal over a newer snapshot, ends in
 * the same state.
 */
export const queueRecord = z.discriminatedUnion('t', [
  /** A queue and its attributes. */
  z.object({
    t: z.literal('queue'),
    name: z.string().min(1),
    arn: z.string().min(1),
    attributes: z.record(z.string(), z.string()),
    tags: z.record(z.string(), z.string()),
  }),
  /** A message as it is now; `inflight` while received and not yet visible again. */
  z.object({
    t: z.literal('message'),
    queue: z.string().min(1),
    message,
    inflight: z
      .object({
        receiptHandle: z.string(),
        visibilityDeadline: z.number(),
        /** Set by ChangeMessageVisibility (a retry's backoff), not by the receive alone. */
        extended: z.literal(true).optional(),
      })
      .optional(),
  }),
  /** A message that left the queue: deleted, moved to its DLQ, or purged. */
  z.object({ t: z.literal('gone'), queue: z.string().min(1), messageId: z.string().min(1) }),
  z.object({ t: z.literal('purge'), queue: z.string().min(1) }),
  z.object({ t: z.literal('drop'), queue: z.string().min(1) }),
]);

export type QueueRecord = z.infer<typeof queueRecord>;
export type MessageRecord = Extract<QueueRecord, { t: 'message' }>;
export type QueueMeta = Extract<QueueRecord, { t: 'queue' }>;

/** Every saved queue by name, with its messages by id, in the order they were first seen. */
export type SavedQueues = Map<string, { meta?: QueueMeta; messages: Map<string, MessageRecord> }>;

/**
 * Applies the lines of one file to `saved`. A line that does not parse is corruption,
 * except the last line of the journal: a write cut short by a kill, never acknowledged.
 */
export function replay(
  saved: SavedQueues,
  text: string,
  file: string,
  options: { tornTailAllowed: boolean },
): { tornTail: boolean } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const parsed = parseLine(line);
    if (!parsed.success) {
      if (options.tornTailAllowed && index === lines.length - 1) return { tornTail: true };
      throw new DataDirError(
        `${file} line ${index + 1} is corrupt: ${parsed.error}. ` +
          'Start with --reset to clear the data dir (its tasks and messages are deleted), or choose another --data-dir',
      );
    }
    apply(saved, parsed.data);
  }
  return { tornTail: false };
}

function parseLine(
  line: string,
): { success: true; data: QueueRecord } | { success: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { success: false, error: 'not JSON' };
  }
  const parsed = queueRecord.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, error: parsed.error.issues[0]?.message ?? 'invalid record' };
}

function apply(saved: SavedQueues, record: QueueRecord): void {
  const queueName = record.t === 'queue' ? record.name : record.queue;
  if (record.t === 'drop') {
    saved.delete(queueName);
    return;
  }
  let queue = saved.get(queueName);
  if (!queue) {
    queue = { messages: new Map() };
    saved.set(queueName, queue);
  }
  if (record.t === 'queue') queue.meta = record;
  else if (record.t === 'message') queue.messages.set(record.message.messageId, record);
  else if (record.t === 'gone') queue.messages.delete(record.messageId);
  else queue.messages.clear();
}

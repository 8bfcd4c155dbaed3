import * as z from 'zod';

/** What the age needs of a message: when it was sent and how often it was received. */
export interface AgedMessage {
  sentTimestamp: number;
  approximateReceiveCount: number;
}

/** SQS puts a message received this many times without a delete behind the others. */
const RECEIVES_BEFORE_MOVED_BACK = 3;

/**
 * `ApproximateAgeOfOldestMessage` as CloudWatch documents it (docs/queue-age.md): the age
 * in seconds of the oldest message not yet deleted, whether visible, delayed or in flight.
 * A message received three times or more without a delete is moved to the back, so the
 * metric names the oldest of the rest; when every message is such a one, the oldest of
 * them. An empty queue is 0.
 */
export function ageOfOldestMessage(messages: readonly AgedMessage[], now: number): number {
  if (!messages.length) return 0;
  const fresh = messages.filter((m) => m.approximateReceiveCount < RECEIVES_BEFORE_MOVED_BACK);
  const candidates = fresh.length ? fresh : messages;
  const oldest = Math.min(...candidates.map((m) => m.sentTimestamp));
  return Math.max(0, Math.floor((now - oldest) / 1000));
}

const message = z.object({ sentTimestamp: z.number(), approximateReceiveCount: z.number() });
/** fauxqs's non-destructive view of a queue (`GET /_fauxqs/queues/<name>`). */
const inspection = z.object({
  messages: z.object({
    ready: z.array(message),
    delayed: z.array(message),
    inflight: z.array(z.object({ message })),
  }),
});

/**
 * Reads every message of a fauxqs queue without receiving it, and returns the queue's
 * `ApproximateAgeOfOldestMessage`; undefined (no data) when the queue cannot be inspected.
 */
export async function observeAgeOfOldestMessage(
  sqsEndpoint: string,
  queueName: string,
  now: () => number = Date.now,
): Promise<number | undefined> {
  const res = await fetch(`${sqsEndpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
  if (!res.ok) return undefined;
  const parsed = inspection.safeParse(await res.json());
  if (!parsed.success) return undefined;
  const { ready, delayed, inflight } = parsed.data.messages;
  return ageOfOldestMessage([...ready, ...delayed, ...inflight.map((i) => i.message)], now());
}

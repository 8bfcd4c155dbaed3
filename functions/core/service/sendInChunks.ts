import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelayMs } from '../backoff.js';
import type { OutgoingMessage, QueuePort } from '../ports.js';

/** SendMessageBatch takes at most ten entries and 1 MiB in all. */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_BYTES = 1_048_576;

/** How often failed entries are sent again, and how long to wait between rounds. */
export interface BatchRetryPolicy extends BackoffPolicy {
  /** Rounds in all, the first send included. */
  attempts: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetryPolicy = { attempts: 4, baseMs: 100, capMs: 2_000 };

/** One message's fate: sent, or failed after the last round with the last reason. */
export type ChunkSendResult =
  | { ok: true; messageId: string }
  | { ok: false; code: string; message: string; senderFault: boolean; rounds: number };

export interface SendInChunksOptions {
  retry?: BatchRetryPolicy;
  /** Injected for tests; defaults to a timer. */
  wait?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

/**
 * Sends messages with SendMessageBatch, ten (or 1 MiB) at a time. A 200 answer can still
 * fail entries: those, and every entry of a call that threw, are sent again after a
 * jittered backoff, up to `retry.attempts` rounds. Entries SQS blames on the sender (bad
 * input) are not retried. Every message gets a result, in input order; none is dropped.
 */
export async function sendInChunks(
  queue: QueuePort,
  queueUrl: string,
  messages: readonly Omit<OutgoingMessage, 'id'>[],
  options: SendInChunksOptions = {},
): Promise<ChunkSendResult[]> {
  const retry = options.retry ?? DEFAULT_BATCH_RETRY;
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  const results: (ChunkSendResult | undefined)[] = messages.map(() => undefined);
  let pending = messages.map((_, index) => index);

  for (let round = 1; pending.length > 0; round++) {
    if (round > 1) await wait(backoffDelayMs(round - 1, retry, options.random));
    const failedNow: number[] = [];
    for (const chunk of chunksOf(pending, messages)) {
      const entries = chunk.map((index, j) => ({ ...messages[index]!, id: `m${j}` }));
      let outcome: Awaited<ReturnType<QueuePort['sendBatch']>>;
      try {
        outcome = await queue.sendBatch(queueUrl, entries);
      } catch (error) {
        // The whole call failed (network, throttling past the SDK's retries): every entry.
        const message = error instanceof Error ? error.message : String(error);
        const code = error instanceof Error ? error.name : 'Error';
        outcome = entries.map((e) => ({ id: e.id, ok: false, code, message, senderFault: false }));
      }
      for (const [j, index] of chunk.entries()) {
        const entry = outcome.find((o) => o.id === `m${j}`);
        if (entry?.ok) {
          results[index] = { ok: true, messageId: entry.messageId };
          continue;
        }
        const failure = entry ?? { code: 'NotConfirmed', message: 'no result', senderFault: false };
        results[index] = { ok: false, ...pick(failure), rounds: round };
        if (!failure.senderFault && round < retry.attempts) failedNow.push(index);
      }
    }
    pending = failedNow;
  }
  return results as ChunkSendResult[];
}

function pick(f: { code: string; message: string; senderFault: boolean }) {
  return { code: f.code, message: f.message, senderFault: f.senderFault };
}

/** Groups message indexes into calls of at most ten entries and 1 MiB of bodies. */
function* chunksOf(
  indexes: readonly number[],
  messages: readonly Omit<OutgoingMessage, 'id'>[],
): Generator<number[]> {
  let chunk: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = Buffer.byteLength(messages[index]!.body, 'utf8');
    if (
      chunk.length === MAX_BATCH_ENTRIES ||
      (chunk.length > 0 && bytes + size > MAX_BATCH_BYTES)
    ) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(index);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

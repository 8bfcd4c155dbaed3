import pLimit from 'p-limit';
import { type TaskpipeError, toTaskpipeError } from '../errors.js';
import type { Logger, QueuePort, SchedulerPort, TaskStore } from '../ports.js';
import type { TaskStatus } from '../status.js';
import type { DedupWindows } from './DedupWindows.js';
import { EnqueueFailedError, IdempotencyConflictError } from './errors.js';
import type { DerivedTask, PreparedTask, TaskPreparer } from './prepareTask.js';
import { type BatchRetryPolicy, type SendInChunksOptions, sendInChunks } from './sendInChunks.js';
import { sendPrepared } from './sendPrepared.js';

/** One entry's outcome: queued (or found by its idempotency key), or an error. */
export type BatchEntryResult =
  | { index: number; ok: true; taskId: string; status: TaskStatus; deduplicated: boolean }
  | { index: number; ok: false; taskId?: string; error: TaskpipeError };

/** Status rows written at once; each is its own conditional write. */
const CREATE_CONCURRENCY = 16;
/**
 * Schedules created at once. EventBridge Scheduler allows about 50 CreateSchedule calls a
 * second per account and Region by default; its SDK client retries a throttled call with
 * backoff, and an entry still refused is rolled back and reported like an unsent message.
 */
const SCHEDULE_CONCURRENCY = 8;

export interface BatchDeps {
  preparer: Pick<TaskPreparer, 'prepare'>;
  /** The id and links of entry `index`, for a group's members. */
  derive?: (index: number) => DerivedTask;
  /** Without a store (a producer sending straight to SQS) no status rows are written. */
  store?: Pick<TaskStore, 'create'>;
  queue: QueuePort;
  logger?: Logger;
  now: number;
  /** Removes the row of an entry whose message was not sent. */
  rollback?(id: string): Promise<void>;
  batchRetry?: BatchRetryPolicy;
  wait?: SendInChunksOptions['wait'];
  /** Sends the entries whose delay is beyond SQS's when they are due. */
  scheduler?: SchedulerPort;
  /** Names an entry of a type with dedup windows by its key's current window. */
  windows?: DedupWindows;
}

/**
 * Validates every entry, records the valid ones (QUEUED, conditional on a new id) when
 * given a store, sends
 * the new ones per queue with SendMessageBatch, and rolls back the rows of messages that
 * stayed unsent after the retries. Entries fail one by one; none is dropped.
 */
export async function enqueueBatch(
  requests: readonly unknown[],
  deps: BatchDeps,
): Promise<BatchEntryResult[]> {
  const results: BatchEntryResult[] = [];
  const valid: { index: number; prepared: PreparedTask }[] = [];
  // Entries repeating an idempotency key share the first one's fate: one row, one message.
  const firstById = new Map<string, number>();
  const repeats: { index: number; first: number }[] = [];
  for (const [index, request] of requests.entries()) {
    try {
      const derived = deps.derive?.(index);
      const prepared = deps.windows
        ? await deps.windows.prepare(deps.preparer, request, deps.now, derived)
        : deps.preparer.prepare(request, deps.now, derived);
      const first = firstById.get(prepared.task.id);
      if (first !== undefined) repeats.push({ index, first });
      else {
        firstById.set(prepared.task.id, index);
        valid.push({ index, prepared });
      }
    } catch (error) {
      results[index] = { index, ok: false, error: toTaskpipeError(error) };
    }
  }

  const limit = pLimit(CREATE_CONCURRENCY);
  const toSend: typeof valid = [];
  const toSchedule: typeof valid = [];
  await Promise.all(
    valid.map((entry) =>
      limit(async () => {
        const { index, prepared } = entry;
        const taskId = prepared.task.id;
        if (!deps.store) {
          toSend.push(entry);
          return;
        }
        try {
          const created = await deps.store.create(prepared.task);
          if (created.created && prepared.schedule) toSchedule.push(entry);
          else if (created.created) toSend.push(entry);
          else if (created.samePayload === false) {
            const error = new IdempotencyConflictError(taskId, created.record.status);
            results[index] = { index, ok: false, taskId, error };
          } else {
            const status = created.record.status;
            results[index] = { index, ok: true, taskId, status, deduplicated: true };
          }
        } catch (error) {
          results[index] = { index, ok: false, taskId, error: toTaskpipeError(error) };
        }
      }),
    ),
  );

  for (const group of byQueue(toSend)) {
    const sent = await sendInChunks(
      deps.queue,
      group[0]!.prepared.route.url,
      group.map((e) => e.prepared.message),
      {
        ...(deps.batchRetry ? { retry: deps.batchRetry } : {}),
        ...(deps.wait ? { wait: deps.wait } : {}),
      },
    );
    for (const [j, { index, prepared }] of group.entries()) {
      const taskId = prepared.task.id;
      const outcome = sent[j]!;
      if (outcome.ok) {
        results[index] = { index, ok: true, taskId, status: 'QUEUED', deduplicated: false };
        continue;
      }
      await deps.rollback?.(taskId);
      deps.logger?.warn('batch entry not sent', {
        taskId,
        code: outcome.code,
        rounds: outcome.rounds,
      });
      const error = new EnqueueFailedError(
        `not sent after ${outcome.rounds} attempt(s) (${outcome.code}: ${outcome.message}); nothing was enqueued for this entry, try again`,
      );
      results[index] = { index, ok: false, taskId, error };
    }
  }
  await scheduleEntries(toSchedule, deps, results);
  for (const { index, first } of repeats) {
    const original = results[first]!;
    results[index] = original.ok
      ? { ...original, index, deduplicated: true }
      : { ...original, index };
  }
  return results;
}

/** Creates the schedules of the long-delayed entries, a few at a time; a refusal rolls back. */
async function scheduleEntries(
  entries: readonly { index: number; prepared: PreparedTask }[],
  deps: BatchDeps,
  results: BatchEntryResult[],
): Promise<void> {
  const limit = pLimit(SCHEDULE_CONCURRENCY);
  await Promise.all(
    entries.map(({ index, prepared }) =>
      limit(async () => {
        const taskId = prepared.task.id;
        try {
          await sendPrepared(prepared, deps);
          results[index] = { index, ok: true, taskId, status: 'SCHEDULED', deduplicated: false };
        } catch (cause) {
          await deps.rollback?.(taskId);
          deps.logger?.warn('batch entry not scheduled', { taskId, error: String(cause) });
          const error = new EnqueueFailedError(
            'its schedule could not be created (the scheduler refused or throttled it); nothing was enqueued for this entry, try again',
            { cause },
          );
          results[index] = { index, ok: false, taskId, error };
        }
      }),
    ),
  );
}

/** Entries grouped by destination queue, each group in request order. */
function byQueue<T extends { index: number; prepared: PreparedTask }>(entries: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
    const url = entry.prepared.route.url;
    groups.set(url, [...(groups.get(url) ?? []), entry]);
  }
  return [...groups.values()];
}

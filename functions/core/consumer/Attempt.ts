import type { AttemptEnd, ClaimRequest, ClaimResult, FenceResult, TaskStore } from '../ports.js';
import { liveLeaseMs, type TaskRecord, TERMINAL_STATUSES } from '../status.js';
import type { TrackingLevel } from '../task.js';
import { retryWaitMs } from './retryWait.js';

/**
 * One attempt of a task and where its end goes: under its claim (tracking `full`), or
 * settled in a single write (`terminal`, `failures`).
 */
export interface Attempt {
  /** The task as this attempt runs it; `attempts` is this attempt's number. */
  readonly record: TaskRecord;
  end(outcome: AttemptEnd): Promise<FenceResult>;
}

/** How a delivery starts: an attempt, or why none (ended already, or held by a claim). */
export type AttemptStart =
  | { kind: 'started'; attempt: Attempt }
  | Exclude<ClaimResult, { kind: 'claimed' }>;

/** Tracking `full`: the claim is the lease and the fencing token (DESIGN §4). */
export async function claimAttempt(store: TaskStore, request: ClaimRequest): Promise<AttemptStart> {
  const claim = await store.claim(request);
  if (claim.kind !== 'claimed') return claim;
  const { record } = claim;
  return {
    kind: 'started',
    attempt: {
      record,
      end: (outcome) =>
        outcome.status === 'RETRYING'
          ? store.markRetrying(record.id, record.attempts, outcome.error, outcome.nextAttemptAt)
          : store.finish(record.id, record.attempts, outcome),
    },
  };
}

/**
 * Tracking `terminal` and `failures`: a read instead of a claim, so an ended or cancelled
 * task is still skipped; the attempt's end is one conditional write. The attempt number is
 * the larger of the stored one + 1 and the receive count, so an attempt that died without a
 * write still counts. Under `failures` a success leaves no row behind unless one existed.
 * `read: false` skips the read for a task known to have no row (`isUnrecordedFirstDelivery`).
 */
export async function readAttempt(
  store: TaskStore,
  request: Omit<ClaimRequest, 'leaseUntil'>,
  tracking: Exclude<TrackingLevel, 'full'>,
  receiveCount: number,
  now: number,
  read = true,
): Promise<AttemptStart> {
  const current = read ? await store.get(request.id) : undefined;
  if (current && TERMINAL_STATUSES.has(current.status))
    return { kind: 'finished', record: current };
  const leaseRemainingMs = current && liveLeaseMs(current, now);
  if (current && leaseRemainingMs !== undefined) {
    // A claim from when this type was tracked in full; it ends by itself.
    return { kind: 'leased', record: current, leaseRemainingMs };
  }
  // An early or duplicate delivery of a retry: it waits for its backoff or Retry-After.
  const waitMs = current && retryWaitMs(current, now);
  if (current && waitMs !== undefined)
    return { kind: 'leased', record: current, leaseRemainingMs: waitMs };
  const attempt = Math.max((current?.attempts ?? 0) + 1, receiveCount);
  const maxAttempts = current?.maxAttempts ?? request.maxAttempts;
  const record: TaskRecord = {
    // With no row yet, `createdAt` and `expiresAt` are placeholders the settle write sets.
    createdAt: now,
    expiresAt: 0,
    ...current,
    id: request.id,
    type: request.type,
    priority: current?.priority ?? request.priority,
    status: 'RUNNING',
    attempts: attempt,
    maxAttempts,
    startedAt: now,
  };
  return {
    kind: 'started',
    attempt: {
      record,
      end: async (outcome) => {
        if (tracking === 'failures' && !current && outcome.status === 'SUCCEEDED') {
          // No row is written: the record in hand is what a callback reports, result and all.
          return { ok: true, record: { ...record, status: 'SUCCEEDED', result: outcome.result } };
        }
        return store.settle({ ...request, maxAttempts, attempt, startedAt: now, outcome });
      },
    },
  };
}

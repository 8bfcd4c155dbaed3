import type { TaskRecord } from '../status.js';

/**
 * How early a retry may start, for clocks that differ between instances: a duplicate or
 * early delivery must not run a retry before its backoff or Retry-After, beyond this.
 */
export const RETRY_CLOCK_SLACK_MS = 1_000;

/** How long a RETRYING task must still wait before its next attempt, or undefined if due. */
export function retryWaitMs(record: TaskRecord, now: number): number | undefined {
  if (record.status !== 'RETRYING') return undefined;
  // Stryker disable next-line ConditionalExpression: with no time the wait is NaN, which the slack comparison below also turns into undefined
  if (record.nextAttemptAt === undefined) return undefined;
  const waitMs = record.nextAttemptAt - now;
  return waitMs > RETRY_CLOCK_SLACK_MS ? waitMs : undefined;
}

import { ExpressionBuilder } from './ExpressionBuilder.js';
import { FAILURE_KEYS, markFailed } from './failureKeys.js';
import { ATTR, num, str } from './taskItem.js';
import type { TaskWrite } from './taskWrites.js';

/**
 * The writes behind the API's retry and its rollbacks (DESIGN §4: FAILED → QUEUED). Pure,
 * like `taskWrites.ts`; the store sends them.
 */

/**
 * FAILED at `attempts` → QUEUED. `attempts` is the fencing token and never goes down, so
 * the retry gets its tries by raising `maxAttempts` instead. `lastError` stays as history.
 * With `unended`, the task must instead not have ended: QUEUED, RETRYING, or RUNNING with
 * an expired lease (SQS dead-lettered its message through receive counts).
 */
export function requeueWrite(
  attempts: number,
  extraAttempts: number,
  now: number,
  expiresAt: number,
  requirePayload: boolean,
  unended: boolean,
): TaskWrite {
  const e = new ExpressionBuilder()
    .setValue(ATTR.status, str('QUEUED'))
    .setValue(ATTR.maxAttempts, num(attempts + extraAttempts))
    .setValue(ATTR.enqueuedAt, num(now))
    .setValue(ATTR.expiresAt, num(expiresAt))
    // Out of the sparse failure index, and no end time while it waits again.
    .remove(
      ...FAILURE_KEYS,
      ATTR.finishedAt,
      ATTR.durationMs,
      ATTR.leaseUntil,
      // A later failure sends its own DLQ copy.
      ATTR.deadLetteredAt,
    );
  const status = e.name(ATTR.status);
  const from = unended
    ? `(${status} IN (${e.value(str('QUEUED'))}, ${e.value(str('RETRYING'))})` +
      ` OR (${status} = ${e.value(str('RUNNING'))} AND ${e.name(ATTR.leaseUntil)} < ${e.value(num(now))}))`
    : `${status} = ${e.value(str('FAILED'))}`;
  const condition =
    `${from} AND ${e.name(ATTR.attempts)} = ${e.value(num(attempts))}` +
    (requirePayload
      ? ` AND (attribute_exists(${e.name(ATTR.payload)}) OR attribute_exists(${e.name(ATTR.payloadKey)}))`
      : '');
  return { expression: e, condition };
}

/**
 * QUEUED at `attempts` (no claim since the requeue) → FAILED, back in the failure index,
 * with the time its DLQ copy went out if it had one: without it, a stray delivery would
 * take the copy for missing and send a second one.
 */
export function revertRequeueWrite(
  attempts: number,
  now: number,
  deadLetteredAt: number | undefined,
): TaskWrite {
  const e = new ExpressionBuilder();
  markFailed(
    e.setValue(ATTR.status, str('FAILED')).setValue(ATTR.finishedAt, num(now)),
    now,
  ).setValue(ATTR.deadLetteredAt, deadLetteredAt === undefined ? undefined : num(deadLetteredAt));
  const condition =
    `${e.name(ATTR.status)} = ${e.value(str('QUEUED'))}` +
    ` AND ${e.name(ATTR.attempts)} = ${e.value(num(attempts))}`;
  return { expression: e, condition };
}

/** Only a task nobody has claimed may be deleted (the rollback of an unsent message). */
export function deleteUnclaimedCondition(e: ExpressionBuilder): string {
  return (
    `${e.name(ATTR.status)} IN (${e.value(str('QUEUED'))}, ${e.value(str('SCHEDULED'))})` +
    ` AND ${e.name(ATTR.attempts)} = ${e.value(num(0))}`
  );
}

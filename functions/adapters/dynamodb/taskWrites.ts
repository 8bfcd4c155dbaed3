import { RETRY_CLOCK_SLACK_MS } from '../../core/consumer/retryWait.js';
import type { ClaimRequest, FinishOutcome, SettleRequest } from '../../core/ports.js';
import type { TaskErrorInfo } from '../../core/status.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { keepFailure } from './failureHistory.js';
import { FAILURE_KEYS, markFailed } from './failureKeys.js';
import { ATTR, encodeError, encodeResult, LINK_NAMES, num, str } from './taskItem.js';

/**
 * The update and condition of each state transition (DESIGN §4). Pure: the store sends
 * them. Encoding a result or error throws a TypeError when the value is not JSON.
 */
export interface TaskWrite {
  expression: ExpressionBuilder;
  condition: string;
}

/** Absent, SCHEDULED, QUEUED or RETRYING, or RUNNING with a lease that ended before `now`. */
export function claimWrite(request: ClaimRequest, now: number, expiresAt: number): TaskWrite {
  const e = new ExpressionBuilder();
  const attempts = e.name(ATTR.attempts);
  e.setValue(ATTR.status, str('RUNNING'))
    .set(ATTR.attempts, `if_not_exists(${attempts}, ${e.value(num(0))}) + ${e.value(num(1))}`)
    .setValue(ATTR.leaseUntil, num(request.leaseUntil))
    .setValue(ATTR.startedAt, num(now))
    .setValue(ATTR.expiresAt, num(expiresAt));
  envelopeFieldsIfAbsent(e, request, now, now)
    // Leftovers of an earlier attempt, or of an operator's redrive of a FAILED task.
    .remove(ATTR.nextAttemptAt, ATTR.finishedAt, ATTR.durationMs, ...FAILURE_KEYS);
  return { expression: e, condition: claimable(e, now, true) };
}

/**
 * An unclaimed attempt's end in one write (tracking `terminal` and `failures`). Under the
 * claim's condition, so it never overwrites an end, a cancel or a live claim. Values come
 * from the request, not the item: the item may not exist before this write.
 */
export function settleWrite(
  request: SettleRequest,
  now: number,
  expiresAt: number,
  limitBytes: number,
): TaskWrite {
  const { outcome } = request;
  const e = new ExpressionBuilder()
    .setValue(ATTR.status, str(outcome.status))
    .setValue(ATTR.attempts, num(request.attempt))
    .setValue(ATTR.startedAt, num(request.startedAt))
    .setValue(ATTR.expiresAt, num(expiresAt));
  envelopeFieldsIfAbsent(e, request, request.startedAt, now).remove(ATTR.leaseUntil);
  if (outcome.status === 'RETRYING') {
    keepFailure(e, request.attempt, outcome.error, now, outcome.nextAttemptAt)
      .setValue(ATTR.lastError, encodeError(outcome.error, limitBytes))
      .setValue(ATTR.nextAttemptAt, num(outcome.nextAttemptAt))
      .remove(ATTR.finishedAt, ATTR.durationMs, ...FAILURE_KEYS);
    return { expression: e, condition: claimable(e, now) };
  }
  e.setValue(ATTR.finishedAt, num(now))
    .setValue(ATTR.durationMs, num(Math.max(0, now - request.startedAt)))
    .remove(ATTR.nextAttemptAt);
  if (outcome.status === 'SUCCEEDED') {
    const { result, resultTruncated } = encodeResult(outcome.result, limitBytes);
    e.setValue(ATTR.result, result)
      .setValue(ATTR.resultTruncated, resultTruncated)
      .remove(...FAILURE_KEYS);
  } else {
    keepFailure(e, request.attempt, outcome.error, now);
    markFailed(
      e.setValue(ATTR.lastError, encodeError(outcome.error, limitBytes)),
      now,
      str(request.type),
    );
  }
  return { expression: e, condition: claimable(e, now) };
}

/** An item the API created keeps its own envelope fields; a bare delivery creates them. */
function envelopeFieldsIfAbsent(
  e: ExpressionBuilder,
  request: Omit<ClaimRequest, 'leaseUntil'>,
  startedAt: number,
  now: number,
): ExpressionBuilder {
  for (const name of LINK_NAMES) {
    const value = request.links?.[name];
    e.setIfAbsent(ATTR[name], value === undefined ? undefined : str(value));
  }
  return (
    e
      .setIfAbsent(ATTR.type, str(request.type))
      .setIfAbsent(ATTR.priority, str(request.priority))
      .setIfAbsent(ATTR.maxAttempts, num(request.maxAttempts))
      .setIfAbsent(ATTR.createdAt, num(now))
      .setIfAbsent(ATTR.enqueuedAt, num(request.enqueuedAt))
      .setIfAbsent(
        ATTR.idempotencyKey,
        request.idempotencyKey === undefined ? undefined : str(request.idempotencyKey),
      )
      // Queue wait is measured once, by the first attempt.
      .setIfAbsent(
        ATTR.queueWaitMs,
        num(Math.max(0, startedAt - (request.sentAt ?? request.enqueuedAt))),
      )
  );
}

/** `retryDue`: a claim also waits for a RETRYING task's time (a settle's attempt checked it on read). */
function claimable(e: ExpressionBuilder, now: number, retryDue = false): string {
  const status = e.name(ATTR.status);
  const leaseExpired = `${e.name(ATTR.leaseUntil)} < ${e.value(num(now))}`;
  const nextAttemptAt = e.name(ATTR.nextAttemptAt);
  const due = retryDue
    ? ` AND (attribute_not_exists(${nextAttemptAt}) OR ${nextAttemptAt} <= ${e.value(num(now + RETRY_CLOCK_SLACK_MS))})`
    : '';
  return (
    `attribute_not_exists(${e.name(ATTR.id)})` +
    // SCHEDULED: its schedule fired (the only way its message reaches the queue).
    ` OR ${status} IN (${e.value(str('QUEUED'))}, ${e.value(str('SCHEDULED'))})` +
    ` OR (${status} = ${e.value(str('RETRYING'))}${due})` +
    ` OR (${status} = ${e.value(str('RUNNING'))} AND ${leaseExpired})`
  );
}

/** Only while RUNNING under the claimed attempt: the fence against a worker that lost its lease. */
function fence(e: ExpressionBuilder, attempt: number): string {
  return (
    `${e.name(ATTR.status)} = ${e.value(str('RUNNING'))}` +
    ` AND ${e.name(ATTR.attempts)} = ${e.value(num(attempt))}`
  );
}

export function finishWrite(
  attempt: number,
  outcome: FinishOutcome,
  now: number,
  expiresAt: number,
  limitBytes: number,
): TaskWrite {
  const e = new ExpressionBuilder()
    .setValue(ATTR.status, str(outcome.status))
    .setValue(ATTR.finishedAt, num(now))
    .setValue(ATTR.expiresAt, num(expiresAt))
    .remove(ATTR.leaseUntil);
  // startedAt is this attempt's: claim sets it on every attempt.
  e.set(ATTR.durationMs, `${e.value(num(now))} - ${e.name(ATTR.startedAt)}`);
  if (outcome.status === 'SUCCEEDED') {
    const { result, resultTruncated } = encodeResult(outcome.result, limitBytes);
    e.setValue(ATTR.result, result).setValue(ATTR.resultTruncated, resultTruncated);
  } else {
    keepFailure(e, attempt, outcome.error, now);
    markFailed(e.setValue(ATTR.lastError, encodeError(outcome.error, limitBytes)), now);
  }
  return { expression: e, condition: fence(e, attempt) };
}

export function retryWrite(
  attempt: number,
  error: TaskErrorInfo,
  nextAttemptAt: number,
  now: number,
  expiresAt: number,
  limitBytes: number,
): TaskWrite {
  const e = keepFailure(new ExpressionBuilder(), attempt, error, now, nextAttemptAt)
    .setValue(ATTR.status, str('RETRYING'))
    .setValue(ATTR.lastError, encodeError(error, limitBytes))
    .setValue(ATTR.nextAttemptAt, num(nextAttemptAt))
    .setValue(ATTR.expiresAt, num(expiresAt))
    .remove(ATTR.leaseUntil);
  return { expression: e, condition: fence(e, attempt) };
}

/** FAILED at `attempt` → the same, with the time its message reached the DLQ. */
export function deadLetteredWrite(attempt: number, now: number): TaskWrite {
  const e = new ExpressionBuilder().setValue(ATTR.deadLetteredAt, num(now));
  const condition =
    `${e.name(ATTR.status)} = ${e.value(str('FAILED'))}` +
    ` AND ${e.name(ATTR.attempts)} = ${e.value(num(attempt))}`;
  return { expression: e, condition };
}

/** Only a task that is not running and not finished can be cancelled. */
export function cancelWrite(now: number, expiresAt: number): TaskWrite {
  const e = new ExpressionBuilder()
    .setValue(ATTR.status, str('CANCELLED'))
    .setValue(ATTR.finishedAt, num(now))
    .setValue(ATTR.expiresAt, num(expiresAt));
  const condition = `${e.name(ATTR.status)} IN (${e.value(str('SCHEDULED'))}, ${e.value(str('QUEUED'))}, ${e.value(str('RETRYING'))})`;
  return { expression: e, condition };
}

/**
 * A cancel of a RUNNING chain step: the step runs on, but the mark keeps its next step from
 * being enqueued. Only while RUNNING, so it races the step's end on the item's condition:
 * written first, the end keeps it; written after, it fails. A repeat keeps the first time.
 */
export function stopChainWrite(now: number): TaskWrite {
  const e = new ExpressionBuilder().setIfAbsent(ATTR.chainStoppedAt, num(now));
  const condition =
    `${e.name(ATTR.status)} = ${e.value(str('RUNNING'))}` +
    ` AND attribute_exists(${e.name(ATTR.nextId)})`;
  return { expression: e, condition };
}

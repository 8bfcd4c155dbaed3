import { TASK_TYPE_PATTERN } from '../envelope.js';
import { describeIssues, type ErrorCode, TaskpipeError, type ValidationIssue } from '../errors.js';
import type { TaskStatus } from '../status.js';

/**
 * Errors of the task service: a caller's request that cannot be served. Each carries a
 * stable `reason` that front-ends expose as their error code; none of them is retryable
 * except {@link EnqueueFailedError}.
 */
export abstract class TaskRequestError extends TaskpipeError {
  readonly code: ErrorCode = 'permanent';
  readonly retryable: boolean = false;
  abstract readonly reason: string;
}

/** The request does not match its schema; `details.issues` lists every problem by path. */
export class RequestValidationError extends TaskRequestError {
  readonly reason = 'invalid_request';
  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${message}: ${describeIssues(issues)}`, { details: { issues } });
  }
}

/**
 * The type is not registered. A name that is not even well-formed is not repeated in the
 * message, so hostile input (markup, control characters) never travels further.
 */
export class UnknownTaskTypeError extends TaskRequestError {
  readonly reason = 'unknown_type';
  constructor(type: string, knownTypes: readonly string[]) {
    const named = TASK_TYPE_PATTERN.test(type)
      ? `unknown task type "${type}"`
      : `task type is not a valid name (must match ${TASK_TYPE_PATTERN.source})`;
    super(`${named}; known types: ${knownTypes.join(', ')}`, {
      details: { knownTypes: [...knownTypes] },
    });
  }
}

export class UnknownPriorityError extends TaskRequestError {
  readonly reason = 'unknown_priority';
  constructor(knownPriorities: readonly string[]) {
    super(`unknown priority; known priorities: ${knownPriorities.join(', ')}`, {
      details: { knownPriorities: [...knownPriorities] },
    });
  }
}

/** A payload (or a request body) larger than the configured limit. */
export class PayloadTooLargeError extends TaskRequestError {
  readonly reason = 'payload_too_large';
  constructor(
    what: 'payload' | 'request body' | 'follow-ups',
    readonly bytes: number,
    readonly limitBytes: number,
    note?: string,
  ) {
    super(
      `${what} ${what === 'follow-ups' ? 'are' : 'is'} ${bytes} bytes; the limit is ${limitBytes} bytes${note ? ` (${note})` : ''}`,
      {
        details: { bytes, limitBytes },
      },
    );
  }
}

export class TaskNotFoundError extends TaskRequestError {
  readonly reason = 'not_found';
  /** `untrackedTypes`: types whose successes may leave no row (tracking `failures`). */
  constructor(untrackedTypes: readonly string[] = []) {
    super(
      untrackedTypes.length
        ? `no task with this id (a success of ${untrackedTypes.join(', ')} sent straight to SQS leaves none: tracking 'failures')`
        : 'no task with this id',
    );
  }
}

/** The task is in a state the operation does not apply to; `status` is its current state. */
export class TaskStateConflictError extends TaskRequestError {
  readonly reason: 'invalid_state' | 'payload_not_stored';
  constructor(
    readonly status: TaskStatus,
    message: string,
    reason: 'invalid_state' | 'payload_not_stored' = 'invalid_state',
  ) {
    super(message, { details: { status } });
    this.reason = reason;
  }
}

/**
 * An idempotency key reused with another payload: the existing task is kept and named, and
 * nothing is sent, so a producer's bug does not pass as a duplicate.
 */
export class IdempotencyConflictError extends TaskRequestError {
  readonly reason = 'idempotency_conflict';
  constructor(
    readonly taskId: string,
    status: TaskStatus,
  ) {
    super(
      `idempotency key already used for task ${taskId} (${status}) with another payload; use a new key for a new task`,
      { details: { taskId, status } },
    );
  }
}

/** A list cursor that this service did not issue for this query. */
export class InvalidCursorError extends TaskRequestError {
  readonly reason = 'invalid_cursor';
  constructor(why: string) {
    super(`cursor is not valid for this query: ${why}; start again without a cursor`);
  }
}

/**
 * The message could not be sent (after retries) and the status row was rolled back, so
 * nothing was enqueued. The caller may try again.
 */
export class EnqueueFailedError extends TaskRequestError {
  readonly reason = 'enqueue_failed';
  override readonly code: ErrorCode = 'retryable';
  override readonly retryable = true;
}

/** The conflict of `operation` with a task in `status`, naming the states it needs. */
export function stateConflict(
  status: TaskStatus,
  operation: 'retry' | 'cancel',
): TaskStateConflictError {
  const allowed =
    operation === 'retry'
      ? 'FAILED tasks'
      : 'SCHEDULED, QUEUED or RETRYING tasks, or a RUNNING chain step (its chain stops)';
  return new TaskStateConflictError(
    status,
    `cannot ${operation} a task that is ${status}; only ${allowed}`,
  );
}

/** An error as structured log fields: its name and message, never its payload. */
export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

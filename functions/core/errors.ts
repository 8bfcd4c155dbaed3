/**
 * Typed errors. Retry behaviour is a property of the error class, never of its message.
 */

/** Stable, machine-readable error codes recorded on failed tasks and DLQ copies. */
export type ErrorCode =
  | 'permanent'
  | 'retryable'
  | 'timeout'
  | 'invalid_payload'
  | 'poison'
  | 'attempts_exhausted'
  | 'handler_error'
  | 'deadline'
  | 'lease_lost'
  | 'config'
  | 'store';

/** Base class of every error taskpipe raises on purpose. */
export abstract class TaskpipeError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether the consumer may try the task again. */
  abstract readonly retryable: boolean;
  readonly details?: unknown;

  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

/** The task can never succeed (bad input downstream, 4xx): fail now, no retry. */
export class PermanentError extends TaskpipeError {
  readonly code = 'permanent';
  readonly retryable = false;
}

/** A transient failure. `retryAfterMs` asks for a specific delay instead of the backoff. */
export class RetryableError extends TaskpipeError {
  readonly code = 'retryable';
  readonly retryable = true;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options?: { cause?: unknown; details?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, options.retryAfterMs);
  }
}

/** The handler ran past its timeout or the invocation deadline. Retried like any transient error. */
export class TaskTimeoutError extends TaskpipeError {
  readonly code = 'timeout';
  readonly retryable = true;

  constructor(
    readonly timeoutMs: number,
    reason: 'task_timeout' | 'deadline' = 'task_timeout',
  ) {
    super(
      reason === 'deadline'
        ? `task aborted after ${timeoutMs} ms to stop before the invocation deadline`
        : `task exceeded its timeout of ${timeoutMs} ms`,
    );
  }
}

/** One problem found by a schema, with the path to the offending value. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** Issues as one line: `path: message; …`, the root shown as `(root)`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** The payload does not match the task's schema. Never retried. */
export class InvalidPayloadError extends TaskpipeError {
  readonly code = 'invalid_payload';
  readonly retryable = false;

  constructor(
    readonly taskType: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`payload for task type "${taskType}" is invalid: ${describeIssues(issues)}`, {
      details: { issues },
    });
  }
}

export type PoisonReason = 'not_json' | 'not_envelope' | 'unknown_type' | 'oversize';

/** A queue message that cannot become a task. Never retried; copied to the DLQ. */
export class PoisonMessageError extends TaskpipeError {
  readonly code = 'poison';
  readonly retryable = false;

  constructor(
    readonly reason: PoisonReason,
    message: string,
    details?: unknown,
  ) {
    super(message, { details });
  }
}

/** An attempt began after the task had used all of its attempts (an earlier run crashed). */
export class AttemptsExhaustedError extends TaskpipeError {
  readonly code = 'attempts_exhausted';
  readonly retryable = false;

  constructor(attemptsMade: number, maxAttempts: number) {
    super(
      `all ${maxAttempts} attempts used (${attemptsMade} started; the last one ended without a result, likely a crash or timeout of the invocation)`,
    );
  }
}

/** The record was not started because the invocation was about to time out. */
export class DeadlineError extends TaskpipeError {
  readonly code = 'deadline';
  readonly retryable = true;

  constructor(readonly remainingMs: number) {
    super(`not started: ${remainingMs} ms left in the invocation, under the safety margin`);
  }
}

/** Configuration or definition is invalid. Lists every problem with its value. */
export class ConfigError extends TaskpipeError {
  readonly code = 'config';
  readonly retryable = false;

  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
  }
}

/** Normalises anything thrown by a handler into a typed error. */
export function toTaskpipeError(thrown: unknown): TaskpipeError {
  if (thrown instanceof TaskpipeError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new RetryableError(message || 'handler threw without a message', { cause: thrown });
}

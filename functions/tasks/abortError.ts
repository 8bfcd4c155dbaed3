import { RetryableError, TaskpipeError } from '../core/errors.js';

/**
 * The error to throw once the task's own signal has aborted some work.
 *
 * The consumer may abort with a typed reason (a task timeout, the invocation deadline);
 * that reason is kept so the status records the real cause. Any other reason becomes a
 * retryable error: being stopped says nothing about whether the task can succeed.
 *
 * @param signal - the task's signal, already aborted
 * @param what - what was interrupted, for the message (`"POST to example.com"`)
 */
export function errorFromAbort(signal: AbortSignal, what: string): TaskpipeError {
  const reason: unknown = signal.reason;
  if (reason instanceof TaskpipeError) return reason;
  return new RetryableError(`${what} was aborted by the task signal`, { cause: reason });
}

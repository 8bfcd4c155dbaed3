import { PermanentError, RetryableError, type TaskpipeError } from '../../core/errors.js';

/** `details` of the errors an SES send throws: the SES error name and HTTP status. */
export interface SesErrorDetails {
  sesError: string;
  status?: number;
}

// SES answers that a person must act on: the message, sender or account is refused.
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'BadRequestException',
  'NotFoundException',
]);

/** The daily sending quota is used up: waiting a while is all that helps. */
const QUOTA_WAIT_MS = 15 * 60_000;

/**
 * Turns an SES error into the typed error that decides the retry. Throttling
 * (`TooManyRequestsException`, the maximum send rate) retries with the task's backoff, so
 * the retries spread out below the rate; a rejected message never retries.
 */
export function sesError(thrown: unknown, action: string): TaskpipeError {
  const error = thrown as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = error?.name ?? 'Error';
  const status = error?.$metadata?.httpStatusCode;
  const details: SesErrorDetails = { sesError: name, ...(status ? { status } : {}) };
  const message = `SES ${action} failed: ${name}${error?.message ? `: ${error.message}` : ''}`;
  if (name === 'TooManyRequestsException') {
    return new RetryableError(message, { cause: thrown, details });
  }
  if (name === 'LimitExceededException' || name === 'SendingPausedException') {
    return new RetryableError(message, { cause: thrown, details, retryAfterMs: QUOTA_WAIT_MS });
  }
  if (PERMANENT.has(name) || (status !== undefined && status >= 400 && status < 500)) {
    return new PermanentError(message, { cause: thrown, details });
  }
  // 5xx, timeouts and network errors: the SDK already retried; let the task try again.
  return new RetryableError(message, { cause: thrown, details });
}

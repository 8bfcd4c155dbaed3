import { InvalidPayloadError, TaskpipeError } from '../core/errors.js';
import {
  EnqueueFailedError,
  IdempotencyConflictError,
  PayloadTooLargeError,
  TaskNotFoundError,
  TaskRequestError,
  TaskStateConflictError,
} from '../core/service/errors.js';
import { GroupConflictError, GroupNotFoundError } from '../core/workflow/errors.js';
import {
  MethodNotAllowedError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from './httpErrors.js';

/** The JSON error shape of every non-2xx answer: `{ error: ErrorBody }`. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** The one place where typed errors become HTTP status codes. */
export function statusFor(error: unknown): number {
  if (error instanceof UnsupportedMediaTypeError) return 415;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof TaskNotFoundError || error instanceof RouteNotFoundError) return 404;
  if (error instanceof MethodNotAllowedError) return 405;
  if (
    error instanceof TaskStateConflictError ||
    error instanceof IdempotencyConflictError ||
    error instanceof GroupConflictError
  ) {
    return 409;
  }
  if (error instanceof GroupNotFoundError) return 404;
  if (error instanceof EnqueueFailedError) return 503;
  if (error instanceof TaskRequestError || error instanceof InvalidPayloadError) return 400;
  // Throttling, a store or queue that did not answer: the client may try again.
  if (error instanceof TaskpipeError && error.retryable) return 503;
  return 500;
}

/** The public description of an error; infrastructure errors are not described in detail. */
export function errorBody(error: unknown): ErrorBody {
  if (error instanceof TaskRequestError) {
    return {
      code: error.reason,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  if (error instanceof InvalidPayloadError) {
    return { code: 'invalid_payload', message: error.message, details: { issues: error.issues } };
  }
  if (error instanceof TaskpipeError && error.retryable) {
    return { code: 'unavailable', message: 'a backing service is unavailable; try again' };
  }
  return { code: 'internal', message: 'internal error' };
}

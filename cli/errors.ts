import { TASK_ID_PATTERN } from '../functions/core/envelope.js';
import { InvalidPayloadError, TaskpipeError } from '../functions/core/errors.js';
import {
  IdempotencyConflictError,
  TaskRequestError,
  TaskStateConflictError,
} from '../functions/core/service/errors.js';

/** What the exit status of `taskpipe` means; printed in `--help` and docs/cli.md. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line, with the exit code that classifies it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad arguments: an unknown option value, a payload that is not JSON, an unknown task type. */
export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

export class NotFoundError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.notFound, options);
  }
}

/** The task is in a state the operation does not apply to. */
export class ConflictError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.conflict, options);
  }
}

/** No local runtime answers, or the stack (or AWS) cannot be reached. */
export class UnreachableError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.unreachable, options);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The system error code of a failed connection anywhere in the cause chain, if any. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if ((current as Error).name === 'TimeoutError' || (current as Error).name === 'AbortError') {
      return 'ETIMEDOUT';
    }
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Runs a call on one task; "not found" then names the id (when it is a well-formed one). */
export async function forTask<T>(id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TaskRequestError && error.reason === 'not_found') {
      const named = TASK_ID_PATTERN.test(id) ? `no task with id ${id}` : 'no task with this id';
      throw new NotFoundError(named, { cause: error });
    }
    throw error;
  }
}

/**
 * Classifies anything thrown by a command. `where` names the target (its endpoint or stack)
 * so a connection failure says what could not be reached.
 */
export function toCliError(error: unknown, where?: string): CliError {
  if (error instanceof CliError) return error;
  const network = networkErrorCode(error);
  if (network) {
    return new UnreachableError(
      `cannot reach ${where ?? 'the target'} (${network}); is it running?`,
      { cause: error },
    );
  }
  if (error instanceof TaskRequestError) {
    const options = { cause: error };
    if (error.reason === 'not_found') return new NotFoundError(error.message, options);
    if (
      error instanceof TaskStateConflictError ||
      error instanceof IdempotencyConflictError ||
      error.reason === 'group_conflict'
    ) {
      return new ConflictError(error.message, options);
    }
    if (error.reason === 'enqueue_failed') return new CliError(error.message, EXIT.error, options);
    return new UsageError(error.message, options);
  }
  if (error instanceof InvalidPayloadError) return new UsageError(error.message, { cause: error });
  if (error instanceof TaskpipeError)
    return new CliError(error.message, EXIT.error, { cause: error });
  const name = (error as Error)?.name;
  if (name === 'CredentialsProviderError' || name === 'ExpiredTokenException') {
    return new UnreachableError(`AWS credentials: ${(error as Error).message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message.split('\n')[0] || 'unexpected error', EXIT.error, { cause: error });
}

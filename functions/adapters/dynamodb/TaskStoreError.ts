import { TaskpipeError } from '../../core/errors.js';

export type TaskStoreOperation =
  | 'create'
  | 'claim'
  | 'finish'
  | 'markRetrying'
  | 'settle'
  | 'cancel'
  | 'stopChain'
  | 'markDeadLettered'
  | 'get'
  | 'list'
  | 'requeue'
  | 'revertRequeue'
  | 'deleteUnclaimed'
  | 'noteDeferral'
  | 'cancelDebounced'
  | 'rateLimit'
  | 'concurrency'
  | 'debounce'
  | 'dedupWindow'
  | 'findSentEmail'
  | 'recordSentEmail';

/** Error names DynamoDB (or the network under it) uses for failures that may pass. */
const TRANSIENT_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
  'TimeoutError',
  'AbortError',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Whether the same call may succeed later: throttling, 5xx and network errors. */
export function isTransientStoreFailure(cause: unknown): boolean {
  const error = (cause ?? {}) as SdkErrorShape;
  if (error.$retryable || error.$fault === 'server') return true;
  if (error.name && TRANSIENT_ERROR_NAMES.has(error.name)) return true;
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  // No HTTP response at all (connection refused, reset, DNS): the service was not reached.
  return error.$fault === undefined;
}

/**
 * A task-status read or write failed for a reason other than its condition (throttling,
 * a missing table, bad credentials, the network). The SDK error is kept as `cause`.
 */
export class TaskStoreError extends TaskpipeError {
  readonly code = 'store';
  readonly retryable: boolean;
  /** The DynamoDB error name, such as `ResourceNotFoundException`. */
  readonly causeName: string;

  constructor(
    readonly operation: TaskStoreOperation,
    readonly taskId: string,
    cause: unknown,
    options: { reason?: string; retryable?: boolean } = {},
  ) {
    const causeName = cause instanceof Error ? cause.name : 'Error';
    const reason =
      options.reason ?? `${causeName}: ${cause instanceof Error ? cause.message : String(cause)}`;
    super(`task store ${operation} failed for task "${taskId}": ${reason}`, { cause });
    this.causeName = causeName;
    this.retryable = options.retryable ?? isTransientStoreFailure(cause);
  }
}

/** Builds a write; a payload, result or error that is not JSON (BigInt, a cycle) cannot be retried. */
export function encoded<T>(operation: TaskStoreOperation, id: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new TaskStoreError(operation, id, error, {
      reason: (error as Error).message,
      retryable: false,
    });
  }
}

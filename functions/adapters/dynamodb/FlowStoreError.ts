import { TaskpipeError } from '../../core/errors.js';
import { isTransientStoreFailure } from './TaskStoreError.js';

/**
 * A flow-control read or write failed for a reason other than its condition. Retryable
 * when the same call may pass later: the record then comes back and asks again.
 */
export class FlowStoreError extends TaskpipeError {
  readonly code = 'store';
  readonly retryable: boolean;

  constructor(
    readonly operation: string,
    readonly subject: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`flow store ${operation} failed for ${JSON.stringify(subject)}: ${reason}`, { cause });
    this.retryable = isTransientStoreFailure(cause);
  }
}

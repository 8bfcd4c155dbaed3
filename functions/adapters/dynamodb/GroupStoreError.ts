import { TaskpipeError } from '../../core/errors.js';
import { isTransientStoreFailure } from './TaskStoreError.js';

export type GroupStoreOperation =
  | 'createGroup'
  | 'addMembers'
  | 'seal'
  | 'recordMember'
  | 'readLeaf'
  | 'completeLeaf'
  | 'claimFanIn'
  | 'markFanInSent'
  | 'getGroup'
  | 'followUps'
  | 'failedMembers'
  | 'progress';

/**
 * A group read or write failed for a reason other than its condition (throttling, the
 * network, a malformed item). Retryable when the same call may pass later: the member's
 * message then comes back and the fan-in path is replayed.
 */
export class GroupStoreError extends TaskpipeError {
  readonly code = 'store';
  readonly retryable: boolean;

  constructor(
    readonly operation: GroupStoreOperation,
    readonly groupId: string,
    cause: unknown,
    options: { reason?: string; retryable?: boolean } = {},
  ) {
    const reason =
      options.reason ??
      `${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`;
    super(`group store ${operation} failed for group "${groupId}": ${reason}`, { cause });
    this.retryable = options.retryable ?? isTransientStoreFailure(cause);
  }
}

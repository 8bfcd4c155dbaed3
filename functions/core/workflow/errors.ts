import { TaskRequestError } from '../service/errors.js';
import type { GroupState } from './types.js';

/** No group with this id (never created, or past its retention). */
export class GroupNotFoundError extends TaskRequestError {
  readonly reason = 'not_found';
  constructor() {
    super('no group with this id');
  }
}

/**
 * The group is in a state the request does not fit: members added to a sealed group, a seal
 * whose total differs from the members added, a second seal with another total.
 */
export class GroupConflictError extends TaskRequestError {
  readonly reason = 'group_conflict';
  constructor(message: string, details: { state: GroupState; added: number; total?: number }) {
    super(message, { details });
  }
}

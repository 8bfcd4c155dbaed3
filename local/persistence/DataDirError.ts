import { TaskpipeError } from '../../functions/core/errors.js';

/** The data dir cannot be used as it is: wrong version, corrupt, locked or not ours. */
export class DataDirError extends TaskpipeError {
  readonly code = 'config';
  readonly retryable = false;
}

import { setTimeout as delay } from 'node:timers/promises';
import { TaskpipeError } from './errors.js';

/** Pauses before the second and third try of an outcome write. */
const PAUSES_MS = [50, 250];

/**
 * Writes a task's outcome, trying again on a transient store error. An outcome that is not
 * recorded is lost: the redelivery runs the task again, so a permanent failure could end up
 * retried and a success repeated. The SDK's own retries come first; these cover a short
 * throttling or 5xx burst beyond them.
 */
export async function recordWithRetries<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const pause = PAUSES_MS[attempt];
      const transient = error instanceof TaskpipeError && error.retryable;
      if (!transient || pause === undefined) throw error;
      await delay(pause);
    }
  }
}

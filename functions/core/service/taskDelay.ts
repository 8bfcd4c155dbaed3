import { createHash } from 'node:crypto';
import { RequestValidationError } from './errors.js';
import { MAX_DELAY_SECONDS, MAX_LONG_DELAY_SECONDS } from './requests.js';

/** How long a task waits before it is due, and whether a schedule (not SQS) holds it. */
export interface TaskDelay {
  seconds: number;
  /** Beyond SQS's 900 s: a one-time schedule sends the message when it is due. */
  scheduled: boolean;
}

function refuse(field: string, message: string): never {
  throw new RequestValidationError('invalid task request', [{ path: [field], message }]);
}

/**
 * The delay a request asks for, from `delaySeconds` or `runAt` (one of them). Up to 900 s it
 * is SQS's `DelaySeconds`; beyond, it is scheduled, which only a caller with a scheduler
 * (`longDelays`) can do. FIFO queues take no per-message delay: a short one is refused; a
 * long one is scheduled with the message group id on the schedule.
 */
export function taskDelay(
  input: { delaySeconds?: number; runAt?: string },
  now: number,
  longDelays: boolean,
  fifo: boolean,
): TaskDelay {
  if (input.delaySeconds !== undefined && input.runAt !== undefined) {
    refuse('runAt', 'give either delaySeconds or runAt, not both');
  }
  const field = input.runAt === undefined ? 'delaySeconds' : 'runAt';
  const seconds =
    input.runAt === undefined
      ? (input.delaySeconds ?? 0)
      : Math.max(0, Math.ceil((Date.parse(input.runAt) - now) / 1_000));
  if (seconds > MAX_LONG_DELAY_SECONDS) {
    refuse(field, `is ${seconds} s ahead; the most is ${MAX_LONG_DELAY_SECONDS} s (one year)`);
  }
  if (seconds <= MAX_DELAY_SECONDS) {
    if (fifo && seconds > 0) {
      refuse(
        field,
        `FIFO queues do not take a per-message delay; only a delay over ${MAX_DELAY_SECONDS} s is scheduled for them`,
      );
    }
    return { seconds, scheduled: false };
  }
  if (!longDelays) {
    refuse(
      field,
      `a delay over ${MAX_DELAY_SECONDS} s is scheduled by the API: enqueue it with POST /tasks, POST /tasks/batch or taskpipe enqueue, not from a handler, a group or straight to SQS`,
    );
  }
  return { seconds, scheduled: true };
}

/** A schedule's name for task `taskId`: the id when Scheduler's name rules allow it, else a hash. */
export function scheduleName(taskId: string): string {
  if (/^[0-9A-Za-z._-]{1,64}$/.test(taskId)) return taskId;
  return `h-${createHash('sha256').update(taskId).digest('base64url').slice(0, 43)}`;
}

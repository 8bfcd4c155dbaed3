import { describe, expect, it } from 'vitest';
import { RETRY_CLOCK_SLACK_MS, retryWaitMs } from '../../../functions/core/consumer/retryWait.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const record = (fields: Partial<TaskRecord>): TaskRecord =>
  ({
    id: 't',
    type: 'noop',
    status: 'RETRYING',
    attempts: 1,
    maxAttempts: 3,
    ...fields,
  }) as TaskRecord;

describe('retryWaitMs', () => {
  const now = 1_000_000;

  it('makes a retry that is not due wait until its time', () => {
    expect(retryWaitMs(record({ nextAttemptAt: now + 15_000 }), now)).toBe(15_000);
  });

  it('lets a retry run once it is due, or within the clock slack', () => {
    expect(retryWaitMs(record({ nextAttemptAt: now - 1 }), now)).toBeUndefined();
    expect(retryWaitMs(record({ nextAttemptAt: now + RETRY_CLOCK_SLACK_MS }), now)).toBeUndefined();
    expect(retryWaitMs(record({ nextAttemptAt: now + RETRY_CLOCK_SLACK_MS + 1 }), now)).toBe(
      RETRY_CLOCK_SLACK_MS + 1,
    );
  });

  it('leaves other statuses, and a retry with no time, alone', () => {
    expect(
      retryWaitMs(record({ status: 'QUEUED', nextAttemptAt: now + 60_000 }), now),
    ).toBeUndefined();
    expect(retryWaitMs(record({}), now)).toBeUndefined();
  });
});

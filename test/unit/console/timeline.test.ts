import { describe, expect, it } from 'vitest';
import { timeline } from '../../../console/server/timeline.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const base: TaskRecord = {
  id: 't1',
  type: 'noop',
  status: 'QUEUED',
  priority: 'default',
  attempts: 0,
  maxAttempts: 3,
  createdAt: 1_000,
  enqueuedAt: 1_000,
  expiresAt: 9_999_999,
};
const error = { code: 'retryable', message: 'boom', details: { stack: 'Error: boom\n    at x' } };

describe('timeline', () => {
  it('shows a retry: the attempt, its error, and the backoff before the next one', () => {
    const events = timeline({
      ...base,
      status: 'RETRYING',
      attempts: 1,
      startedAt: 2_000,
      durationMs: 500,
      lastError: error,
      nextAttemptAt: 6_500,
    });
    expect(events.map((e) => [e.kind, e.at, e.label])).toEqual([
      ['enqueued', 1_000, 'enqueued on default'],
      ['started', 2_000, 'attempt 1 of 3 started'],
      ['failed', 2_500, 'attempt 1 failed'],
      ['retry-scheduled', 6_500, 'attempt 2 due after a backoff of 4 s'],
    ]);
    expect(events[2]?.error).toEqual(error);
  });

  it('ends a failed task with its error and the DLQ copy', () => {
    const events = timeline({
      ...base,
      status: 'FAILED',
      attempts: 3,
      startedAt: 2_000,
      finishedAt: 3_000,
      lastError: error,
      deadLetteredAt: 3_001,
    });
    expect(events.at(-1)).toEqual({
      at: 3_000,
      kind: 'failed',
      label: 'failed for good on attempt 3 of 3; copied to the dead-letter queue',
      error,
    });
  });

  it('ends a success with its duration', () => {
    const events = timeline({
      ...base,
      status: 'SUCCEEDED',
      attempts: 1,
      startedAt: 2_000,
      finishedAt: 2_050,
      durationMs: 50,
      queueWaitMs: 7,
    });
    expect(events.map((e) => e.label)).toEqual([
      'enqueued on default',
      'attempt 1 of 3 started, after 7 ms on the queue',
      'succeeded on attempt 1 in 50 ms',
    ]);
  });
});

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

  it('shows every kept failure with its backoff, and the last with its full error', () => {
    const kept = (attempt: number, at: number, retryAt?: number) => ({
      attempt,
      at,
      error: { code: 'retryable', message: `boom ${attempt}`, stack: `Error: boom ${attempt}` },
      ...(retryAt === undefined ? {} : { retryAt }),
    });
    const events = timeline({
      ...base,
      status: 'FAILED',
      attempts: 3,
      startedAt: 20_000,
      finishedAt: 20_400,
      lastError: error,
      failures: [kept(1, 2_000, 4_000), kept(2, 9_000, 17_000), kept(3, 20_400)],
    });
    expect(events.map((e) => [e.kind, e.at, e.label])).toEqual([
      ['enqueued', 1_000, 'enqueued on default'],
      ['failed', 2_000, 'attempt 1 failed'],
      ['retry-scheduled', 4_000, 'attempt 2 due after a backoff of 2 s'],
      ['failed', 9_000, 'attempt 2 failed'],
      ['retry-scheduled', 17_000, 'attempt 3 due after a backoff of 8 s'],
      ['started', 20_000, 'attempt 3 of 3 started'],
      ['failed', 20_400, 'failed for good on attempt 3 of 3'],
    ]);
    expect(events[1]?.error?.message).toBe('boom 1');
    expect(events[3]?.error?.stack).toBe('Error: boom 2');
    expect(events[6]?.error).toEqual(error);
    // A row that lost its whole last error still shows the kept one.
    const ended = timeline({
      ...base,
      status: 'FAILED',
      attempts: 1,
      finishedAt: 3_000,
      failures: [{ attempt: 1, at: 3_000, error: { code: 'x', message: 'kept' } }],
    });
    expect(ended.map((e) => e.label)).toEqual([
      'enqueued on default',
      'failed for good on attempt 1 of 3',
    ]);
    expect(ended[1]?.error?.message).toBe('kept');
  });

  it('says how many earlier failures the row no longer keeps', () => {
    const failures = Array.from({ length: 10 }, (_, i) => ({
      attempt: i + 3,
      at: 2_000 + i,
      error: { code: 'retryable', message: 'boom' },
      retryAt: 3_000 + i,
    }));
    const events = timeline({ ...base, status: 'RETRYING', attempts: 12, failures });
    expect(events[1]?.label).toBe('2 earlier failed attempts not kept (the row keeps the last 10)');
    expect(events.filter((e) => e.label.endsWith(' failed'))).toHaveLength(10);
    const one = timeline({
      ...base,
      status: 'RETRYING',
      attempts: 3,
      failures: failures.slice(0, 1),
    });
    expect(one[1]?.label).toBe('2 earlier failed attempts not kept (the row keeps the last 1)');
    const two = timeline({
      ...base,
      status: 'RETRYING',
      attempts: 3,
      failures: [{ ...failures[0]!, attempt: 2 }],
    });
    expect(two[1]?.label).toBe('1 earlier failed attempt not kept (the row keeps the last 1)');
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

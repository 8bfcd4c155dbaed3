import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import { wasScheduled } from '../../../functions/core/service/sendPrepared.js';
import { scheduleName, taskDelay } from '../../../functions/core/service/taskDelay.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const NOW = Date.parse('2027-01-01T00:00:00Z');

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return JSON.stringify((error as RequestValidationError).issues);
  }
  throw new Error('expected a refusal');
}

describe('taskDelay', () => {
  it('keeps up to 900 s on SQS and schedules beyond, when it can', () => {
    expect(taskDelay({}, NOW, true, false)).toEqual({ seconds: 0, scheduled: false });
    expect(taskDelay({ delaySeconds: 900 }, NOW, false, false)).toEqual({
      seconds: 900,
      scheduled: false,
    });
    expect(taskDelay({ delaySeconds: 901 }, NOW, true, false)).toEqual({
      seconds: 901,
      scheduled: true,
    });
    expect(taskDelay({ delaySeconds: 31_536_000 }, NOW, true, false).scheduled).toBe(true);
  });

  it('turns runAt into whole seconds from now, rounded up; a past time is now', () => {
    const runAt = new Date(NOW + 3_600_000 + 1).toISOString();
    expect(taskDelay({ runAt }, NOW, true, false)).toEqual({ seconds: 3_601, scheduled: true });
    expect(taskDelay({ runAt: new Date(NOW - 5_000).toISOString() }, NOW, true, false)).toEqual({
      seconds: 0,
      scheduled: false,
    });
  });

  it('refuses both fields, more than a year, a long delay without a scheduler, a short FIFO delay', () => {
    const runAt = new Date(NOW).toISOString();
    expect(refusal(() => taskDelay({ delaySeconds: 1, runAt }, NOW, true, false))).toContain(
      'either delaySeconds or runAt',
    );
    const yearAndASecond = new Date(NOW + 31_536_001_000).toISOString();
    expect(refusal(() => taskDelay({ runAt: yearAndASecond }, NOW, true, false))).toContain(
      'the most is 31536000 s',
    );
    expect(refusal(() => taskDelay({ delaySeconds: 901 }, NOW, false, false))).toContain(
      'scheduled by the API',
    );
    expect(refusal(() => taskDelay({ delaySeconds: 1 }, NOW, true, true))).toContain(
      'FIFO queues do not take a per-message delay',
    );
    expect(taskDelay({ delaySeconds: 901 }, NOW, true, true).scheduled).toBe(true);
    expect(taskDelay({ delaySeconds: 0 }, NOW, false, true).scheduled).toBe(false);
  });
});

describe('scheduleName', () => {
  it('is the task id when Scheduler allows it, else a stable hash within 64 characters', () => {
    expect(scheduleName('01J0ABC.on-complete')).toBe('01J0ABC.on-complete');
    const odd = scheduleName('orders:42');
    expect(odd).toMatch(/^h-[A-Za-z0-9_-]{43}$/);
    expect(scheduleName('orders:42')).toBe(odd);
    expect(scheduleName('orders:43')).not.toBe(odd);
    expect(scheduleName('a'.repeat(65))).toMatch(/^h-/);
    expect(scheduleName('a'.repeat(64))).toBe('a'.repeat(64));
  });
});

describe('wasScheduled', () => {
  const base: TaskRecord = {
    id: 't',
    type: 'noop',
    status: 'CANCELLED',
    priority: 'default',
    attempts: 0,
    maxAttempts: 3,
    createdAt: NOW,
    enqueuedAt: NOW,
    expiresAt: 0,
  };
  it('is true only for an unattempted task due more than 900 s after its enqueue', () => {
    expect(wasScheduled({ ...base, nextAttemptAt: NOW + 900_001 })).toBe(true);
    expect(wasScheduled({ ...base, nextAttemptAt: NOW + 900_000 })).toBe(false);
    expect(wasScheduled(base)).toBe(false);
    expect(wasScheduled({ ...base, attempts: 1, nextAttemptAt: NOW + 3_600_000 })).toBe(false);
  });
});

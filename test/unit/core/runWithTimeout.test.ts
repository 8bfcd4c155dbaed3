import { describe, expect, it } from 'vitest';
import { runWithTimeout } from '../../../functions/core/consumer/runWithTimeout.js';
import { TaskTimeoutError } from '../../../functions/core/errors.js';

describe('runWithTimeout', () => {
  it('returns the result of a function that finishes in time', async () => {
    await expect(runWithTimeout(async () => 7, 1_000, 'task_timeout')).resolves.toBe(7);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const fn = () => {
      throw new RangeError('sync');
    };
    await expect(runWithTimeout(fn, 1_000, 'task_timeout')).rejects.toThrow('sync');
  });

  it('aborts the signal and rejects with a retryable timeout when time runs out', async () => {
    let seen: AbortSignal | undefined;
    const never = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    };
    const error = await runWithTimeout(never, 20, 'deadline').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect((error as TaskTimeoutError).retryable).toBe(true);
    expect((error as TaskTimeoutError).message).toContain('invocation deadline');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
  });
});

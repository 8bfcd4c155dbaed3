import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('on a clock the test moves', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits for a function that takes longer than a tick but less than the timeout', async () => {
      vi.useFakeTimers();
      const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(7), 50));
      const result = runWithTimeout(slow, 1_000, 'task_timeout');

      await vi.advanceTimersByTimeAsync(50);
      await expect(result).resolves.toBe(7);
    });

    it('leaves no timer behind, and the signal unaborted, once the function returned', async () => {
      vi.useFakeTimers();
      let seen: AbortSignal | undefined;
      await runWithTimeout(
        (signal) => {
          seen = signal;
          return 7;
        },
        1_000,
        'task_timeout',
      );

      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(seen?.aborted).toBe(false);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../functions/core/backoff.js';

const policy = { baseMs: 1_000, capMs: 10_000 };

describe('backoffDelayMs', () => {
  it('grows exponentially with the attempt at the top of the jitter range', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, policy, top))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('is capped', () => {
    expect(backoffDelayMs(5, policy, () => 1)).toBe(10_000);
    expect(backoffDelayMs(60, policy, () => 1)).toBe(10_000);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(3, policy, () => 0.25)).toBe(1_000);
  });

  it('treats attempt numbers below 1 as the first and clamps a bad random source', () => {
    expect(backoffDelayMs(0, policy, () => 1)).toBe(1_000);
    expect(backoffDelayMs(2, policy, () => 7)).toBe(2_000);
    expect(backoffDelayMs(2, policy, () => -1)).toBe(0);
  });

  it('uses Math.random by default and stays within bounds', () => {
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(4, policy);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(8_000);
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  afterProbe,
  bucketOf,
  closed,
  decide,
  MANUAL_HOLD_MS,
  MAX_DEFER_MS,
  newBreaker,
  opened,
  shouldOpen,
  takeProbe,
  windowCounts,
} from '../../../functions/core/flow/breaker.js';
import {
  breakerPolicyProblems,
  DEFAULT_BREAKER_POLICY as P,
} from '../../../functions/core/flow/breakerPolicy.js';

const base = newBreaker('host:a.example', 0);

describe('the breaker rules', () => {
  it('counts only the buckets inside the window', () => {
    const buckets = [
      { start: 0, attempts: 5, failures: 5 },
      { start: 60_000, attempts: 3, failures: 1 },
      { start: 110_000, attempts: 2, failures: 2 },
    ];
    expect(windowCounts(buckets, P, 119_999)).toEqual({ attempts: 5, failures: 3 });
    expect(windowCounts(buckets, P, 60_000)).toEqual({ attempts: 3, failures: 1 });
    expect(windowCounts(buckets, P, 59_999)).toEqual({ attempts: 5, failures: 5 });
    expect(bucketOf(19_999)).toBe(10_000);
  });

  it('opens at the threshold with enough attempts, not before', () => {
    expect(shouldOpen({ attempts: 20, failures: 10 }, P)).toBe(true);
    expect(shouldOpen({ attempts: 20, failures: 9 }, P)).toBe(false);
    expect(shouldOpen({ attempts: 19, failures: 19 }, P)).toBe(false);
  });

  it('runs when closed or unknown, defers while open, probes after the cool-down', () => {
    expect(decide(undefined, 0)).toEqual({ kind: 'run' });
    expect(decide(base, 0)).toEqual({ kind: 'run' });
    const open = opened(base, 'breaker', 1_000, 31_000);
    expect(decide(open, 1_000)).toEqual({ kind: 'defer', delayMs: 30_000 });
    expect(decide(open, 30_500)).toEqual({ kind: 'defer', delayMs: 1_000 });
    expect(decide(open, 31_000)).toEqual({ kind: 'probe' });
    expect(decide(opened(base, 'ann', 0, undefined), 10 ** 9)).toEqual({
      kind: 'defer',
      delayMs: MANUAL_HOLD_MS,
    });
    expect(decide(opened(base, 'breaker', 0, 10 ** 7), 0)).toEqual({
      kind: 'defer',
      delayMs: MAX_DEFER_MS,
    });
  });

  it('hands out `probes` slots, then defers until they answer or expire', () => {
    const policy = { ...P, probes: 2 };
    const open = opened(base, 'breaker', 0, 30_000);
    const first = takeProbe(open, policy, 30_000);
    expect(first).toMatchObject({ state: 'half_open', probesLeft: 1, until: 60_000, version: 2 });
    const second = first && takeProbe(first, policy, 30_001);
    expect(second).toMatchObject({ probesLeft: 0, since: 30_000 });
    expect(second && takeProbe(second, policy, 40_000)).toBeUndefined();
    expect(second && decide(second, 40_000)).toEqual({ kind: 'defer', delayMs: 20_000 });
    // Unanswered probes are granted again once they expire.
    expect(second && takeProbe(second, policy, 60_000)).toMatchObject({ probesLeft: 1 });
    expect(takeProbe(base, policy, 0)).toBeUndefined();
  });

  it('closes after `probes` successes, reopens on a failure', () => {
    const policy = { ...P, probes: 2 };
    const half = takeProbe(opened(base, 'breaker', 0, 1), policy, 1)!;
    const one = afterProbe(half, true, policy, 5)!;
    expect(one).toMatchObject({ state: 'half_open', probeSuccesses: 1 });
    expect(afterProbe(one, true, policy, 6)).toMatchObject({ state: 'closed', buckets: [] });
    expect(afterProbe(one, false, policy, 7)).toMatchObject({
      state: 'open',
      until: 7 + policy.coolDownMs,
      by: 'breaker',
    });
    expect(afterProbe(base, true, policy, 8)).toBeUndefined();
  });

  it('an operator close drops the window and the probing state', () => {
    const counted = {
      ...opened(base, 'breaker', 0, 9),
      buckets: [{ start: 0, attempts: 9, failures: 9 }],
    };
    const shut = closed(counted, 'ann', 50);
    expect(shut).toEqual({ ...base, since: 50, by: 'ann', version: 2 });
  });

  it('names every bad policy value', () => {
    expect(breakerPolicyProblems('t', P)).toEqual([]);
    const bad = { failureRate: 0, minAttempts: 0.5, windowMs: 15_000, coolDownMs: 10, probes: 0 };
    expect(breakerPolicyProblems('t', bad)).toHaveLength(5);
  });
});

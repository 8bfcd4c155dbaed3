import { describe, expect, it } from 'vitest';
import { checkDrain, drainBoundFor, drainGivesUp } from '../../../chaos/drainBound.js';

const bound = drainBoundFor(2_000);

describe('the drain bound', () => {
  it('grows with the workload in CPU time, not in wall time', () => {
    expect(drainBoundFor(10_000).cpuMs - bound.cpuMs).toBe(8_000 * 25);
    expect(drainBoundFor(10_000).stallMs).toBe(bound.stallMs);
  });

  it('passes a drain that took long on the clock but within its CPU budget', () => {
    const result = checkDrain({ drainMs: 900_000, cpuMs: 40_000, longestStallMs: 13_000 }, bound);
    expect(result).toMatchObject({ name: 'drains within the bound', pass: true });
    expect(result.detail).toBe(
      'drained in 900.0 s; CPU 40.0 s (bound 110.0 s); longest stall 13.0 s (bound 30.0 s)',
    );
  });

  it.each([
    ['never drained', { drainMs: undefined, cpuMs: 40_000, longestStallMs: 1_000 }],
    ['spent more CPU than its budget', { drainMs: 60_000, cpuMs: 110_001, longestStallMs: 1_000 }],
    ['stalled past the bound', { drainMs: 60_000, cpuMs: 40_000, longestStallMs: 30_001 }],
  ])('fails a drain that %s', (_, facts) => {
    expect(checkDrain(facts, bound).pass).toBe(false);
  });

  it('gives up waiting once the run can no longer pass', () => {
    expect(drainGivesUp({ cpuMs: 110_000, longestStallMs: 30_000 }, bound)).toBe(false);
    expect(drainGivesUp({ cpuMs: 110_001, longestStallMs: 0 }, bound)).toBe(true);
    expect(drainGivesUp({ cpuMs: 0, longestStallMs: 30_001 }, bound)).toBe(true);
  });
});

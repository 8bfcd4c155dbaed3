import { describe, expect, it } from 'vitest';
import { judgeScale, type ScaleSample, slope } from '../../bench/scale/scaleAnalysis.js';

const samples = (n: number, f: (t: number) => Partial<ScaleSample>): ScaleSample[] =>
  Array.from({ length: n }, (_, t) => ({
    t,
    rssMb: 200,
    heapMb: 80,
    loopDelayMeanMs: 1,
    loopDelayMaxMs: 5,
    succeeded: t * 100,
    ...f(t),
  }));

describe('scale analysis', () => {
  it('slope is the least-squares fit', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([0, 1, 2], [5, 5, 5])).toBe(0);
    expect(slope([1], [1])).toBe(0);
  });

  it('flat memory with noise and a warm-up climb passes; steady growth fails', () => {
    const flat = judgeScale(
      samples(100, (t) => ({ rssMb: t < 15 ? 100 + t * 6 : 190 + (t % 2 ? 5 : -5) })),
    );
    expect(flat.memoryFlat).toBe(true);
    expect(flat.peakRssMb).toBe(195);
    // 1 MB a second after warm-up: about 79 MB over the steady span.
    const leak = judgeScale(samples(100, (t) => ({ rssMb: 200 + t })));
    expect(leak.memoryFlat).toBe(false);
    expect(leak.rssSlopeMbPerMin).toBeCloseTo(60);
    expect(leak.rssGrowthMb).toBeCloseTo(79);
  });

  it('throughput holds at a constant rate and fails when the second half slows', () => {
    const steady = judgeScale(samples(100, () => ({})));
    expect(steady.firstHalfTasksPerSecond).toBeCloseTo(100);
    expect(steady.throughputHeld).toBe(true);
    const slowing = judgeScale(
      samples(100, (t) => ({ succeeded: t <= 60 ? t * 100 : 6_000 + (t - 60) * 50 })),
    );
    expect(slowing.secondHalfTasksPerSecond).toBeCloseTo(50);
    expect(slowing.throughputHeld).toBe(false);
  });

  it('refuses too few samples', () => {
    expect(() => judgeScale(samples(3, () => ({})))).toThrow(/at least 4/);
  });
});

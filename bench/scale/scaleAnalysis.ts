/** One sample a second of the local runtime under a long run. */
export interface ScaleSample {
  /** Seconds since the first send. */
  t: number;
  rssMb: number;
  heapMb: number;
  /** Event-loop delay over the last second, ms: mean and max. */
  loopDelayMeanMs: number;
  loopDelayMaxMs: number;
  /** Tasks succeeded so far. */
  succeeded: number;
}

export interface ScaleVerdict {
  peakRssMb: number;
  peakHeapMb: number;
  /** Least-squares slope of RSS and heap after warm-up, MB per minute. */
  rssSlopeMbPerMin: number;
  heapSlopeMbPerMin: number;
  /** Growth the slope predicts over the measured span, MB; flat when under `flatMb`. */
  rssGrowthMb: number;
  memoryFlat: boolean;
  /** Tasks per second in the first and the second half after warm-up. */
  firstHalfTasksPerSecond: number;
  secondHalfTasksPerSecond: number;
  throughputHeld: boolean;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Memory is flat when the RSS trend after warm-up (the first `warmupShare` of samples)
 * predicts less than `flatMb` of growth over that span; throughput holds when the second
 * half's rate is at least `heldShare` of the first half's.
 */
export function judgeScale(
  samples: readonly ScaleSample[],
  { warmupShare = 0.2, flatMb = 32, heldShare = 0.8 } = {},
): ScaleVerdict {
  if (samples.length < 4) throw new Error(`scale: ${samples.length} samples, at least 4 needed`);
  const steady = samples.slice(Math.floor(samples.length * warmupShare));
  const t = steady.map((s) => s.t);
  const rssSlope = slope(
    t,
    steady.map((s) => s.rssMb),
  );
  const heapSlope = slope(
    t,
    steady.map((s) => s.heapMb),
  );
  const span = t.at(-1)! - t[0]!;
  const rssGrowthMb = rssSlope * span;
  const mid = Math.floor(steady.length / 2);
  const rate = (a: ScaleSample, b: ScaleSample) =>
    b.t > a.t ? (b.succeeded - a.succeeded) / (b.t - a.t) : 0;
  const first = rate(steady[0]!, steady[mid]!);
  const second = rate(steady[mid]!, steady.at(-1)!);
  return {
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
    peakHeapMb: Math.max(...samples.map((s) => s.heapMb)),
    rssSlopeMbPerMin: rssSlope * 60,
    heapSlopeMbPerMin: heapSlope * 60,
    rssGrowthMb,
    memoryFlat: rssGrowthMb < flatMb,
    firstHalfTasksPerSecond: first,
    secondHalfTasksPerSecond: second,
    throughputHeld: second >= heldShare * first,
  };
}

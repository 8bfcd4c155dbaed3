import { describe, expect, it } from 'vitest';
import { type DrainInputs, drainTime } from '../../bench/model/drainModel.js';

const base: DrainInputs = {
  tasks: 1_000_000,
  batchSize: 10,
  invocationSeconds: 0.1,
  availableConcurrency: 989,
  mode: { kind: 'standard', maxConcurrency: 10 },
};

describe('drain model', () => {
  it('standard mode below 5: starts at the cap, no ramp, batch/time per invocation', () => {
    const d = drainTime({ ...base, mode: { kind: 'standard', maxConcurrency: 2 } });
    expect(d).toMatchObject({ startConcurrency: 2, capConcurrency: 2, rampSeconds: 0 });
    // 2 invocations × 10 tasks / 0.1 s = 200 tasks/s → 5,000 s for a million.
    expect(d.peakTasksPerSecond).toBeCloseTo(200);
    expect(d.seconds).toBeCloseTo(5_000);
    expect(d.busySeconds).toBeCloseTo(10_000);
    expect(d.limitedBy).toBe('queue setting');
  });

  it('standard mode ramps from 5 by 300 a minute, then runs at the cap', () => {
    const d = drainTime({ ...base, mode: { kind: 'standard', maxConcurrency: 905 } });
    // 900 more at 5 a second: 180 s of ramp. k = 100 tasks per concurrency-second, and the
    // ramp's work is 5·180 + 2.5·180² = 81,900 concurrency-seconds: 8.19M tasks.
    expect(d.rampSeconds).toBeCloseTo(180);
    // A million is done inside the ramp: 100·(5t + 2.5t²) = 1e6 → t = (−5 + √(25 + 1e5))/5.
    expect(d.seconds).toBeCloseTo((-5 + Math.sqrt(25 + 100_000)) / 5, 6);
  });

  it('after the ramp the rest runs at the cap', () => {
    const d = drainTime({ ...base, mode: { kind: 'standard', maxConcurrency: 65 } });
    // 60 more at 5/s: 12 s; ramp work 5·12 + 2.5·144 = 420 → 42,000 tasks; then 6,500/s.
    expect(d.rampSeconds).toBeCloseTo(12);
    expect(d.seconds).toBeCloseTo(12 + (1_000_000 - 42_000) / 6_500, 6);
  });

  it('the account and the mapping maximum bound the cap, and say so', () => {
    const account = drainTime({
      ...base,
      availableConcurrency: 300,
      mode: { kind: 'provisioned', minPollers: 2, maxPollers: 100 },
    });
    expect(account).toMatchObject({ capConcurrency: 300, limitedBy: 'account concurrency' });
    const mapping = drainTime({
      ...base,
      availableConcurrency: 5_000,
      mode: { kind: 'standard', maxConcurrency: 1_000 },
    });
    expect(mapping).toMatchObject({ capConcurrency: 1_000, limitedBy: 'queue setting' });
    const max = drainTime({
      ...base,
      availableConcurrency: 30_000,
      mode: { kind: 'standard', maxConcurrency: 2_000 },
    });
    expect(max).toMatchObject({ capConcurrency: 1_250, limitedBy: 'mapping maximum' });
  });

  it('the table write quota bounds the rate however many invocations run', () => {
    // 40,000 writes/s at 2 writes per task: 20,000 tasks/s, which 200 invocations reach.
    const d = drainTime({
      ...base,
      maxTasksPerSecond: 20_000,
      mode: { kind: 'provisioned', minPollers: 50, maxPollers: 90 },
    });
    expect(d).toMatchObject({ capConcurrency: 200, limitedBy: 'table write quota' });
    expect(d.peakTasksPerSecond).toBeCloseTo(20_000);
    expect(d.seconds).toBeCloseTo(50);
  });

  it('provisioned mode starts warm at min × 10, ramps 1,000 a minute, bills poller hours', () => {
    const d = drainTime({ ...base, mode: { kind: 'provisioned', minPollers: 5, maxPollers: 5 } });
    expect(d).toMatchObject({ startConcurrency: 50, capConcurrency: 50, rampSeconds: 0 });
    // 50 invocations × 100 tasks a second each: 5,000 tasks/s.
    expect(d.seconds).toBeCloseTo(200);
    // Fully busy: 10,000 invocation-s over 10 per poller = 5 pollers × 200 s.
    expect(d.pollerHours).toBeCloseTo(1_000 / 3600);
    const ramp = drainTime({
      ...base,
      mode: { kind: 'provisioned', minPollers: 2, maxPollers: 50 },
    });
    expect(ramp.rampSeconds).toBeCloseTo((500 - 20) / (1000 / 60));
    expect(drainTime(base).pollerHours).toBeUndefined();
  });

  it('refuses inputs that have no drain time', () => {
    expect(() => drainTime({ ...base, invocationSeconds: 0 })).toThrow(/invocationSeconds > 0/);
    expect(() => drainTime({ ...base, batchSize: 0 })).toThrow(/batchSize ≥ 1/);
  });
});

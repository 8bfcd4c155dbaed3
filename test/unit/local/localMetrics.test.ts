import { describe, expect, it } from 'vitest';
import { LocalMetrics } from '../../../local/LocalMetrics.js';
import { within } from '../../../local/within.js';

describe('LocalMetrics.reached', () => {
  it('resolves when the count is recorded, not before', async () => {
    const metrics = new LocalMetrics();
    let done = false;
    const reached = metrics.reached('noop:succeeded', 2).then(() => {
      done = true;
    });
    metrics.record({ type: 'noop', outcome: 'succeeded' });
    metrics.record({ type: 'noop', outcome: 'failed' });
    await Promise.resolve();
    expect(done).toBe(false);

    metrics.record({ type: 'noop', outcome: 'succeeded' });
    await reached;
    expect(done).toBe(true);
  });

  it('resolves at once for a count already reached', async () => {
    const metrics = new LocalMetrics();
    metrics.record({ type: 'noop', outcome: 'succeeded' });
    expect(await within(metrics.reached('noop:succeeded', 1), 1_000)).toBe(true);
  });
});

describe('within', () => {
  it('says false when the event does not come in time', async () => {
    expect(await within(new Promise(() => {}), 1)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { depthTable } from '../../../cli/stats/render.js';

describe('stats depth table', () => {
  it('counts dead letters that are in flight', () => {
    const text = depthTable([
      {
        priority: 'default',
        queue: { visible: 1, inFlight: 2, delayed: 0 },
        dlq: { visible: 1, inFlight: 3 },
      },
    ]);
    const [, , row] = text.split('\n');
    expect(row?.split(/\s+/)).toEqual(['default', '1', '2', '0', '4']);
  });
});

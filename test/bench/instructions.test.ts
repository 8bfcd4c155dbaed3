import { describe, expect, it } from 'vitest';
import { totalInstructions } from '../../bench/instructions/callgrind.js';
import { perTask } from '../../bench/instructions/measureInstructions.js';

describe('instruction counts', () => {
  it('reads the totals line of a callgrind file, or the summary line', () => {
    const out = 'version: 1\ncreator: callgrind\nevents: Ir\nsummary: 498897264\n\nfn=main\n';
    expect(totalInstructions(out)).toBe(498_897_264);
    expect(totalInstructions(`${out}totals: 498897999\n`)).toBe(498_897_264);
    expect(totalInstructions('events: Ir\ntotals: 12\n')).toBe(12);
    expect(() => totalInstructions('events: Ir\n')).toThrow(/no totals line/);
  });

  it('per task is the difference of two runs over the extra tasks', () => {
    // 50 extra batches of 10 tasks cost 1.5e9 − 1.0e9 instructions: 1M per task.
    expect(perTask(1.0e9, 1.5e9, 500)).toBe(1_000_000);
    expect(() => perTask(2, 1, 10)).toThrow(/fewer instructions/);
    expect(() => perTask(1, 2, 0)).toThrow(/extra tasks > 0/);
  });
});

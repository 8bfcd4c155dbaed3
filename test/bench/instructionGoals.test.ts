import { describe, expect, it } from 'vitest';
import { COLD_START_GOALS, instructionGoals, OVERHEAD_GOAL } from '../../bench/goals.js';
import {
  type InstructionResults,
  renderInstructions,
} from '../../bench/instructions/runInstructions.js';

const results = (ratios: number[], consumerCold: number): InstructionResults => ({
  node: { path: '/usr/bin/node', version: 'v24.22.3' },
  sizes: { levels: ['full'], batchSizes: [10, 100], warmupTasks: 2_000, tasks: 1_000 },
  overhead: ratios.map((ratio, i) => ({
    level: 'full',
    batchSize: i === 0 ? 10 : 100,
    oursPerTask: ratio * 1_000_000,
    plainPerTask: 1_000_000,
    ratio,
  })),
  cold: [
    { name: 'empty + clients, same calls', instructions: 100 },
    {
      name: 'consumer',
      instructions: consumerCold * 100,
      baseline: 'empty + clients, same calls',
      overBaseline: consumerCold,
    },
    // A bundle without a restated goal is reported, not held to one.
    { name: 'tracer', instructions: 300, baseline: 'empty + clients, same calls', overBaseline: 3 },
  ],
});

describe('the instruction goals', () => {
  it('hold each level and batch size to the overhead goal, and the cold start to its own', () => {
    const goals = instructionGoals(results([OVERHEAD_GOAL, OVERHEAD_GOAL + 0.001], 1.2));
    expect(goals.map((g) => [g.goal, g.met])).toEqual([
      ['instructions per task, full, batch of 10: ours / same calls by hand', true],
      ['instructions per task, full, batch of 100: ours / same calls by hand', false],
      ['consumer init + first invocation, instructions / empty handler with its calls', true],
    ]);
    expect(goals[2]!.target).toEqual({ op: '<=', value: COLD_START_GOALS.consumer });
  });

  it('miss the cold start above its target', () => {
    const over = (COLD_START_GOALS.consumer ?? 0) + 0.01;
    const cold = instructionGoals(results([], over));
    expect(cold).toHaveLength(1);
    expect(cold[0]).toMatchObject({ value: over, met: false });
  });

  it('are rendered with the Node and the sizes they were counted with', () => {
    const text = renderInstructions(results([1.1, 1.2], 1.4));
    expect(text).toContain('Counted on Node v24.22.3, the version Lambda');
    expect(text).toContain('n = 1,000, each run after the same 2,000-task warm-up');
    expect(text).toMatch(/\| full\s+\| 100\s+\| 1,200,000\s+\| 1,000,000\s+\| 1\.20×/);
    expect(text).toContain('**Cold start in instructions**');
    const fallback = { path: '/usr/bin/node', version: 'v20.20.2', fallback: 'not fetched' };
    const noCold = renderInstructions({ ...results([1.1], 1.4), cold: [], node: fallback });
    expect(noCold).toContain('Counted on Node v20.20.2 (not fetched).');
    expect(noCold).not.toContain('Cold start');
    const noisy = renderInstructions({
      ...results([1.1], 1.4),
      belowNoise: [{ level: 'failures', batchSize: 100, belowNoise: 'ours: 2000 tasks counted 1' }],
    });
    expect(noisy).toContain(
      "`failures`, batch of 100: below the counts' noise, not a figure (ours: 2000 tasks counted 1).",
    );
  });
});

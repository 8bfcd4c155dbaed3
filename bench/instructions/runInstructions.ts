import { BenchBackend } from '../benchBackend.js';
import { COLD_START_GOALS, OVERHEAD_GOAL } from '../goals.js';
import { lambdaNode, type NodeBinary } from '../lambdaNode.js';
import { table } from '../report.js';
import { callgrindAvailable } from './callgrind.js';
import {
  type ColdInstructionsRow,
  type InstructionSizes,
  measureColdInstructions,
  measureOverhead,
  type NoisyRow,
  type OverheadRow,
} from './measureInstructions.js';

export interface InstructionResults {
  /** The Node the counted processes ran on (`lambdaNode`). */
  node: NodeBinary;
  sizes: InstructionSizes;
  overhead: OverheadRow[];
  /** Levels and sizes whose per-task work the counts could not tell from noise. */
  belowNoise?: NoisyRow[];
  cold: ColdInstructionsRow[];
}

/** Every level at both batch sizes: 24 processes under callgrind and 5 cold, about 40 min. */
export const FULL_INSTRUCTIONS: InstructionSizes = {
  levels: ['full', 'terminal', 'failures'],
  batchSizes: [10, 100],
  warmupTasks: 2_000,
  tasks: 1_000,
};

/** Proves the harness: one level, one size. */
export const QUICK_INSTRUCTIONS: InstructionSizes = {
  levels: ['full'],
  batchSizes: [10],
  warmupTasks: 30,
  tasks: 20,
};

/** Items 1 and 2 in instructions; undefined, with a printed reason, without valgrind. */
export async function runInstructions(
  sizes: InstructionSizes,
  progress: (line: string) => void,
  options: { cold?: boolean } = {},
): Promise<InstructionResults | undefined> {
  if (!(await callgrindAvailable())) {
    progress('valgrind is not installed: instruction counts skipped');
    return undefined;
  }
  const node = await lambdaNode(progress);
  progress(`instruction counts on Node ${node.version}`);
  const backend = await BenchBackend.start();
  try {
    // Cold start first: five processes, against the overhead's 24 at the full sizes.
    const cold = options.cold === false ? [] : await measureColdInstructions(backend, progress);
    const { rows: overhead, noisy } = await measureOverhead(backend, sizes, progress);
    return { node, sizes, overhead, ...(noisy.length ? { belowNoise: noisy } : {}), cold };
  } finally {
    await backend.stop();
  }
}

const millions = (n: number) => `${(n / 1e6).toFixed(1)}M`;

export function renderInstructions(r: InstructionResults): string {
  const lines = [
    `Counted on Node ${r.node.version}${r.node.fallback ? ` (${r.node.fallback})` : ", the version Lambda's nodejs24.x runs"}.`,
    '',
    `**Our overhead per task**, in instructions counted by valgrind (callgrind) in a process of its own; the emulators run in another, so only the consumer’s work is counted. Baseline: a consumer written by hand with plain SDK calls, making the same DynamoDB requests per task at that level (bench/instructions/plainConsumers.ts). Per task = (count of 2n tasks − count of n tasks) / n, n = ${r.sizes.tasks.toLocaleString('en-US')}, each run after the same ${r.sizes.warmupTasks.toLocaleString('en-US')}-task warm-up at every batch size, so start-up, warm-up and V8's compiling of the hot paths cancel out. Goal: ours / baseline ≤ ${OVERHEAD_GOAL}.`,
    '',
    table(
      ['tracking', 'batch', 'ours / task', 'baseline / task', 'ours / baseline'],
      r.overhead.map((o) => [
        o.level,
        o.batchSize,
        o.oursPerTask.toLocaleString('en-US'),
        o.plainPerTask.toLocaleString('en-US'),
        `${o.ratio.toFixed(2)}×`,
      ]),
    ),
    ...(r.belowNoise ?? []).map(
      (n) =>
        `\n\`${n.level}\`, batch of ${n.batchSize}: below the counts' noise, not a figure (${n.belowNoise}).`,
    ),
  ];
  if (!r.cold.length) return [...lines, ''].join('\n');
  return [
    ...lines,
    '',
    '**Cold start in instructions**: a fresh `node` imports the bundle and handles its first event against the emulators (the consumer a batch of 10 no-op tasks, the API one POST /tasks); a bare `node -e 0` is subtracted. Baseline: an empty handler with the same SDK clients making the same calls (bench/instructions/coldBaseline.ts, coldApiBaseline.ts). ' +
      `Goal, restated from 1.2× (docs/performance.md): consumer ≤ ${COLD_START_GOALS.consumer}×, API ≤ ${COLD_START_GOALS.api}×.`,
    '',
    table(
      ['bundle', 'init + first invocation', 'vs baseline'],
      r.cold.map((c) => [
        c.name,
        millions(c.instructions),
        c.overBaseline === undefined ? '' : `${c.overBaseline.toFixed(2)}×`,
      ]),
    ),
    '',
  ].join('\n');
}

import { parsePipelineDefinition } from '../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../definition/pipeline.js';
import { registry } from '../functions/tasks/index.js';
import { BenchBackend } from './benchBackend.js';
import { type ColdStartRow, measureColdStart } from './coldStart.js';
import { type ConsumerTimeRow, measureConsumerTime } from './consumerTime.js';
import { type CostRow, costPerMillion } from './costModel.js';
import { type FeatureRow, measureFeatureRequests } from './featureRequests.js';
import { type Goal, goalsOf, type TrackingRow, trackingRows } from './goals.js';
import { type GroupRequestsRow, measureGroupRequests } from './groupRequests.js';
import { lambdaNode } from './lambdaNode.js';
import { PRICES } from './prices.js';
import { measureRequests, type RequestsRow } from './requestsPerTask.js';
import { measureThroughput, type ThroughputResult } from './throughput.js';

export interface BenchSizes {
  /** Tasks per path and consumer in the request count. */
  requestTasks: number;
  /** Timed rounds per batch size (each runs every consumer once). */
  timingRounds: number;
  /** Batch sizes timed; 10 is always included, the cost model reads it. */
  batchSizes: number[];
  /** Fresh node processes per bundle. */
  coldStartProcesses: number;
  throughputTasks: number;
  /** Writes in each round's emulator ceiling measurement. */
  ceilingWrites: number;
  /** Interleaved rounds of ceiling and pipeline. */
  throughputRounds: number;
  /** Members of the group whose requests are counted against the same tasks sent plain. */
  groupMembers: number;
}

/** The full run: about three minutes on two busy cores. */
export const FULL_SIZES: BenchSizes = {
  requestTasks: 200,
  timingRounds: 15,
  batchSizes: [10, 100],
  coldStartProcesses: 21,
  throughputTasks: 4_000,
  ceilingWrites: 3_000,
  throughputRounds: 5,
  groupMembers: 200,
};

/** Keeps the bench working in `npm test`; its figures mean nothing. */
export const SMOKE_SIZES: BenchSizes = {
  requestTasks: 10,
  timingRounds: 1,
  batchSizes: [10],
  coldStartProcesses: 1,
  throughputTasks: 20,
  ceilingWrites: 40,
  throughputRounds: 2,
  groupMembers: 12,
};

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  node: string;
  sizes: BenchSizes;
  prices: typeof PRICES;
  requests: RequestsRow[];
  /** Requests of a group and its follow-up, against plain tasks (docs/workflows.md). */
  groups: GroupRequestsRow;
  /** SQS-direct batch-sent tasks using one feature each, with their $/M. */
  features: (FeatureRow & { cost: CostRow })[];
  costs: CostRow[];
  consumerTime: ConsumerTimeRow[];
  coldStart: ColdStartRow[];
  /** The Node the cold starts ran on: Lambda's (`lambdaNode`), unless it could not be had. */
  coldStartNode?: string;
  /** The definition's `sourceMaps`, which the cold-start figures were measured with. */
  sourceMaps: boolean;
  throughput: ThroughputResult;
  goals: Goal[];
  tracking: TrackingRow[];
}

/** Runs every part in one process, so each figure sits next to baselines from the same run. */
export async function runBench(sizes: BenchSizes, progress: (line: string) => void = () => {}) {
  const started = Date.now();
  const config = parsePipelineDefinition(pipelineDefinition, registry);
  const backend = await BenchBackend.start();
  let requests: RequestsRow[];
  let consumerTime: ConsumerTimeRow[];
  let groups: GroupRequestsRow;
  let features: FeatureRow[];
  try {
    progress('requests per task…');
    requests = await measureRequests(backend, sizes.requestTasks);
    progress('requests of a group…');
    groups = await measureGroupRequests(backend, sizes.groupMembers);
    progress('requests of each feature in use…');
    features = await measureFeatureRequests(backend, sizes.requestTasks);
    progress('consumer time per batch…');
    const batchSizes = [...new Set([10, ...sizes.batchSizes])].sort((a, b) => a - b);
    consumerTime = await measureConsumerTime(backend, batchSizes, sizes.timingRounds);
  } finally {
    await backend.stop();
  }
  progress('cold start…');
  const coldStart = await measureColdStart(sizes.coldStartProcesses, config.sourceMaps);
  progress(`local throughput, ${sizes.throughputRounds} × ${sizes.throughputTasks} tasks…`);
  const throughput = await measureThroughput(
    sizes.throughputTasks,
    sizes.ceilingWrites,
    sizes.throughputRounds,
  );

  const batch10 = consumerTime.find((r) => r.batchSize === 10)!;
  const costInputs = {
    consumerMemoryMb: config.consumer.memoryMb,
    apiMemoryMb: config.api.memoryMb,
    consumerMsPerBatch10: batch10.medianMs,
  };
  const costs = requests.map((row) => costPerMillion(row, costInputs));
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    node: process.version,
    coldStartNode: (await lambdaNode()).version,
    sizes,
    prices: PRICES,
    requests,
    groups,
    // Priced as our consumer's batch of ten: a feature's own time is in its requests.
    features: features.map((row) => ({
      ...row,
      cost: costPerMillion(
        { variant: 'ours', path: 'sqs', mode: 'batch', payloadBytes: 0, ...row },
        costInputs,
      ),
    })),
    costs,
    consumerTime,
    coldStart,
    sourceMaps: config.sourceMaps,
    throughput,
    goals: goalsOf({ requests, costs, coldStart, throughput }),
    tracking: trackingRows(requests, costs),
  };
  return results;
}

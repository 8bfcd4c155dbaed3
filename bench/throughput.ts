import { Worker } from 'node:worker_threads';
import { DeleteTableCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { ATTR } from '../functions/adapters/dynamodb/taskItem.js';
import { newTaskId } from '../functions/core/ids.js';
import { newEnvelope } from '../functions/core/newEnvelope.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/clients.js';
import { LocalPipeline } from '../local/LocalPipeline.js';
import { createTaskTable } from '../local/resources.js';
import { within } from '../local/within.js';
import { median, percentile, round } from './stats.js';

export interface ThroughputRound {
  tasksPerSecond: number;
  ceilingTasksPerSecond: number;
  /** tasksPerSecond ÷ ceilingTasksPerSecond, both measured in this round. */
  ratio: number;
}

export interface ThroughputResult {
  /** Tasks per round. */
  tasks: number;
  rounds: ThroughputRound[];
  /** Medians over the rounds. */
  tasksPerSecond: number;
  ceilingTasksPerSecond: number;
  latencyMs: { p50: number; p99: number };
  /** DynamoDB writes per SQS-direct task (claim and finish). */
  writesPerTask: number;
  /** The median of the rounds' ratios, and their lowest and highest. */
  ofCeiling: number;
  spread: { min: number; max: number };
}

const WRITES_PER_TASK = 2;
const DONE_TIMEOUT_MS = 240_000;

/**
 * The local pipeline as `npm start` runs it, against its ceiling, interleaved: each round
 * first times dynalite alone (claim and finish writes at the pipeline's concurrency, in a
 * table of its own), then a burst of `tasks` no-op tasks sent straight to the default
 * queue, from the first send until the last task succeeded. Each round's ratio compares
 * two samples taken seconds apart, so a busy moment on the machine hits both; the median
 * and spread of the ratios are reported.
 */
export async function measureThroughput(
  tasks: number,
  ceilingWrites: number,
  roundCount = 5,
): Promise<ThroughputResult> {
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    logLevel: 'SILENT',
  });
  try {
    const queue = pipeline.config.queues.find((q) => q.priority === 'default')!;
    const concurrency = queue.maxConcurrency * pipeline.config.consumer.recordConcurrency;
    const { url } = pipeline.info.queues.find((q) => q.priority === 'default')!;
    // Sockets and JIT warm up here, not in the first round.
    await writesPerSecond(pipeline.clients.dynamodb, ceilingWrites, concurrency, 'bench-warmup');
    const rounds: ThroughputRound[] = [];
    for (let r = 0; r < roundCount; r++) {
      const ceiling =
        (await writesPerSecond(
          pipeline.clients.dynamodb,
          ceilingWrites,
          concurrency,
          `bench-ceiling-${r}`,
        )) / WRITES_PER_TASK;
      // Built before the clock starts, sent from a thread of its own.
      const bodies = Array.from({ length: tasks }, () =>
        JSON.stringify(newEnvelope({ type: 'noop', payload: {}, priority: 'default' }, Date.now())),
      );
      const started = await sendBurst(pipeline, url, bodies);
      const target = (r + 1) * tasks;
      await within(pipeline.metrics.reached(SUCCEEDED, target), DONE_TIMEOUT_MS);
      const elapsedMs = Date.now() - started;
      if (succeeded(pipeline) < target) {
        throw new Error(`throughput: ${succeeded(pipeline)} of ${target} tasks done in time`);
      }
      const tasksPerSecond = (tasks / elapsedMs) * 1000;
      rounds.push({
        tasksPerSecond: round(tasksPerSecond, 1),
        ceilingTasksPerSecond: round(ceiling, 1),
        ratio: round(tasksPerSecond / ceiling, 3),
      });
    }
    const latencies = await finishLatencies(pipeline.clients.dynamodb, pipeline.info.tableName);
    const ratios = rounds.map((x) => x.ratio);
    return {
      tasks,
      rounds,
      tasksPerSecond: median(rounds.map((x) => x.tasksPerSecond)),
      ceilingTasksPerSecond: median(rounds.map((x) => x.ceilingTasksPerSecond)),
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      writesPerTask: WRITES_PER_TASK,
      ofCeiling: round(median(ratios), 2),
      spread: { min: round(Math.min(...ratios), 2), max: round(Math.max(...ratios), 2) },
    };
  } finally {
    await pipeline.stop();
  }
}

/**
 * Sends `bodies` to the queue from a worker thread; resolves with the time of the first
 * send once the thread has started, and fails the run if the thread fails.
 */
export function sendBurst(
  pipeline: LocalPipeline,
  queueUrl: string,
  bodies: string[],
): Promise<number> {
  const worker = new Worker(new URL('./burstSender.mjs', import.meta.url), {
    workerData: {
      endpoint: pipeline.info.sqsEndpoint,
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
      queueUrl,
      bodies,
    },
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: { kind: string; at?: number }) => {
      if (message.kind === 'started') resolve(message.at!);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the burst sender exited with ${code}`));
    });
  });
}

const SUCCEEDED = 'noop:succeeded';

function succeeded(pipeline: LocalPipeline): number {
  return pipeline.metrics.counts.get(SUCCEEDED) ?? 0;
}

/**
 * The pipeline's own writes with nothing else: claim then finish on fresh ids, in a table
 * of their own (dropped after), at the pipeline's concurrency. Writes per second.
 */
async function writesPerSecond(
  dynamodb: DynamoDBClient,
  writes: number,
  concurrency: number,
  tableName: string,
): Promise<number> {
  await createTaskTable(dynamodb, tableName);
  const store = new DynamoTaskStore({ client: dynamodb, tableName });
  const task = async () => {
    const now = Date.now();
    const claim = await store.claim({
      id: newTaskId(),
      type: 'noop',
      priority: 'default',
      maxAttempts: 5,
      enqueuedAt: now,
      leaseUntil: now + 60_000,
    });
    if (claim.kind !== 'claimed') throw new Error('ceiling: a fresh claim was refused');
    await store.finish(claim.record.id, 1, { status: 'SUCCEEDED', result: { sleptMs: 0 } });
  };
  const tasks = Math.max(1, Math.floor(writes / WRITES_PER_TASK));
  const limit = pLimit(concurrency);
  const started = performance.now();
  await Promise.all(Array.from({ length: tasks }, () => limit(task)));
  const perSecond = ((tasks * WRITES_PER_TASK) / (performance.now() - started)) * 1000;
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  return perSecond;
}

/** Send-to-finish time of every finished task, from the table. */
async function finishLatencies(dynamodb: DynamoDBClient, tableName: string): Promise<number[]> {
  const out: number[] = [];
  let start: Record<string, never> | undefined;
  // Bounded: 10,000 small items take a handful of pages.
  for (let page = 0; page < 1_000; page++) {
    const res = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#w, #d',
        ExpressionAttributeNames: { '#w': ATTR.queueWaitMs, '#d': ATTR.durationMs },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      // Queue wait runs from SQS's SentTimestamp: the envelopes were built before the send.
      const wait = Number(item[ATTR.queueWaitMs]?.N);
      const run = Number(item[ATTR.durationMs]?.N);
      if (Number.isFinite(wait) && Number.isFinite(run)) out.push(wait + run);
    }
    if (!res.LastEvaluatedKey) break;
    start = res.LastEvaluatedKey as Record<string, never>;
  }
  return out;
}

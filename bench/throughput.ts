import { Worker } from 'node:worker_threads';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { ATTR } from '../functions/adapters/dynamodb/taskItem.js';
import { newTaskId } from '../functions/core/ids.js';
import { newEnvelope } from '../functions/core/newEnvelope.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/clients.js';
import { LocalPipeline } from '../local/LocalPipeline.js';
import { createTaskTable } from '../local/resources.js';
import { within } from '../local/within.js';
import { percentile, round } from './stats.js';

export interface ThroughputResult {
  tasks: number;
  tasksPerSecond: number;
  latencyMs: { p50: number; p99: number };
  /** dynalite's conditional writes per second at the pipeline's concurrency, this run. */
  ceilingWritesPerSecond: number;
  /** DynamoDB writes per SQS-direct task (claim and finish). */
  writesPerTask: number;
  ceilingTasksPerSecond: number;
  /** tasksPerSecond ÷ ceilingTasksPerSecond. */
  ofCeiling: number;
}

const WRITES_PER_TASK = 2;
const DONE_TIMEOUT_MS = 240_000;

/**
 * The local pipeline as `npm start` runs it: a burst of `tasks` no-op tasks sent straight to
 * the default queue, timed from the first send until the last task succeeded. The ceiling
 * is dynalite alone, measured first in the same process with claim writes (conditional
 * updates) at the pipeline's concurrency (queue maxConcurrency × records per batch).
 */
export async function measureThroughput(
  tasks: number,
  ceilingWrites: number,
): Promise<ThroughputResult> {
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    logLevel: 'SILENT',
  });
  try {
    const queue = pipeline.config.queues.find((q) => q.priority === 'default')!;
    const concurrency = queue.maxConcurrency * pipeline.config.consumer.recordConcurrency;
    const ceiling = await writesPerSecond(pipeline.clients.dynamodb, ceilingWrites, concurrency);

    // Built before the clock starts, sent from a thread of its own.
    const bodies = Array.from({ length: tasks }, () =>
      JSON.stringify(newEnvelope({ type: 'noop', payload: {}, priority: 'default' }, Date.now())),
    );
    const { url } = pipeline.info.queues.find((q) => q.priority === 'default')!;
    const started = await sendBurst(pipeline, url, bodies);
    await within(pipeline.metrics.reached(SUCCEEDED, tasks), DONE_TIMEOUT_MS);
    const elapsedMs = Date.now() - started;
    if (succeeded(pipeline) < tasks) {
      throw new Error(`throughput: ${succeeded(pipeline)} of ${tasks} tasks done in time`);
    }
    const latencies = await finishLatencies(pipeline.clients.dynamodb, pipeline.info.tableName);
    const tasksPerSecond = round((tasks / elapsedMs) * 1000, 1);
    const ceilingTasksPerSecond = round(ceiling / WRITES_PER_TASK, 1);
    return {
      tasks,
      tasksPerSecond,
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      ceilingWritesPerSecond: round(ceiling, 1),
      writesPerTask: WRITES_PER_TASK,
      ceilingTasksPerSecond,
      ofCeiling: round(tasksPerSecond / ceilingTasksPerSecond, 2),
    };
  } finally {
    await pipeline.stop();
  }
}

/**
 * Sends `bodies` to the queue from a worker thread; resolves with the time of the first
 * send once the thread has started, and fails the run if the thread fails.
 */
function sendBurst(pipeline: LocalPipeline, queueUrl: string, bodies: string[]): Promise<number> {
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
 * of their own. Tried at a few concurrencies up to the pipeline's; the best rate counts.
 */
async function writesPerSecond(
  dynamodb: DynamoDBClient,
  writes: number,
  concurrency: number,
): Promise<number> {
  const tableName = 'bench-ceiling';
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
  let best = 0;
  // The first level also warms sockets and JIT, which would otherwise be billed to the emulator.
  for (const level of [concurrency, Math.ceil(concurrency / 4), 10, concurrency]) {
    const limit = pLimit(level);
    const started = performance.now();
    await Promise.all(Array.from({ length: tasks }, () => limit(task)));
    best = Math.max(best, ((tasks * WRITES_PER_TASK) / (performance.now() - started)) * 1000);
  }
  return best;
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

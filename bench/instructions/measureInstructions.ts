import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrackingLevel } from '../../functions/core/task.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/clients.js';
import { toApiGatewayEvent } from '../../local/http/toApiGatewayEvent.js';
import type { BenchBackend } from '../benchBackend.js';
import { bundle } from '../bundles.js';
import { freshBatch } from '../consumerTime.js';
import { round } from '../stats.js';
import { countInstructions } from './callgrind.js';
import type { SteadyJob } from './steadyHandler.js';

export interface InstructionSizes {
  levels: TrackingLevel[];
  batchSizes: number[];
  /**
   * Tasks run before counting starts, at every batch size: V8 compiles the hot paths for a
   * few thousand tasks, so the same warm-up in tasks (not in batches) keeps compiling out
   * of the per-task figure at every size.
   */
  warmupTasks: number;
  /** Tasks of the shorter run; the longer runs twice as many. */
  tasks: number;
}

/** The batches that hold at least `tasks` tasks. */
export const batchesFor = (tasks: number, batchSize: number) => Math.ceil(tasks / batchSize);

export interface OverheadRow {
  level: TrackingLevel;
  batchSize: number;
  oursPerTask: number;
  plainPerTask: number;
  /** ours ÷ plain: the goal is ≤ 1.15. */
  ratio: number;
}

/**
 * A level and size whose per-task work is below the counts' noise: the run of 2n tasks
 * counted fewer instructions than the run of n (at `failures` a task makes no request, a
 * few hundred thousand instructions, where totals of billions move by about 1%).
 */
export interface NoisyRow {
  level: TrackingLevel;
  batchSize: number;
  belowNoise: string;
}

/**
 * Instructions per task from two counted runs that differ only in the number of batches:
 * start-up, module loading and warm-up are in both and cancel out.
 */
export function perTask(shortRun: number, longRun: number, extraTasks: number): number {
  if (!(extraTasks > 0)) throw new Error(`perTask needs extra tasks > 0 (got ${extraTasks})`);
  if (longRun < shortRun) {
    throw new Error(`the longer run counted fewer instructions (${longRun} < ${shortRun})`);
  }
  return (longRun - shortRun) / extraTasks;
}

/** Item 1: our consumer's instructions per task against the plain consumer's, per level. */
export async function measureOverhead(
  backend: BenchBackend,
  sizes: InstructionSizes,
  progress: (line: string) => void,
): Promise<{ rows: OverheadRow[]; noisy: NoisyRow[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-cg-bundle-'));
  try {
    const { file } = await bundle(
      { name: 'steady-driver', entry: 'bench/instructions/steadyDriver.ts' },
      dir,
    );
    const { tableName } = await backend.tables('bench-cg');
    const route = await backend.queue('bench-cg');
    const rows: OverheadRow[] = [];
    const noisy: NoisyRow[] = [];
    for (const level of sizes.levels) {
      for (const batchSize of sizes.batchSizes) {
        const count = async (consumer: SteadyJob['consumer'], batches: number) => {
          const job: SteadyJob = {
            consumer,
            level,
            batchSize,
            warmupBatches: batchesFor(sizes.warmupTasks, batchSize),
            batches,
            endpoints: backend.endpoints,
            tableName,
            route,
          };
          progress(`callgrind: ${consumer} ${level}, batch ${batchSize}, ${batches} batches…`);
          return countInstructions([file], {
            TASKPIPE_CG_JOB: JSON.stringify(job),
            POWERTOOLS_LOG_LEVEL: 'SILENT',
          });
        };
        const batches = batchesFor(sizes.tasks, batchSize);
        const extra = batches * batchSize;
        const per = async (consumer: SteadyJob['consumer']) => {
          const short = await count(consumer, batches);
          const long = await count(consumer, 2 * batches);
          return long > short
            ? perTask(short, long, extra)
            : `${consumer}: ${2 * extra} tasks counted ${long.toLocaleString('en-US')}, ${extra} tasks ${short.toLocaleString('en-US')}`;
        };
        const [oursPerTask, plainPerTask] = await Promise.all([per('ours'), per('plain')]);
        if (typeof oursPerTask === 'string' || typeof plainPerTask === 'string') {
          const why = [oursPerTask, plainPerTask].filter((p) => typeof p === 'string').join('; ');
          noisy.push({ level, batchSize, belowNoise: why });
          progress(`${level}, batch ${batchSize}: below the noise (${why})`);
          continue;
        }
        const row = {
          level,
          batchSize,
          oursPerTask: Math.round(oursPerTask),
          plainPerTask: Math.round(plainPerTask),
          ratio: round(oursPerTask / plainPerTask, 3),
        };
        rows.push(row);
        // Each row as it comes: a long run stopped early still leaves its figures.
        progress(`${level}, batch ${batchSize}: ${JSON.stringify(row)}`);
      }
    }
    await backend.dropTables(tableName);
    return { rows, noisy };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ColdInstructionsRow {
  name: string;
  /** Instructions of module init plus the first invocation, beyond a bare `node` process. */
  instructions: number;
  baseline?: string;
  overBaseline?: number;
}

const INVOKE_SCRIPT = `const m = await import(process.argv[1]);
const r = await m.handler(JSON.parse(process.env.TASKPIPE_CG_EVENT), { functionName: 'cg', awsRequestId: 'cg-1', getRemainingTimeInMillis: () => 60000 });
if (r?.batchItemFailures?.length) throw new Error('first invocation failed ' + r.batchItemFailures.length);
if (r?.statusCode >= 300) throw new Error('first invocation answered ' + r.statusCode + ' ' + r.body);
process.exit(0);`;

/** A producer's POST /tasks of one no-op task, as API Gateway hands it to the function. */
function enqueueEvent() {
  return toApiGatewayEvent({
    method: 'POST',
    url: '/tasks',
    headers: { 'content-type': 'application/json', host: 'bench.execute-api.localhost' },
    body: Buffer.from(JSON.stringify({ type: 'noop', payload: {} })),
    sourceIp: '127.0.0.1',
  });
}

/**
 * Item 2 in instructions: a fresh process imports the bundle and handles its first event
 * against the emulators in this process: the consumer a batch of 10, the API one POST
 * /tasks. A bare `node` is counted too and subtracted, so the ratio is of our init and
 * first invocation only.
 */
export async function measureColdInstructions(
  backend: BenchBackend,
  progress: (line: string) => void,
): Promise<ColdInstructionsRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-cg-cold-'));
  try {
    const { tableName } = await backend.tables('bench-cg-cold');
    const route = await backend.queue('bench-cg-cold');
    const env = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: backend.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: backend.endpoints.sqs,
      TASKPIPE_TABLE_NAME: tableName,
      TASKPIPE_QUEUES: JSON.stringify([
        { priority: 'default', name: route.name, url: route.url, dlqUrl: route.dlqUrl },
      ]),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    progress('callgrind: bare node…');
    const bare = await countInstructions(['-e', '0'], env);
    const batch = () => freshBatch(10, route.arn);
    const specs = [
      {
        name: 'empty + clients, same calls',
        entry: 'bench/instructions/coldBaseline.ts',
        event: batch,
      },
      {
        name: 'consumer',
        entry: 'functions/consumer/handler.ts',
        baseline: 'empty + clients, same calls',
        event: batch,
      },
      {
        name: 'empty + API clients, same calls',
        entry: 'bench/instructions/coldApiBaseline.ts',
        event: enqueueEvent,
      },
      {
        name: 'api',
        entry: 'functions/api/handler.ts',
        baseline: 'empty + API clients, same calls',
        event: enqueueEvent,
      },
    ];
    const rows: ColdInstructionsRow[] = [];
    for (const spec of specs) {
      const { file } = await bundle(spec, dir);
      const event = spec.event();
      progress(`callgrind: ${spec.name} init + first invocation…`);
      const total = await countInstructions(
        ['--input-type=module', '-e', INVOKE_SCRIPT, pathToFileURL(file).href],
        { ...env, TASKPIPE_CG_EVENT: JSON.stringify(event) },
      );
      rows.push({
        name: spec.name,
        instructions: total - bare,
        ...(spec.baseline ? { baseline: spec.baseline } : {}),
      });
      progress(`${spec.name}: ${total - bare} instructions beyond a bare node`);
    }
    for (const row of rows) {
      const base = rows.find((r) => r.name === row.baseline);
      if (base) row.overBaseline = round(row.instructions / base.instructions, 3);
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

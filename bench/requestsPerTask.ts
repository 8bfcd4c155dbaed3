import { setTimeout as delay } from 'node:timers/promises';
import { LOCAL_REGION } from '../local/clients.js';
import { EventSourcePoller } from '../local/esm/EventSourcePoller.js';
import type { BenchBackend } from './benchBackend.js';
import { createVariant, VARIANTS, type Variant } from './consumers.js';
import { enqueueTasks, type Mode, type Path } from './producers.js';
import { median, round } from './stats.js';

/** Requests per task on the success path, by who made them. */
export interface PerTask {
  /** SQS calls by our code: the producer's sends plus anything the consumer sent. */
  ourSqsCalls: number;
  consumerSqsCalls: number;
  sendCalls: number;
  ddbWrites: number;
  ddbConditionFailed: number;
  ddbReads: number;
  consumerInvocations: number;
  apiInvocations: number;
  /** The event source mapping's calls: billed, but not made by our code. */
  esmReceives: number;
  esmDeletes: number;
}

export interface RequestsRow {
  variant: Variant;
  path: Path;
  mode: Mode;
  tasks: number;
  perTask: PerTask;
  /** Median API handler time per invocation (ms), for the cost model. */
  apiMsMedian?: number;
}

export const PATHS: readonly { path: Path; mode: Mode }[] = [
  { path: 'api', mode: 'single' },
  { path: 'api', mode: 'batch' },
  { path: 'sqs', mode: 'single' },
  { path: 'sqs', mode: 'batch' },
];

const DRAIN_TIMEOUT_MS = 120_000;

/**
 * Runs each path with each consumer end to end on the emulators: the producer fills the
 * queue, then an event source poller (batch size 10, as the definition's queues) drains it
 * through the consumer. Every client is counted by SDK middleware, per role.
 */
export async function measureRequests(
  backend: BenchBackend,
  tasks: number,
): Promise<RequestsRow[]> {
  const { tableName, idempotencyTable } = await backend.tables('bench-requests');
  const rows: RequestsRow[] = [];
  for (const { path, mode } of PATHS) {
    for (const variant of VARIANTS) {
      // A queue per run: a receive aborted at a poller's stop may still take a later message.
      const route = await backend.queue(`bench-${variant}-${path}-${mode}`);
      const clients = backend.roleClients();
      try {
        const produced = await enqueueTasks(variant, path, mode, tasks, {
          clients: clients.producer,
          tableName,
          route,
        });
        const handler = createVariant(variant, {
          clients: clients.consumer,
          tableName,
          idempotencyTable,
          route,
          recordConcurrency: 10,
        });
        let invocations = 0;
        let deleted = 0;
        const failures: string[] = [];
        const poller = new EventSourcePoller({
          sqs: clients.esm.sqs,
          queue: route,
          region: LOCAL_REGION,
          handler: (event, context) => {
            invocations++;
            return handler(event, context);
          },
          functionName: `bench-${variant}`,
          functionTimeoutMs: 60_000,
          batchSize: 10,
          batchingWindowSeconds: 0,
          maxConcurrency: 4,
          onInvocation: (report) => {
            deleted += report.deleted;
            if (report.error) failures.push(report.error);
          },
        });
        poller.start();
        const until = Date.now() + DRAIN_TIMEOUT_MS;
        while (deleted < tasks && Date.now() < until) await delay(20);
        await poller.stop();
        if (failures.length) throw new Error(`${variant} invocations failed: ${failures[0]}`);
        if (deleted < tasks)
          throw new Error(`${variant}/${path}/${mode}: ${deleted} of ${tasks} done`);
        const t = clients.counter.summary();
        if (t.errors) throw new Error(`${variant}/${path}/${mode}: ${t.errors} requests failed`);
        const per = (n: number) => round(n / tasks);
        rows.push({
          variant,
          path,
          mode,
          tasks,
          perTask: {
            ourSqsCalls: per(t.ourSqsCalls),
            consumerSqsCalls: per(t.consumerSqsCalls),
            sendCalls: per(t.sendCalls),
            ddbWrites: per(t.ddbWrites),
            ddbConditionFailed: per(t.ddbConditionFailed),
            ddbReads: per(t.ddbReads),
            consumerInvocations: per(invocations),
            apiInvocations: per(produced.apiInvocations),
            esmReceives: per(t.esmReceives),
            esmDeletes: per(t.esmDeletes),
          },
          ...(produced.apiMs.length ? { apiMsMedian: round(median(produced.apiMs), 2) } : {}),
        });
      } finally {
        clients.destroy();
      }
    }
  }
  await backend.dropTables(tableName, idempotencyTable);
  return rows;
}

import { LOCAL_REGION } from '../local/clients.js';
import { EventSourcePoller } from '../local/esm/EventSourcePoller.js';
import { within } from '../local/within.js';
import type { BenchBackend } from './benchBackend.js';
import { createVariant, VARIANTS, type Variant } from './consumers.js';
import { enqueueTasks, type Mode, type Path } from './producers.js';
import type { RequestTotals } from './RequestCounter.js';
import { median, round } from './stats.js';

/**
 * Requests per task on the success path, by who made them: the counter's totals (less the
 * idle receives and the errors, which must be none) plus the invocations.
 */
export type PerTask = Omit<RequestTotals, 'esmEmptyReceives' | 'errors'> & {
  consumerInvocations: number;
  apiInvocations: number;
};

export interface RequestsRow {
  variant: Variant;
  path: Path;
  mode: Mode;
  /** Bytes of padding in each payload (0: the no-op's empty payload). */
  payloadBytes: number;
  tasks: number;
  perTask: PerTask;
  /** Median API handler time per invocation (ms), for the cost model. */
  apiMsMedian?: number;
}

export const PATHS: readonly {
  path: Path;
  mode: Mode;
  payloadBytes: number;
  variants: readonly Variant[];
}[] = [
  { path: 'api', mode: 'single', payloadBytes: 0, variants: VARIANTS },
  { path: 'api', mode: 'batch', payloadBytes: 0, variants: VARIANTS },
  { path: 'sqs', mode: 'single', payloadBytes: 0, variants: VARIANTS },
  { path: 'sqs', mode: 'batch', payloadBytes: 0, variants: VARIANTS },
  // A realistic payload: its size shows in the write units, not in the request count.
  { path: 'api', mode: 'batch', payloadBytes: 4_096, variants: ['ours'] },
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
  for (const { path, mode, payloadBytes, variants } of PATHS) {
    for (const variant of variants) {
      // A queue per run: a receive aborted at a poller's stop may still take a later message.
      const route = await backend.queue(`bench-${variant}-${path}-${mode}-${payloadBytes}`);
      const clients = backend.roleClients();
      try {
        const produced = await enqueueTasks(variant, path, mode, tasks, {
          clients: clients.producer,
          tableName,
          route,
          payloadBytes,
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
        let drained!: () => void;
        const allDeleted = new Promise<void>((resolve) => {
          drained = resolve;
        });
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
            if (deleted >= tasks) drained();
            if (report.error) failures.push(report.error);
          },
        });
        poller.start();
        await within(allDeleted, DRAIN_TIMEOUT_MS);
        await poller.stop();
        if (failures.length) throw new Error(`${variant} invocations failed: ${failures[0]}`);
        if (deleted < tasks)
          throw new Error(`${variant}/${path}/${mode}: ${deleted} of ${tasks} done`);
        const t = clients.counter.summary();
        if (t.errors) throw new Error(`${variant}/${path}/${mode}: ${t.errors} requests failed`);
        const per = (n: number) => round(n / tasks);
        const { esmEmptyReceives: _idle, errors: _none, ...totals } = t;
        rows.push({
          variant,
          path,
          mode,
          payloadBytes,
          tasks,
          perTask: {
            ...(Object.fromEntries(
              Object.entries(totals).map(([name, n]) => [name, per(n)]),
            ) as typeof totals),
            consumerInvocations: per(invocations),
            apiInvocations: per(produced.apiInvocations),
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

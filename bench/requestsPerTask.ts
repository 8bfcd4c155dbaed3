import type { BenchBackend } from './benchBackend.js';
import { createVariant, VARIANTS, type Variant } from './consumers.js';
import { countedDrain, type PerTask } from './countedDrain.js';
import { enqueueTasks, type Mode, type Path } from './producers.js';
import { median, round } from './stats.js';

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
        const perTask = await countedDrain({
          clients,
          route,
          tasks,
          handler,
          name: `${variant}/${path}/${mode}`,
          apiInvocations: produced.apiInvocations,
        });
        rows.push({
          variant,
          path,
          mode,
          payloadBytes,
          tasks,
          perTask,
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

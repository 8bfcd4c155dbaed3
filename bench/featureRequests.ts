import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { DynamoFlowStore } from '../functions/adapters/dynamodb/DynamoFlowStore.js';
import { DynamoGroupStore } from '../functions/adapters/dynamodb/DynamoGroupStore.js';
import { TaskClient } from '../functions/client/TaskClient.js';
import { flowControlGates } from '../functions/consumer/flowControlGates.js';
import { FlowAdmin } from '../functions/core/flow/FlowAdmin.js';
import { createRegistry, type TaskRegistry } from '../functions/core/registry.js';
import type { AnyTaskDefinition } from '../functions/core/task.js';
import { registry } from '../functions/tasks/index.js';
import type { BenchBackend } from './benchBackend.js';
import { countedDrain, type PerTask } from './countedDrain.js';
import { benchConsumer } from './groupRequests.js';

/** The features whose price per task the bench shows, each on SQS-direct batch-sent no-ops. */
export const FEATURES = [
  'plain',
  'group member',
  'rate-limited',
  'keyed concurrency, a key per task',
  'keyed concurrency, one key',
  'closed breaker',
  'paused, then resumed',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface FeatureRow {
  feature: Feature;
  tasks: number;
  perTask: PerTask;
}

// Limits high enough that no task of the run waits: the row prices the check, not a deferral.
// One key for all shows what contention on its slot item costs (40 records run at once).
const keyed = z.object({ key: z.string() });
const SETTINGS: Partial<Record<Feature, Partial<AnyTaskDefinition>>> = {
  'rate-limited': { rateLimit: { perSecond: 10_000, burst: 10_000 } },
  'keyed concurrency, a key per task': {
    schema: keyed,
    concurrency: { key: (p) => (p as z.output<typeof keyed>).key, limit: 1_000 },
  },
  'keyed concurrency, one key': { concurrency: { key: () => 'bench', limit: 1_000 } },
  'closed breaker': { breaker: {} },
};

/** The project's types, with `noop` given the feature's settings. */
function registryWith(feature: Feature): TaskRegistry {
  const extra = SETTINGS[feature] ?? {};
  return createRegistry(
    registry.definitions.map((d) => (d.type === 'noop' ? { ...d, ...extra } : d)),
  );
}

/**
 * Requests per task of no-op tasks sent straight to SQS in batches and drained by our
 * consumer (tracking `full`) with every feature wired in, as a deployed pipeline has them:
 * plain, as members of one group (its follow-up included), and with each flow-control
 * setting. A paused type is resumed before its tasks are sent: a pause that is over costs
 * what any type pays, the pause list's cached read.
 */
export async function measureFeatureRequests(
  backend: BenchBackend,
  tasks: number,
): Promise<FeatureRow[]> {
  const { tableName, idempotencyTable } = await backend.tables('bench-features');
  const rows: FeatureRow[] = [];
  for (const feature of FEATURES) {
    const route = await backend.queue(`bench-feature-${FEATURES.indexOf(feature)}`);
    const clients = backend.roleClients();
    try {
      const features = registryWith(feature);
      if (feature === 'paused, then resumed') await pauseAndResume(backend, tableName, features);
      const producer = new TaskClient({
        registry: features,
        sqs: clients.producer.sqs,
        queues: [route],
        dynamodb: clients.producer.dynamodb,
        tableName,
      });
      const noops = Array.from({ length: tasks }, (_, i) => ({
        type: 'noop',
        payload: feature === 'keyed concurrency, a key per task' ? { key: `k${i}` } : {},
      }));
      if (feature === 'group member') {
        await producer.group(noops, { onComplete: { type: 'noop', payload: {} } });
      } else {
        const results = await producer.enqueueMany(noops);
        if (results.some((r) => !r.ok)) throw new Error(`${feature}: not every task was sent`);
      }
      const { dynamodb } = clients.consumer;
      const logger = new Logger({ logLevel: 'SILENT' });
      const handler = benchConsumer({
        registry: features,
        tableName,
        route,
        clients: clients.consumer,
        extra: {
          groups: new DynamoGroupStore({ client: dynamodb, tableName }),
          ...flowControlGates({ client: dynamodb, tableName, clock: Date, logger }),
        },
      });
      rows.push({
        feature,
        tasks,
        perTask: await countedDrain({
          clients,
          route,
          tasks,
          handler,
          name: `feature ${feature}`,
          messages: feature === 'group member' ? tasks + 1 : tasks,
        }),
      });
    } finally {
      clients.destroy();
    }
  }
  await backend.dropTables(tableName, idempotencyTable);
  return rows;
}

/** An operator's pause and resume of `noop` (uncounted), by the admin the API and CLI share. */
async function pauseAndResume(backend: BenchBackend, tableName: string, features: TaskRegistry) {
  const admin = new FlowAdmin({
    store: new DynamoFlowStore({ client: backend.admin.dynamodb, tableName }),
    clock: Date,
    routes: [],
    registry: features,
  });
  await admin.pause({ type: 'noop' }, 'bench');
  await admin.resume({ type: 'noop' });
}

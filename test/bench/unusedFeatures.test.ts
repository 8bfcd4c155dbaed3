import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchBackend } from '../../bench/benchBackend.js';
import { benchConsumer, drain } from '../../bench/groupRequests.js';
import { TaskClient } from '../../functions/client/TaskClient.js';
import { createRegistry } from '../../functions/core/registry.js';
import type { AnyTaskDefinition, TrackingLevel } from '../../functions/core/task.js';
import { registry } from '../../functions/tasks/index.js';
import { type ConsumerSetupFor, UNUSED_FEATURES } from './unusedFeatures.js';

// Pay for what you use: a pipeline that has a feature wired in but sends no task that uses
// it makes exactly the requests of one without it, command by command, for producer and
// consumer. Each optional feature adds one entry to UNUSED_FEATURES (./unusedFeatures.ts).
const TASKS = 30;
const LEVELS: TrackingLevel[] = ['full', 'terminal', 'failures'];

describe('a feature not used costs no request', () => {
  let backend: BenchBackend;
  let tableName: string;
  beforeAll(async () => {
    backend = await BenchBackend.start();
    ({ tableName } = await backend.tables('bench-unused'));
  }, 60_000);
  afterAll(async () => {
    await backend?.stop();
  });

  let runs = 0;
  /** Every request of sending TASKS plain no-op tasks and draining them, by role and command. */
  const requestsOf = async (
    level: TrackingLevel,
    feature?: ConsumerSetupFor,
    otherTypes?: Partial<AnyTaskDefinition>,
  ) => {
    const route = await backend.queue(`bench-unused-${runs++}`);
    const clients = backend.roleClients();
    try {
      const producer = new TaskClient({
        registry,
        sqs: clients.producer.sqs,
        queues: [route],
        dynamodb: clients.producer.dynamodb,
        tableName,
      });
      const tasks = Array.from({ length: TASKS }, () => ({ type: 'noop' as const, payload: {} }));
      await producer.enqueueMany(tasks);
      const consumer = benchConsumer({
        registry: registryAt(level, otherTypes),
        tableName,
        route,
        clients: clients.consumer,
        ...(feature ? { extra: feature({ dynamodb: clients.consumer.dynamodb, tableName }) } : {}),
      });
      await drain(backend, route, consumer);
      // A transient error (an emulator slow to answer on a loaded machine) is retried by the
      // SDK and counted apart; it says nothing about the feature, so it is left out.
      return Object.fromEntries(
        [...clients.counter.counts]
          .filter(([key]) => !key.startsWith('esm:') && !key.endsWith(':error'))
          .sort(),
      );
    } finally {
      clients.destroy();
    }
  };

  for (const level of LEVELS) {
    it.each(UNUSED_FEATURES)(
      `tracking ${level}: $name wired in, unused`,
      { timeout: 120_000 },
      async ({ setup, fixed, otherTypes }) => {
        const without = await requestsOf(level);
        const withFeature = await requestsOf(level, setup, otherTypes);
        // Not vacuous: the plain run's sends were counted, and its consumer's writes: one or
        // two per task, none at `failures`, whose successes of tasks the client sent ask
        // nothing of the table (no row, and no read on a first delivery).
        expect(without['producer:sqs:SendMessageBatch']).toBe(TASKS / 10);
        const consumerCalls = Object.entries(without)
          .filter(([key]) => key.startsWith('consumer:'))
          .reduce((sum, [, n]) => sum + n, 0);
        expect(consumerCalls).toBe({ full: 2 * TASKS, terminal: TASKS, failures: 0 }[level]);
        const expected = { ...without };
        for (const [key, n] of Object.entries(fixed ?? {}))
          expected[key] = (expected[key] ?? 0) + n;
        expect(withFeature).toEqual(expected);
      },
    );
  }
});

/** The project's task types, every one tracked at `level`; the others than `noop` given `others`. */
function registryAt(level: TrackingLevel, others: Partial<AnyTaskDefinition> = {}) {
  return createRegistry(
    registry.definitions.map((d) => ({
      ...d,
      ...(d.type === 'noop' ? {} : others),
      tracking: level,
    })),
  );
}

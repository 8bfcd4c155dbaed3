import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchBackend, type BenchQueue } from '../../bench/benchBackend.js';
import { freshBatch } from '../../bench/consumerTime.js';
import { type SteadyJob, steadyHandler } from '../../bench/instructions/steadyHandler.js';
import type { TrackingLevel } from '../../functions/core/task.js';
import { lambdaContext } from '../../local/esm/lambdaContext.js';

// The instruction count's baseline is fair only if it asks of DynamoDB and SQS what ours
// asks, request for request: the steady driver's two consumers, on the driver's batches,
// counted by command and outcome (a refused condition apart from a write that applied).
const BATCHES = 2;
const BATCH_SIZE = 10;
const TASKS = BATCHES * BATCH_SIZE;

describe('the instruction count’s baseline makes the requests ours makes', () => {
  let backend: BenchBackend;
  let tableName: string;
  let route: BenchQueue;
  beforeAll(async () => {
    backend = await BenchBackend.start();
    ({ tableName } = await backend.tables('bench-parity'));
    route = await backend.queue('bench-parity');
  }, 60_000);
  afterAll(async () => {
    await backend?.stop();
  });

  /** Every request one consumer made for TASKS fresh no-op tasks, by role and command. */
  const requestsOf = async (consumer: SteadyJob['consumer'], level: TrackingLevel) => {
    const clients = backend.roleClients();
    try {
      const handler = steadyHandler({ consumer, level, tableName, route }, clients.consumer);
      for (let i = 0; i < BATCHES; i++) {
        const response = await handler(
          freshBatch(BATCH_SIZE, route.arn),
          lambdaContext('bench-parity', Date.now() + 60_000),
        );
        expect(response.batchItemFailures).toEqual([]);
      }
      // A transient error (an emulator slow to answer) is retried by the SDK: not a request
      // either consumer chose to make.
      return Object.fromEntries(
        [...clients.counter.counts].filter(([key]) => !key.endsWith(':error')).sort(),
      );
    } finally {
      clients.destroy();
    }
  };

  it.each([
    // `full`: a claim and a finish, both conditional updates.
    { level: 'full', expected: { 'consumer:dynamodb:UpdateItem': 2 * TASKS } },
    // `terminal`: no read on a first delivery of a task sent with no row; one settle.
    { level: 'terminal', expected: { 'consumer:dynamodb:UpdateItem': TASKS } },
    // `failures`: no read, and a success writes nothing.
    { level: 'failures', expected: {} },
  ] as const)('tracking $level', { timeout: 60_000 }, async ({ level, expected }) => {
    const ours = await requestsOf('ours', level);
    const plain = await requestsOf('plain', level);
    expect(ours).toEqual(expected);
    expect(plain).toEqual(ours);
  });
});

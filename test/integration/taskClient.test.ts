import { beforeAll, beforeEach, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoGroupStore } from '../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { TaskClient } from '../../functions/client/index.js';
import { ConfigError, InvalidPayloadError } from '../../functions/core/errors.js';
import { createRegistry } from '../../functions/core/registry.js';
import { EnqueueFailedError } from '../../functions/core/service/errors.js';
import { defineTask } from '../../functions/core/task.js';
import { taskCount } from '../helpers/apiHarness.js';
import type { Backend } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  depth,
  type Pipeline,
  receiveEvent,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { batchFaultClient } from '../helpers/sqsFaults.js';
import { testRegistry } from '../helpers/testTasks.js';

// The producer's view of `test.ok`: same name and schema as the consumer's test registry.
// Declared as a const first (like functions/tasks) so the type name stays a literal.
const okTask = defineTask({
  type: 'test.ok',
  schema: z.object({ n: z.number() }),
  handler: () => undefined,
});
const producerRegistry = createRegistry([okTask]);

describeOnEachBackend('TaskClient', (current) => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = current();
  });
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  function client(options: { faults?: ReturnType<typeof batchFaultClient>; table?: boolean } = {}) {
    return new TaskClient({
      registry: producerRegistry,
      sqs: options.faults?.client ?? backend.sqs,
      queues: [p.standard.route, p.fifo.route],
      maxPayloadBytes: 300_000,
      batchRetry: { attempts: 3, baseMs: 50, capMs: 200 },
      wait: async () => undefined,
      ...(options.table ? { dynamodb: backend.dynamodb, tableName: p.tableName } : {}),
    });
  }

  async function queued(count: number): Promise<{ id: string; payload: unknown }[]> {
    const event = await receiveEvent(p, p.standard, count);
    return event.Records.map((r) => JSON.parse(r.body));
  }

  const many = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ type: 'test.ok' as const, payload: { n } }));

  it('sends 23 tasks in three SendMessageBatch calls and writes no status rows', async () => {
    const faults = batchFaultClient(backend, () => 0);

    const results = await client({ faults }).enqueueMany(many(23));

    expect(faults.calls).toEqual([10, 10, 3]);
    expect(results.map((r) => r.ok)).toEqual(Array(23).fill(true));
    const ids = results.map((r) => r.taskId);
    expect((await queued(23)).map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(await taskCount(p)).toBe(0);
  });

  it('splits calls to stay under 1 MiB per SendMessageBatch', async () => {
    const faults = batchFaultClient(backend, () => 0);
    const padded = { n: 1, pad: 'x'.repeat(250_000) };
    const tasks = Array.from({ length: 10 }, () => ({ type: 'test.ok' as const, payload: padded }));

    const results = await client({ faults }).enqueueMany(tasks);

    expect(faults.calls).toEqual([4, 4, 2]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('retries entries SQS failed, then reports the one that kept failing', async () => {
    // Entry 1 fails in the first call only; entry 3 in every call.
    const faults = batchFaultClient(
      backend,
      (e) => ({ 1: 1, 3: Infinity })[e.payload.n as number] ?? 0,
    );
    const c = client({ faults });

    const results = await c.enqueueMany(many(5));

    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true]);
    const failed = results[3];
    expect(failed?.ok === false && failed.error).toBeInstanceOf(EnqueueFailedError);
    expect(failed?.ok === false && failed.error.message).toContain('not sent after 3 attempt(s)');
    expect(faults.calls).toEqual([5, 2, 1]);
    const sent = await queued(5);
    expect(sent.map((e) => (e.payload as { n: number }).n).sort()).toEqual([0, 1, 2, 4]);
  });

  it('validates payloads at run time: throws for one, reports per entry for many', async () => {
    const c = client();
    const bad = { n: 'seven' } as unknown as { n: number };

    await expect(c.enqueue('test.ok', bad)).rejects.toBeInstanceOf(InvalidPayloadError);
    const results = await c.enqueueMany([
      { type: 'test.ok', payload: bad },
      { type: 'test.ok', payload: { n: 7 } },
    ]);

    const [first, second] = results;
    expect(first?.ok === false && first.error).toMatchObject({
      issues: [expect.objectContaining({ path: ['n'] })],
    });
    expect(second?.ok).toBe(true);
    expect(await depth(backend.sqs, p.standard.url)).toMatchObject({ visible: 1 });
  });

  it('enqueues one task; get() shows it once the consumer has claimed it', async () => {
    const c = client({ table: true });

    const { taskId } = await c.enqueue('test.ok', { n: 21 }, { maxAttempts: 2 });
    const before = await c.get(taskId);
    await deliver(p, p.standard, buildConsumer(p, testRegistry));

    expect(before).toBeUndefined();
    expect(await c.get(taskId)).toMatchObject({
      id: taskId,
      status: 'SUCCEEDED',
      maxAttempts: 2,
      result: { doubled: 42, attempt: 1 },
    });
    await expect(client().get(taskId)).rejects.toBeInstanceOf(ConfigError);
  });

  it('sends a group, runs its follow-up once, and a repeated call sends no second group', async () => {
    const producer = new TaskClient({
      registry: createRegistry([
        okTask,
        defineTask({ type: 'test.fanin', schema: z.object({}), handler: () => undefined }),
      ]),
      sqs: backend.sqs,
      queues: [p.standard.route, p.fifo.route],
      dynamodb: backend.dynamodb,
      tableName: p.tableName,
    });
    const { groupId } = await producer.group(many(12), {
      onComplete: { type: 'test.fanin', payload: {} },
    });
    await producer.group(many(12), { groupId, onComplete: { type: 'test.fanin', payload: {} } });
    const consumer = buildConsumer(p, testRegistry, {
      groups: new DynamoGroupStore({ client: backend.dynamodb, tableName: p.tableName }),
    });
    await deliver(p, p.standard, consumer, { count: 24 });
    await deliver(p, p.standard, consumer, { count: 1 });

    expect(await p.store.get(`${groupId}.on-complete`)).toMatchObject({
      status: 'SUCCEEDED',
      result: { total: 12, failedIds: [], members: 12 },
    });
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('refuses a group without the table, or with a bad member, before sending anything', async () => {
    await expect(client().group(many(2))).rejects.toThrow(ConfigError);
    await expect(
      client({ table: true }).group([
        { type: 'test.ok', payload: { n: 'x' as unknown as number } },
      ]),
    ).rejects.toThrow(InvalidPayloadError);
    await expect(
      client({ table: true }).group(many(2), { callback: { url: 'ftp://example.com/x' } }),
    ).rejects.toThrow(/callback\.url: must be an http:\/\/ or https:\/\/ URL/);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('keeps a group callback on the group, for its fan-in', async () => {
    const callback = { url: 'https://example.com/hooks', secretName: 'app/callbacks/key' };
    const { groupId } = await client({ table: true }).group(many(2), { callback });
    const groups = new DynamoGroupStore({ client: backend.dynamodb, tableName: p.tableName });
    expect((await groups.get(groupId))?.callback).toEqual(callback);
  });
});

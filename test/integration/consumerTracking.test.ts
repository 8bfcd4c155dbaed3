import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskStoreError } from '../../functions/adapters/dynamodb/TaskStoreError.js';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import { type Backend, backendFactories } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  depth,
  envelope,
  type Pipeline,
  receive,
  send,
} from '../helpers/consumerHarness.js';
import { countingStore } from '../helpers/countingStore.js';
import { recordingSqsClient } from '../helpers/sqsRecorder.js';
import { runs, testRegistry } from '../helpers/testTasks.js';

// Tracking levels below `full`: a read instead of the claim, fewer writes (DESIGN §4 notes).
describe.each(backendFactories)('tracking levels on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping the tracking-level suite on ${name}: ${skipReason}`);
  const test = it.skipIf(skipReason !== undefined);
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    if (!skipReason) backend = await start();
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    if (!skipReason) p = await createPipeline(backend);
  });

  function consumerWithCounts(options: { random?: () => number; recorder?: boolean } = {}) {
    const counted = countingStore(p.store);
    const recorder = recordingSqsClient(backend);
    const consumer = buildConsumer(p, testRegistry, {
      store: counted.store,
      sqs: recorder.client,
      ...(options.random ? { random: options.random } : {}),
    });
    return { consumer, calls: counted.calls, visibility: recorder.visibility };
  }

  /** Sends `task`, then one delivery through a consumer whose store calls are counted. */
  async function sendAndDeliver(task: ReturnType<typeof envelope>) {
    await send(backend.sqs, p.standard, task);
    const counted = consumerWithCounts();
    return { ...counted, ...(await deliver(p, p.standard, counted.consumer)) };
  }

  test('terminal: one read and one write; the task ends SUCCEEDED', async () => {
    const task = envelope('test.terminal', {});
    const { consumer, calls, failedIds } = await sendAndDeliver(task);

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['get', 'settle']);
    expect(await p.store.get(task.id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      type: 'test.terminal',
      result: { attempt: 1 },
    });
    expect(consumer.metrics.count('succeeded', 'test.terminal')).toBe(1);
  });

  test('terminal: a redelivery after the end is acknowledged without running', async () => {
    const task = envelope('test.terminal', {});
    await send(backend.sqs, p.standard, task);
    await deliver(p, p.standard, buildConsumer(p, testRegistry));
    const { consumer, calls, failedIds } = await sendAndDeliver(task);

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['get']);
    expect(runs.get(task.id)).toBe(1);
    expect(consumer.metrics.count('duplicate', 'test.terminal')).toBe(1);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  test('terminal: a cancelled task is not run', async () => {
    const task = envelope('test.terminal', {});
    await p.store.create({
      id: task.id,
      type: task.type,
      priority: 'default',
      maxAttempts: 2,
      enqueuedAt: Date.now(),
    });
    await p.store.cancel(task.id);
    await send(backend.sqs, p.standard, task);

    const { failedIds } = await deliver(p, p.standard, buildConsumer(p, testRegistry));

    expect(failedIds).toEqual([]);
    expect(runs.get(task.id)).toBeUndefined();
    expect((await p.store.get(task.id))?.status).toBe('CANCELLED');
  });

  test('terminal: a receive whose attempt died without a write still counts', async () => {
    const task = envelope('test.terminal', {});
    await send(backend.sqs, p.standard, task);
    // The first receive "crashes": the message comes back with ApproximateReceiveCount 2.
    const [first] = await receive(backend.sqs, p.standard.url, 1, 1);
    expect(first).toBeDefined();
    await backend.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: p.standard.url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    await deliver(p, p.standard, buildConsumer(p, testRegistry));

    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  // moto does not apply concurrent conditional writes atomically (see taskStore.test.ts).
  it.skipIf(skipReason !== undefined || name === 'moto')(
    'terminal: two deliveries at once may both run; one end is recorded, the other comes back',
    async () => {
      const task = envelope('test.terminal', {});
      await send(backend.sqs, p.standard, task);
      await send(backend.sqs, p.standard, task);
      const consumer = buildConsumer(p, testRegistry);

      const first = await deliver(p, p.standard, consumer, { count: 2, emptyPolls: 2 });

      expect(runs.get(task.id)).toBe(2);
      expect(first.failedIds).toHaveLength(1);
      expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      // The copy given back finds the end recorded and is acknowledged unrun.
      const givenBack = first.event.Records.find((r) => r.messageId === first.failedIds[0]);
      await backend.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: p.standard.url,
          ReceiptHandle: givenBack?.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const second = await deliver(p, p.standard, consumer);
      expect(second.failedIds).toEqual([]);
      expect(runs.get(task.id)).toBe(2);
      expect(consumer.metrics.count('duplicate', 'test.terminal')).toBe(1);
    },
  );

  test('terminal: a store error on the read fails only that record, which is not run', async () => {
    const broken = envelope('test.terminal', {});
    const fine = envelope('test.terminal', {});
    await send(backend.sqs, p.standard, broken);
    await send(backend.sqs, p.standard, fine);
    const store = new Proxy(p.store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'get') return value;
        return async (id: string) => {
          if (id === broken.id) {
            throw new TaskStoreError('get', id, new Error('throttled'), { retryable: true });
          }
          return target.get(id);
        };
      },
    });
    const consumer = buildConsumer(p, testRegistry, { store });

    const { event, failedIds } = await deliver(p, p.standard, consumer, {
      count: 2,
      emptyPolls: 2,
    });

    const brokenMessage = event.Records.find((r) => JSON.parse(r.body).id === broken.id);
    expect(failedIds).toEqual([brokenMessage?.messageId]);
    expect(runs.get(broken.id)).toBeUndefined();
    expect((await p.store.get(fine.id))?.status).toBe('SUCCEEDED');
  });

  test('terminal: an operator retry of a FAILED task goes on from its stored attempts', async () => {
    const task = envelope('test.terminal', {});
    const failed = { status: 'FAILED', error: { code: 'permanent', message: 'no' } } as const;
    const base = { id: task.id, type: task.type, priority: 'default', enqueuedAt: Date.now() };
    await p.store.settle({
      ...base,
      maxAttempts: 2,
      attempt: 2,
      startedAt: Date.now(),
      outcome: failed,
    });
    expect(await p.store.requeue(task.id, 2, 2, { requirePayload: false })).toMatchObject({
      ok: true,
      record: { status: 'QUEUED', attempts: 2, maxAttempts: 4 },
    });
    await send(backend.sqs, p.standard, task);

    await deliver(p, p.standard, buildConsumer(p, testRegistry));

    expect(await p.store.get(task.id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 3,
      result: { attempt: 3 },
    });
  });

  test('terminal: a live claim from when the type was tracked in full defers the delivery', async () => {
    const task = envelope('test.terminal', {});
    await p.store.claim({
      id: task.id,
      type: task.type,
      priority: 'default',
      maxAttempts: 2,
      enqueuedAt: Date.now(),
      leaseUntil: Date.now() + 60_000,
    });
    const { consumer, visibility, failedIds } = await sendAndDeliver(task);

    expect(failedIds).toHaveLength(1);
    expect(runs.get(task.id)).toBeUndefined();
    expect(visibility[0]?.seconds).toBeGreaterThan(50);
    expect(consumer.metrics.count('deferred', 'test.terminal')).toBe(1);
  });

  test('failures: a success reads once and writes nothing', async () => {
    const task = envelope('test.untracked', {});
    const { consumer, calls, failedIds } = await sendAndDeliver(task);

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['get']);
    expect(runs.get(task.id)).toBe(1);
    expect(await p.store.get(task.id)).toBeUndefined();
    expect(consumer.metrics.count('succeeded', 'test.untracked')).toBe(1);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  test('failures: a retry is recorded, and the success after it ends the row', async () => {
    const task = envelope('test.untracked', { failTimes: 1 });
    await send(backend.sqs, p.standard, task);
    // random 0.5 with a 2 s base: the retry waits 1 s.
    const { consumer, visibility } = consumerWithCounts({ random: () => 0.5 });

    const first = await deliver(p, p.standard, consumer);

    expect(first.failedIds).toHaveLength(1);
    expect(visibility.map((v) => v.seconds)).toEqual([1]);
    expect(await p.store.get(task.id)).toMatchObject({
      status: 'RETRYING',
      attempts: 1,
      lastError: { message: 'failure 1' },
    });

    await deliver(p, p.standard, consumer, { waitSeconds: 3 });

    expect(runs.get(task.id)).toBe(2);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  test('failures: a permanent failure is FAILED, dead-lettered and indexed', async () => {
    const task = envelope('test.untracked', { permanent: true });
    await send(backend.sqs, p.standard, task);

    const { failedIds } = await deliver(p, p.standard, buildConsumer(p, testRegistry));

    expect(failedIds).toEqual([]);
    const record = await p.store.get(task.id);
    expect(record).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: { code: 'permanent' },
    });
    expect(record?.deadLetteredAt).toBeGreaterThan(0);
    const [copy] = await receive(backend.sqs, p.standard.dlqUrl, 10, 1);
    expect(JSON.parse(copy?.Body ?? '{}').id).toBe(task.id);
    expect(copy?.MessageAttributes?.[DLQ_ATTRIBUTE.reason]?.StringValue).toBe('permanent');
    const failed = await p.store.list({ status: 'FAILED', type: 'test.untracked', limit: 10 });
    expect(failed.tasks.map((t) => t.id)).toEqual([task.id]);
  });

  test('failures: a task the API stored still gets its end written', async () => {
    const task = envelope('test.untracked', {});
    await p.store.create({
      id: task.id,
      type: task.type,
      priority: 'default',
      maxAttempts: 3,
      enqueuedAt: Date.now(),
      payloadJson: '{}',
    });
    await send(backend.sqs, p.standard, task);
    const { consumer, calls } = consumerWithCounts();

    await deliver(p, p.standard, consumer);

    expect(calls).toEqual(['get', 'settle']);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });
});

import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskClient } from '../../functions/client/TaskClient.js';
import { UNRECORDED_ATTRIBUTE } from '../../functions/core/consumer/firstDelivery.js';
import type { Envelope } from '../../functions/core/envelope.js';
import { type Backend, backendFactories } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  envelope,
  type Pipeline,
  receive,
} from '../helpers/consumerHarness.js';
import { countingStore } from '../helpers/countingStore.js';
import { runs, testRegistry } from '../helpers/testTasks.js';

// Tracking `terminal` and `failures` skip the duplicate check's read on the first receive of
// a task the TaskClient sent (no row exists), and keep it on every other delivery.
describe.each(backendFactories)('first deliveries on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping the first-delivery suite on ${name}: ${skipReason}`);
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

  const client = () =>
    new TaskClient({ registry: testRegistry, sqs: backend.sqs, queues: [p.standard.route] });

  /** One delivery through a consumer whose store calls are counted. */
  async function deliverCounted() {
    const counted = countingStore(p.store);
    const consumer = buildConsumer(p, testRegistry, { store: counted.store });
    return { ...(await deliver(p, p.standard, consumer)), calls: counted.calls, consumer };
  }

  /** A copy of a TaskClient message, as SQS's duplicate delivery would bring it. */
  async function sendMarked(task: Envelope) {
    await backend.sqs.send(
      new SendMessageCommand({
        QueueUrl: p.standard.url,
        MessageBody: JSON.stringify(task),
        MessageAttributes: { [UNRECORDED_ATTRIBUTE]: { DataType: 'String', StringValue: '1' } },
      }),
    );
  }

  /** Receives the next message and gives it back at once: its next receive is its second. */
  async function receiveAndGiveBack() {
    const [message] = await receive(backend.sqs, p.standard.url, 1, 1);
    expect(message).toBeDefined();
    await backend.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: p.standard.url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }

  test('terminal: the first delivery of a client-sent task writes its end without a read', async () => {
    const { taskId } = await client().enqueue('test.terminal', {});

    const { calls, failedIds } = await deliverCounted();

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['settle']);
    expect(runs.get(taskId)).toBe(1);
    expect(await p.store.get(taskId)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  test('failures: batch-sent tasks succeed with no request to the table', async () => {
    const results = await client().enqueueMany([
      { type: 'test.untracked', payload: {} },
      { type: 'test.untracked', payload: {} },
    ]);
    const ids = results.map((r) => (r.ok ? r.taskId : ''));
    const counted = countingStore(p.store);
    const consumer = buildConsumer(p, testRegistry, { store: counted.store });

    const { failedIds } = await deliver(p, p.standard, consumer, { count: 2, emptyPolls: 2 });

    expect(failedIds).toEqual([]);
    expect(counted.calls).toEqual([]);
    expect(ids.map((id) => runs.get(id))).toEqual([1, 1]);
    expect(await p.store.get(ids[0]!)).toBeUndefined();
  });

  test('failures: a task with an idempotency key is read, so its resend is caught', async () => {
    await client().enqueue('test.untracked', {}, { idempotencyKey: 'first-delivery-key' });

    const { calls, failedIds } = await deliverCounted();

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['get']);
  });

  test('terminal: a redelivery is read, and its attempt counts the lost receive', async () => {
    const { taskId } = await client().enqueue('test.terminal', {});
    await receiveAndGiveBack();

    const { calls } = await deliverCounted();

    expect(calls).toEqual(['get', 'settle']);
    expect(await p.store.get(taskId)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  test('terminal: a duplicate that comes as a redelivery is caught unrun', async () => {
    const task = envelope('test.terminal', {});
    await sendMarked(task);
    await deliverCounted();
    await sendMarked(task);
    await receiveAndGiveBack();

    const { calls, failedIds, consumer } = await deliverCounted();

    expect(failedIds).toEqual([]);
    expect(calls).toEqual(['get']);
    expect(runs.get(task.id)).toBe(1);
    expect(consumer.metrics.count('duplicate', 'test.terminal')).toBe(1);
  });

  test('terminal: a duplicate that comes as a first receive runs again, and its end is refused', async () => {
    const task = envelope('test.terminal', {});
    await sendMarked(task);
    await deliverCounted();
    await sendMarked(task);

    const first = await deliverCounted();

    // The cost of the skipped read: the handler ran twice; the status is the first end's.
    expect(first.calls).toEqual(['settle']);
    expect(runs.get(task.id)).toBe(2);
    expect(first.failedIds).toHaveLength(1);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    await backend.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: p.standard.url,
        ReceiptHandle: first.event.Records[0]?.receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    // The copy given back is a redelivery: read, and acknowledged unrun.
    const again = await deliverCounted();
    expect(again.calls).toEqual(['get']);
    expect(again.failedIds).toEqual([]);
    expect(runs.get(task.id)).toBe(2);
  });
});

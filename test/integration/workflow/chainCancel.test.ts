import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { nextStepId } from '../../../functions/core/workflow/workflowIds.js';
import { entryLogger } from '../../helpers/admissionFakes.js';
import { apiEvent } from '../../helpers/apiEvents.js';
import { buildApi } from '../../helpers/apiHarness.js';
import { type Backend, backendFactories } from '../../helpers/backends.js';
import {
  buildConsumer,
  deliver,
  envelope,
  type Pipeline,
  receiveEvent,
  send,
} from '../../helpers/consumerHarness.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';
import { failingSendClient } from '../../helpers/sqsFaults.js';
import { openGate, testRegistry } from '../../helpers/testTasks.js';

// Cancelling a RUNNING chain step (docs/workflows.md): the step runs on, its chain stops.
describe.each(backendFactories)('cancelling a running chain step on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  let backend: Backend;
  let p: Pipeline;
  let groups: DynamoGroupStore;
  beforeAll(() => {
    ({ backend, p, groups } = suite);
  });

  const cancel = (id: string) =>
    buildApi(p, testRegistry).call(apiEvent('POST', `/tasks/${id}/cancel`));
  const queuedIds = async () =>
    (await receiveEvent(p, p.standard, 10, 1, 1)).Records.map(
      (r) => (JSON.parse(r.body) as { id: string }).id,
    );

  /** Starts a gated chain step and holds it RUNNING until the returned release is called. */
  async function runningStep() {
    const step = envelope('test.gate', {}, { next: [{ type: 'test.ok', payload: { n: 2 } }] });
    await send(backend.sqs, p.standard, step);
    const gate = openGate(step.id, 1);
    const logger = entryLogger();
    const consumer = buildConsumer(p, testRegistry, { groups, logger });
    const event = await receiveEvent(p, p.standard, 1);
    const running = consumer.invoke(event);
    await gate.started;
    const finish = () => {
      gate.release({ done: true });
      return running;
    };
    return { step, consumer, event, finish, logger };
  }

  test('answers 202 chainStopped, lets the step succeed, and never enqueues the next', async () => {
    const { step, consumer, event, finish, logger } = await runningStep();

    const first = await cancel(step.id);
    const again = await cancel(step.id);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      id: step.id,
      status: 'RUNNING',
      chainStopped: true,
      nextId: nextStepId(step.id),
      chainStoppedAt: expect.stringMatching(/^\d{4}-/),
    });
    // A repeat says the same and keeps the first time.
    expect(again.status).toBe(202);
    expect(again.body.chainStoppedAt).toBe(first.body.chainStoppedAt);

    await finish();
    // A redelivery of the ended step replays the hook: still nothing.
    await consumer.invoke(event);
    expect(await p.store.get(step.id)).toMatchObject({
      status: 'SUCCEEDED',
      chainStoppedAt: expect.any(Number),
    });
    expect(await queuedIds()).toEqual([]);
    expect(await p.store.get(nextStepId(step.id))).toBeUndefined();
    const stopped = logger.entries.filter((e) => e.message.startsWith('chain stopped'));
    expect(stopped.map((e) => [e.level, e.message, e.fields.at(-1)])).toEqual(
      Array(2).fill([
        'info',
        'chain stopped by a cancel: the next step is not enqueued',
        { taskId: step.id, nextId: nextStepId(step.id) },
      ]),
    );
    // Ended now: a cancel says so.
    const late = await cancel(step.id);
    expect(late.status).toBe(409);
    expect(late.body.error.details).toEqual({ status: 'SUCCEEDED' });
  });

  test('a cancel after the step succeeded is refused, and the chain goes on', async () => {
    const { step, finish } = await runningStep();
    await finish();
    const late = await cancel(step.id);
    expect(late.status).toBe(409);
    expect(await queuedIds()).toEqual([nextStepId(step.id)]);
  });

  test('a running task without a next step is refused with 409, and runs on', async () => {
    const plain = envelope('test.gate', {});
    await send(backend.sqs, p.standard, plain);
    const gate = openGate(plain.id, 1);
    const running = deliver(p, p.standard, buildConsumer(p, testRegistry, { groups }));
    await gate.started;
    const refused = await cancel(plain.id);
    gate.release({ done: true });
    await running;
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ status: 'RUNNING' });
    expect(await p.store.get(plain.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await p.store.get(plain.id))?.chainStoppedAt).toBeUndefined();
  });

  test('returns a chain step whose next step could not be sent to the queue', async () => {
    const step = envelope('test.ok', { n: 1 }, { next: [{ type: 'test.ok', payload: { n: 2 } }] });
    await send(backend.sqs, p.standard, step);
    const { client, attempts } = failingSendClient(backend);
    const consumer = buildConsumer(p, testRegistry, { groups, sqs: client });
    const event = await receiveEvent(p, p.standard, 1);

    const invoked = consumer.invoke(event);

    // Its only record failed on the send: the whole batch returns to the queue.
    await expect(invoked).rejects.toThrow('all 1 records failed on infrastructure errors');
    expect(attempts).toHaveLength(1);
    client.destroy();
  });
});

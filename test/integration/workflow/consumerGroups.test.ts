import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import type { Envelope } from '../../../functions/core/envelope.js';
import { memberId, nextStepId } from '../../../functions/core/workflow/workflowIds.js';
import { type Backend, backendFactories, uniqueName } from '../../helpers/backends.js';
import {
  buildConsumer,
  deliver,
  envelope,
  type Pipeline,
  receiveEvent,
  send,
} from '../../helpers/consumerHarness.js';
import { crashOnce } from '../../helpers/crashOnce.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';
import { testRegistry } from '../../helpers/testTasks.js';

/** Counts the DynamoDB requests a client makes. */
function countRequests(backend: Backend) {
  const counter = { requests: 0 };
  backend.dynamodb.middlewareStack.add(
    (next) => async (args) => {
      counter.requests++;
      return next(args);
    },
    { step: 'initialize', name: `count-${uniqueName('mw')}` },
  );
  return counter;
}

// The consumer's group and chain hook, as SQS drives it, on each backend.
describe.each(backendFactories)('the consumer hook on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  let backend: Backend;
  let p: Pipeline;
  let groups: DynamoGroupStore;
  beforeAll(() => {
    ({ backend, p, groups } = suite);
  });

  async function sealedGroup(size: number) {
    const id = uniqueName('grp');
    await groups.create({
      id,
      followUps: { complete: { type: 'test.fanin', payload: {} } },
      total: size,
    });
    const members = Array.from({ length: size }, (_, index) =>
      envelope('test.ok', { n: index }, { id: memberId(id, index), group: { id, index, size } }),
    );
    for (const member of members) await send(backend.sqs, p.standard, member);
    return { id, members };
  }

  test('a crash between the member write and the group update is replayed by the redelivery', async () => {
    const { id } = await sealedGroup(2);
    const crashing = buildConsumer(p, testRegistry, { groups: crashOnce(groups, 'completeLeaf') });
    const event = await receiveEvent(p, p.standard, 2);

    const first = await crashing.invoke(event);
    // The member whose end completed the leaf is reported failed; SQS delivers it again.
    expect(first.batchItemFailures).toHaveLength(1);
    expect(await p.store.get(memberId(id, 1))).toMatchObject({
      status: 'SUCCEEDED',
      links: { groupId: id },
    });
    const again = await crashing.invoke(event);
    await crashing.invoke(event);

    expect(again.batchItemFailures).toEqual([]);
    const followUps = await receiveEvent(p, p.standard, 10, 1, 1);
    const bodies = followUps.Records.map((r) => JSON.parse(r.body) as Envelope);
    expect(bodies.map((b) => b.id)).toEqual([`${id}.on-complete`]);
    expect(bodies[0]?.followUp).toEqual({ group: id, on: 'complete' });
  });

  test('a follow-up reads its group: counts, failed ids, members', async () => {
    const { id } = await sealedGroup(3);
    const consumer = buildConsumer(p, testRegistry, { groups });
    await deliver(p, p.standard, consumer, { count: 3 });
    await deliver(p, p.standard, consumer, { count: 1 });

    expect(await p.store.get(`${id}.on-complete`)).toMatchObject({
      status: 'SUCCEEDED',
      result: { total: 3, failedIds: [], members: 3 },
    });
  });

  test("a chain's next step is sent once its task succeeded, and again on a redelivery", async () => {
    const first = envelope('test.ok', { n: 1 }, { next: [{ type: 'test.ok', payload: { n: 2 } }] });
    await send(backend.sqs, p.standard, first);
    const consumer = buildConsumer(p, testRegistry, { groups });
    const event = await receiveEvent(p, p.standard, 1);
    await consumer.invoke(event);
    await consumer.invoke(event);

    const next = await receiveEvent(p, p.standard, 10, 1, 1);
    const bodies = next.Records.map((r) => JSON.parse(r.body) as Envelope);
    // Two messages, one task: the claim of the second finds the first's end.
    expect(bodies.map((b) => b.id)).toEqual([nextStepId(first.id), nextStepId(first.id)]);
    expect(bodies[0]).toMatchObject({ parentId: first.id, payload: { n: 2 } });
    expect(bodies[0]?.next).toBeUndefined();
    // The claims kept the links on the rows, for `status`: no write of their own.
    await consumer.invoke(next);
    expect((await p.store.get(first.id))?.links).toEqual({ nextId: nextStepId(first.id) });
    expect((await p.store.get(nextStepId(first.id)))?.links).toEqual({ parentId: first.id });
  });

  test('a task with no workflow links makes no more requests with groups configured', async () => {
    const counter = countRequests(backend);
    const run = async (withGroups: boolean) => {
      await send(backend.sqs, p.standard, envelope('test.ok', { n: 1 }));
      const consumer = buildConsumer(p, testRegistry, withGroups ? { groups } : {});
      const event = await receiveEvent(p, p.standard, 1);
      const before = counter.requests;
      await consumer.invoke(event);
      return counter.requests - before;
    };
    const without = await run(false);
    const withGroups = await run(true);
    expect(without).toBeGreaterThan(0);
    expect(withGroups).toBe(without);
  });
});

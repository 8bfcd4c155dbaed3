import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { GroupStoreError } from '../../../functions/adapters/dynamodb/GroupStoreError.js';
import { SqsQueue } from '../../../functions/adapters/sqs/SqsQueue.js';
import { GroupConflictError, GroupNotFoundError } from '../../../functions/core/workflow/errors.js';
import { GroupService } from '../../../functions/core/workflow/GroupService.js';
import { memberId } from '../../../functions/core/workflow/workflowIds.js';
import { type Backend, backendFactories, uniqueName } from '../../helpers/backends.js';
import {
  buildConsumer,
  envelope,
  type Pipeline,
  receiveEvent,
  send,
  silentLogger,
} from '../../helpers/consumerHarness.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';
import { batchFaultClient } from '../../helpers/sqsFaults.js';
import { testRegistry } from '../../helpers/testTasks.js';

// Each failure path of the group store and service, on each backend: a clear, typed error
// (or a counted failure), never a silent loss.
describe.each(backendFactories)('group failures on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  let backend: Backend;
  let p: Pipeline;
  let groups: DynamoGroupStore;
  beforeAll(() => {
    ({ backend, p, groups } = suite);
  });

  const service = (sqs = backend.sqs) =>
    new GroupService({
      registry: testRegistry,
      store: p.store,
      groups,
      queue: new SqsQueue(sqs),
      routes: [p.standard.route],
      logger: silentLogger,
      clock: { now: () => Date.now() },
    });
  const putRaw = (item: Record<string, unknown>) =>
    backend.dynamodb.send(new PutItemCommand({ TableName: p.tableName, Item: item as never }));

  test('a missing table is a store error naming the operation and the group, not retryable', async () => {
    const lost = new DynamoGroupStore({ client: backend.dynamodb, tableName: uniqueName('gone') });
    const error = await lost.get('g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupStoreError);
    expect((error as GroupStoreError).message).toMatch(/getGroup failed for group "g1"/);
    expect((error as GroupStoreError).retryable).toBe(false);
    await expect(lost.recordMember('g1', 0, 'g1.0', false)).rejects.toThrow(/recordMember/);
    await expect(lost.failedMembers('g1', 1)).rejects.toThrow(/failedMembers/);
  });

  test('a malformed group item and unreadable follow-ups are refused, not guessed', async () => {
    const id = uniqueName('bad');
    await putRaw({ id: { S: `${id}#group` }, groupState: { S: 'HALF' } });
    await expect(groups.get(id)).rejects.toThrow(/is not a group/);
    await putRaw({ id: { S: `${id}#follow` }, specs: { S: '{not json' } });
    await expect(groups.followUps(id)).rejects.toBeInstanceOf(GroupStoreError);
  });

  test('a group past its retention reads as gone', async () => {
    const expired = new DynamoGroupStore({
      client: backend.dynamodb,
      tableName: p.tableName,
      clock: { now: () => Date.now() + 31 * 86_400_000 },
    });
    const id = uniqueName('old');
    await groups.create({ id, followUps: {}, total: 1 });
    expect(await groups.get(id)).toBeDefined();
    expect(await expired.get(id)).toBeUndefined();
  });

  test('writes that need the group refuse a missing one', async () => {
    const id = uniqueName('none');
    await expect(groups.completeLeaf(id, 0, 0)).rejects.toThrow(/not in the table/);
    await expect(groups.markFanInSent(id)).rejects.toThrow(/was not claimed/);
    expect(await groups.add(id, 0, 1)).toEqual({ ok: false, reason: 'missing' });
    expect(await groups.seal(id, 1)).toEqual({ ok: false, reason: 'missing' });
    await expect(groups.claimFanIn(id, 'seal', 0)).rejects.toThrow(/not in the table/);
  });

  test('a repeated create keeps the first group and its follow-ups', async () => {
    const id = uniqueName('twice');
    const first = { complete: { type: 'test.ok', payload: { n: 1 } } };
    expect((await groups.create({ id, followUps: first, total: 2 })).created).toBe(true);
    const again = await groups.create({ id, followUps: { complete: { type: 'x', payload: {} } } });
    expect(again).toMatchObject({ created: false, group: { state: 'SEALED', total: 2 } });
    expect(await groups.followUps(id)).toEqual(first);
  });

  test('the service answers unknown groups with 404s and wrong seals with conflicts', async () => {
    const groupsApi = service();
    await expect(groupsApi.describe('no such id')).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(groupsApi.seal('missing-group', { total: 1 })).rejects.toBeInstanceOf(
      GroupNotFoundError,
    );
    await expect(
      groupsApi.add('missing-group', {
        offset: 0,
        tasks: [{ type: 'test.ok', payload: { n: 1 } }],
      }),
    ).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(groupsApi.seal('x', { total: -1 })).rejects.toThrow(/invalid seal request/);
    const created = await groupsApi.create({ tasks: [], seal: false });
    await groupsApi.seal(created.group.id, { total: 0 });
    const other = await groupsApi.seal(created.group.id, { total: 2 }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(GroupConflictError);
    expect((other as Error).message).toMatch(/already sealed with 0 tasks/);
  });

  test('a member SQS never took counts as failed, so its group still ends', async () => {
    const faults = batchFaultClient(backend, (e) =>
      e.payload.n === 1 ? Number.POSITIVE_INFINITY : 0,
    );
    const groupsApi = service(faults.client);
    const out = await groupsApi.create({
      tasks: [
        { type: 'test.ok', payload: { n: 0 } },
        { type: 'test.ok', payload: { n: 1 } },
      ],
    });
    const id = out.group.id;
    expect(out.results.map((r) => r.ok)).toEqual([true, false]);
    expect(await p.store.get(memberId(id, 1))).toBeUndefined();
    expect(await groups.readLeaf(id, 0)).toEqual({ ended: 1, failedIds: [memberId(id, 1)] });
    await receiveEvent(p, p.standard, 1); // leave the sent member be
  });

  test('a chain step that is no longer valid stops the chain, and the task still succeeds', async () => {
    const first = envelope('test.ok', { n: 1 }, { next: [{ type: 'test.removed', payload: {} }] });
    await send(backend.sqs, p.standard, first);
    const consumer = buildConsumer(p, testRegistry, { groups });
    const response = await consumer.invoke(await receiveEvent(p, p.standard, 1));

    expect(response.batchItemFailures).toEqual([]);
    expect(await p.store.get(first.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await receiveEvent(p, p.standard, 1, 1, 1)).Records).toEqual([]);
  });
});

import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { GroupStoreError } from '../../../functions/adapters/dynamodb/GroupStoreError.js';
import { followUpsKey, groupKey, leafKey } from '../../../functions/adapters/dynamodb/groupItem.js';
import type { Item } from '../../../functions/adapters/dynamodb/taskItem.js';
import { backendFactories, uniqueName } from '../../helpers/backends.js';
import { useTaskTable } from '../../helpers/taskTableSuite.js';

const DAY_S = 86_400;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
const T0_S = Math.floor(T0 / 1000);
const chain = { type: 'report.build', payload: { n: 1 } };

// The group store's contract on the task table: each write once, however often it repeats.
describe.each(backendFactories)('group store on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'group-store');
  let now = T0;
  const store = (retentionDays?: number) =>
    new DynamoGroupStore({
      client: table.backend.dynamodb,
      tableName: table.tableName,
      clock: { now: () => now },
      ...(retentionDays === undefined ? {} : { retentionDays }),
    });
  const put = (item: Item) =>
    table.backend.dynamodb.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
  const remove = (key: string) =>
    table.backend.dynamodb.send(
      new DeleteItemCommand({ TableName: table.tableName, Key: { id: { S: key } } }),
    );
  const at = (time: number) => {
    now = time;
  };

  test('creates an open group once, keeping the first follow-up specs', async () => {
    at(T0);
    const id = uniqueName('g');

    const first = await store().create({ id, followUps: { success: chain }, parentId: 'p-1' });
    at(T0 + 5_000);
    const again = await store().create({ id, followUps: { complete: chain } });

    const group = {
      id,
      state: 'OPEN',
      added: 0,
      leavesDone: 0,
      failed: 0,
      followUps: ['success'],
      parentId: 'p-1',
      createdAt: T0,
      expiresAt: T0_S + 30 * DAY_S,
    };
    expect(first).toStrictEqual({ created: true, group });
    expect(again).toStrictEqual({ created: false, group });
    expect(await store().followUps(id)).toEqual({ success: chain });
    expect(await table.item(followUpsKey(id))).toMatchObject({
      expiresAt: { N: String(T0_S + 30 * DAY_S) },
    });
  });

  test('creates a group sealed at its size, kept for the retention given', async () => {
    at(T0);
    const id = uniqueName('g');

    const { group } = await store(2).create({ id, followUps: {}, total: 3 });

    expect(group).toStrictEqual({
      id,
      state: 'SEALED',
      total: 3,
      added: 3,
      leavesDone: 0,
      failed: 0,
      followUps: [],
      createdAt: T0,
      expiresAt: T0_S + 2 * DAY_S,
    });
    // No follow-ups: no item for their specs.
    expect(await table.item(followUpsKey(id))).toBeUndefined();
    expect(await store().followUps(id)).toEqual({});
  });

  test('counts each add request once, and refuses one after the seal', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {} });

    const first = await store().add(id, 0, 50);
    const second = await store().add(id, 50, 20);
    const repeated = await store().add(id, 0, 50);
    const sealed = await store().seal(id, 70);
    const late = await store().add(id, 70, 5);
    const lateRepeat = await store().add(id, 50, 20);

    expect(first).toMatchObject({ ok: true, repeated: false, group: { added: 50 } });
    expect(second).toMatchObject({ ok: true, repeated: false, group: { added: 70 } });
    expect(repeated).toMatchObject({ ok: true, repeated: true, group: { added: 70 } });
    expect(sealed).toMatchObject({ ok: true, group: { state: 'SEALED', total: 70 } });
    expect(late).toMatchObject({ ok: false, reason: 'sealed', group: { added: 70 } });
    expect(lateRepeat).toMatchObject({ ok: true, repeated: true, group: { state: 'SEALED' } });
  });

  test('refuses an add to a group sealed at its creation, which has no chunks', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {}, total: 2 });

    const added = await store().add(id, 0, 2);

    expect(added).toMatchObject({ ok: false, reason: 'sealed', group: { state: 'SEALED' } });
  });

  test('answers an add, a seal and a read of a group that does not exist as missing', async () => {
    const id = uniqueName('g');

    expect(await store().add(id, 0, 1)).toStrictEqual({ ok: false, reason: 'missing' });
    expect(await store().seal(id, 1)).toStrictEqual({ ok: false, reason: 'missing' });
    expect(await store().get(id)).toBeUndefined();
  });

  test('seals once with the count added; another count is refused and says why', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {} });
    await store().add(id, 0, 4);

    const short = await store().seal(id, 5);
    const sealed = await store().seal(id, 4);
    const again = await store().seal(id, 4);
    const other = await store().seal(id, 3);

    expect(short).toMatchObject({ ok: false, reason: 'count_mismatch', group: { state: 'OPEN' } });
    expect(sealed).toMatchObject({ ok: true, group: { state: 'SEALED', total: 4 } });
    expect(again).toMatchObject({ ok: true, group: { state: 'SEALED', total: 4 } });
    expect(other).toMatchObject({ ok: false, reason: 'sealed_other', group: { total: 4 } });
  });

  test('records each member of a leaf once, failed ones by id', async () => {
    at(T0);
    const id = uniqueName('g');

    const a = await store().recordMember(id, 0, `${id}.0`, false);
    const b = await store().recordMember(id, 0, `${id}.1`, true);
    const repeat = await store().recordMember(id, 0, `${id}.1`, true);
    const other = await store().recordMember(id, 1, `${id}.50`, true);

    expect(a).toStrictEqual({ ended: 1, failedIds: [] });
    expect(b).toStrictEqual({ ended: 2, failedIds: [`${id}.1`] });
    expect(repeat).toStrictEqual({ ended: 2, failedIds: [`${id}.1`] });
    expect(other).toStrictEqual({ ended: 1, failedIds: [`${id}.50`] });
    expect(await store().readLeaf(id, 0)).toStrictEqual({ ended: 2, failedIds: [`${id}.1`] });
    expect(await store().readLeaf(id, 7)).toStrictEqual({ ended: 0, failedIds: [] });
    expect(await table.item(leafKey(id, 0))).toMatchObject({
      expiresAt: { N: String(T0_S + 30 * DAY_S) },
      endedCount: { N: '2' },
      failedCount: { N: '1' },
    });
  });

  test('sums progress and lists failed members in index order over the leaves asked for', async () => {
    const id = uniqueName('g');
    await store().recordMember(id, 0, `${id}.10`, true);
    await store().recordMember(id, 0, `${id}.2`, true);
    await store().recordMember(id, 0, `${id}.3`, false);
    await store().recordMember(id, 1, `${id}.51`, false);
    await store().recordMember(id, 2, `${id}.100`, true);

    expect(await store().progress(id, 3)).toEqual({ ended: 5, failed: 3 });
    expect(await store().progress(id, 2)).toEqual({ ended: 4, failed: 2 });
    expect(await store().failedMembers(id, 3)).toEqual([`${id}.2`, `${id}.10`, `${id}.100`]);
    expect(await store().progress(id, 0)).toEqual({ ended: 0, failed: 0 });
  });

  test('reads past a hundred leaves, and skips the ones with no item', async () => {
    const id = uniqueName('g');
    await store().recordMember(id, 0, `${id}.0`, true);
    await store().recordMember(id, 104, `${id}.5200`, true);

    expect(await store().failedMembers(id, 105)).toEqual([`${id}.0`, `${id}.5200`]);
    expect(await store().progress(id, 105)).toEqual({ ended: 2, failed: 2 });
  });

  test('counts each completed leaf once, with its failures', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {}, total: 120 });

    const first = await store().completeLeaf(id, 0, 2);
    const repeat = await store().completeLeaf(id, 0, 2);
    const second = await store().completeLeaf(id, 1, 1);

    expect(first).toMatchObject({ leavesDone: 1, failed: 2 });
    expect(repeat).toMatchObject({ leavesDone: 1, failed: 2 });
    expect(second).toMatchObject({ leavesDone: 2, failed: 3 });
  });

  test('refuses to complete a leaf of a group that is not in the table', async () => {
    const id = uniqueName('g');

    const error = await store()
      .completeLeaf(id, 0, 0)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GroupStoreError);
    expect(error).toMatchObject({
      operation: 'completeLeaf',
      retryable: false,
      message: expect.stringContaining('the group is not in the table'),
    });
  });

  test('gives the fan-in to one claimant, once the group is sealed and its leaves are done', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: { complete: chain } });
    await store().add(id, 0, 60);

    const open = await store().claimFanIn(id, 'early', 0);
    await store().seal(id, 60);
    await store().completeLeaf(id, 0, 0);
    const notDone = await store().claimFanIn(id, 'early', 2);
    await store().completeLeaf(id, 1, 0);
    at(T0 + 1_000);
    const claimed = await store().claimFanIn(id, 'first', 2, T0 + 60_000);
    const second = await store().claimFanIn(id, 'second', 2);

    expect(open).toMatchObject({ claimed: false, group: { state: 'OPEN' } });
    expect(notDone.claimed).toBe(false);
    expect(notDone.group.fanIn).toBeUndefined();
    const fanIn = { by: 'first', at: T0 + 1_000, until: T0 + 60_000 };
    expect(claimed).toMatchObject({ claimed: true, group: { fanIn } });
    expect(second).toMatchObject({ claimed: false, group: { fanIn } });
  });

  test('claims the fan-in of a sealed group with no leaves, with no deadline', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {}, total: 0 });

    const { claimed, group } = await store().claimFanIn(id, 'only', 0);

    expect(claimed).toBe(true);
    expect(group.fanIn).toStrictEqual({ by: 'only', at: T0 });
  });

  test('notes the fan-in as sent only once claimed', async () => {
    at(T0);
    const id = uniqueName('g');
    await store().create({ id, followUps: {}, total: 0 });

    const unclaimed = await store()
      .markFanInSent(id)
      .catch((e: unknown) => e);
    await store().claimFanIn(id, 'me', 0);
    at(T0 + 2_000);
    await store().markFanInSent(id);

    expect(unclaimed).toBeInstanceOf(GroupStoreError);
    expect(unclaimed).toMatchObject({
      operation: 'markFanInSent',
      retryable: false,
      message: expect.stringContaining('the fan-in was not claimed'),
    });
    expect((await store().get(id))?.fanIn).toStrictEqual({ by: 'me', at: T0, sentAt: T0 + 2_000 });
  });

  test('reads a group as gone from the moment it expires', async () => {
    at(T0);
    const id = uniqueName('g');
    await store(1).create({ id, followUps: {} });
    const expiresMs = (T0_S + DAY_S) * 1000;

    at(expiresMs - 1);
    expect((await store().get(id))?.id).toBe(id);
    at(expiresMs);
    expect(await store().get(id)).toBeUndefined();
  });

  test('refuses a create over an expired group that TTL has not deleted yet', async () => {
    at(T0);
    const id = uniqueName('g');
    await store(1).create({ id, followUps: {} });
    at(T0 + 2 * DAY_S * 1000);

    const error = await store()
      .create({ id, followUps: {} })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ operation: 'createGroup', retryable: false });
  });

  test('refuses a malformed group item and follow-up specs that are not JSON', async () => {
    const id = uniqueName('g');
    await put({ id: { S: groupKey(id) }, groupState: { S: 'LOST' } });
    await put({ id: { S: followUpsKey(id) }, specs: { S: '{not json' } });
    const bare = uniqueName('g');
    await put({ id: { S: followUpsKey(bare) } });

    const read = await store()
      .get(id)
      .catch((e: unknown) => e);
    const specs = await store()
      .followUps(id)
      .catch((e: unknown) => e);

    expect(read).toBeInstanceOf(GroupStoreError);
    expect(read).toMatchObject({ operation: 'getGroup', retryable: false });
    expect(specs).toBeInstanceOf(GroupStoreError);
    expect(specs).toMatchObject({ operation: 'followUps', retryable: false });
    // An item without specs holds no follow-ups.
    expect(await store().followUps(bare)).toEqual({});
    await remove(groupKey(id));
  });

  test('names the operation and the group when the table is not there', async () => {
    const missing = new DynamoGroupStore({
      client: table.backend.dynamodb,
      tableName: uniqueName('absent'),
    });

    const calls = [
      missing.get('g'),
      missing.add('g', 0, 1),
      missing.create({ id: 'g', followUps: {} }),
      missing.create({ id: 'g', followUps: { success: chain } }),
      missing.progress('g', 1),
      missing.seal('g', 1),
      missing.recordMember('g', 0, 'g.0', false),
      missing.readLeaf('g', 0),
      missing.completeLeaf('g', 0, 0),
      missing.claimFanIn('g', 'me', 0),
      missing.markFanInSent('g'),
      missing.followUps('g'),
      missing.failedMembers('g', 1),
    ];

    const errors = await Promise.all(calls.map((call) => call.catch((e: unknown) => e)));

    expect(errors.map((e) => e instanceof GroupStoreError && [e.operation, e.groupId])).toEqual([
      ['getGroup', 'g'],
      ['addMembers', 'g'],
      ['createGroup', 'g'],
      ['createGroup', 'g'],
      ['progress', 'g'],
      ['seal', 'g'],
      ['recordMember', 'g'],
      ['readLeaf', 'g'],
      ['completeLeaf', 'g'],
      ['claimFanIn', 'g'],
      ['markFanInSent', 'g'],
      ['followUps', 'g'],
      ['failedMembers', 'g'],
    ]);
  });
});

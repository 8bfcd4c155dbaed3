import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { FlowStoreError } from '../../../functions/adapters/dynamodb/FlowStoreError.js';
import {
  BREAKERS_KEY,
  breakerKey,
  PAUSES_KEY,
} from '../../../functions/adapters/dynamodb/flowItem.js';
import { MalformedItemError } from '../../../functions/adapters/dynamodb/taskItem.js';
import { closed, newBreaker, opened } from '../../../functions/core/flow/breaker.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

describeOnEachBackend('the flow store', (current) => {
  let backend: Backend;
  let store: DynamoFlowStore;
  let tableName: string;
  const rawItem = async (id: string) =>
    (
      await backend.dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
      )
    ).Item;
  beforeAll(async () => {
    backend = current();
    tableName = uniqueName('flow');
    await createTaskTable(backend, tableName);
    store = new DynamoFlowStore({ client: backend.dynamodb, tableName });
  });

  it('pauses a type once, keeps the first pause, and resumes it', async () => {
    const first = await store.pause({ scope: 'type', name: 'email.send', since: 1_000, by: 'ann' });
    const second = await store.pause({
      scope: 'type',
      name: 'email.send',
      since: 2_000,
      by: 'bob',
    });
    await store.pause({ scope: 'queue', name: 'low', since: 3_000, by: 'ann' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ created: false, record: first.record });
    expect(await store.readPauses()).toEqual({
      queues: [{ scope: 'queue', name: 'low', since: 3_000, by: 'ann' }],
      types: [{ scope: 'type', name: 'email.send', since: 1_000, by: 'ann' }],
    });
    expect((await store.resume('type', 'email.send'))?.name).toBe('email.send');
    expect(await store.resume('type', 'email.send')).toBeUndefined();
    expect((await store.readPauses()).types).toEqual([]);
  });

  it('keeps both of two pauses made at once on a fresh item', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `t${i}.x`);
    await Promise.all(names.map((name) => store.pause({ scope: 'type', name, since: 5, by: 'x' })));
    const paused = (await store.readPauses()).types.map((p) => p.name);
    expect(paused).toEqual(expect.arrayContaining(names));
  });

  it('stores names that are not attribute names as they are', async () => {
    const name = 'a-b.c_d#1 <x>';
    await store.pause({ scope: 'type', name, since: 7, by: "o'neil" });
    expect((await store.readPauses()).types).toContainEqual({
      scope: 'type',
      name,
      since: 7,
      by: "o'neil",
    });
  });

  it('adds counts to buckets and drops those older than the window', async () => {
    const key = `host:${uniqueName('h')}.example`;
    await store.addCounts(key, { start: 0, attempts: 3, failures: 1 }, 60_000);
    await store.addCounts(key, { start: 0, attempts: 2, failures: 2 }, 60_000);
    const later = await store.addCounts(key, { start: 60_000, attempts: 1, failures: 0 }, 60_000);
    expect(later.state).toBe('closed');
    expect(later.version).toBe(0);
    expect(later.buckets).toEqual([{ start: 60_000, attempts: 1, failures: 0 }]);
    const read = await store.readBreaker(key);
    expect(read?.buckets).toEqual(later.buckets);
  });

  it('moves a breaker only from the version it read, and lists it', async () => {
    const key = `type:${uniqueName('t')}`;
    const base = newBreaker(key, 10);
    const open = opened(base, 'ann', 20, 50);
    expect(await store.transition(open)).toBe(true);
    expect(await store.transition(opened(base, 'bob', 30, 60))).toBe(false);
    expect(await store.readBreaker(key)).toEqual(open);
    const counted = await store.addCounts(key, { start: 0, attempts: 1, failures: 1 }, 60_000);
    expect(counted).toMatchObject({ state: 'open', version: 1, until: 50 });
    expect((await store.listBreakers()).map((b) => b.key)).toContain(key);
  });

  it('reads an unknown breaker as absent', async () => {
    expect(await store.readBreaker('host:nowhere.invalid')).toBeUndefined();
  });

  it('counts a new breaker closed, from the bucket, with no probes, and keeps it out of task reads', async () => {
    const key = `host:${uniqueName('h')}.example`;
    const record = await store.addCounts(key, { start: 30_000, attempts: 2, failures: 1 }, 60_000);
    expect(record).toEqual({
      key,
      state: 'closed',
      since: 30_000,
      by: 'breaker',
      probesLeft: 0,
      probeSuccesses: 0,
      version: 0,
      buckets: [{ start: 30_000, attempts: 2, failures: 1 }],
    });
    const item = await rawItem(breakerKey(key));
    expect(item?.status).toBeUndefined();
    expect(item?.expiresAt).toBeUndefined();
  });

  it('drops every bucket that fell out of the window, and keeps the ones inside it', async () => {
    const key = `type:${uniqueName('t')}`;
    for (const start of [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]) {
      await store.addCounts(key, { start, attempts: 1, failures: 1 }, 60_000);
    }
    const later = await store.addCounts(key, { start: 110_000, attempts: 1, failures: 0 }, 60_000);
    expect(later.buckets).toEqual([
      { start: 60_000, attempts: 1, failures: 1 },
      { start: 110_000, attempts: 1, failures: 0 },
    ]);
  });

  it('drops at each count only the six buckets just past the window, leaving older ones to the window arithmetic', async () => {
    const key = `type:${uniqueName('t')}`;
    for (const start of [0, 10_000]) {
      await store.addCounts(key, { start, attempts: 1, failures: 1 }, 60_000);
    }
    const later = await store.addCounts(key, { start: 120_000, attempts: 1, failures: 0 }, 60_000);
    expect(later.buckets).toEqual([
      { start: 0, attempts: 1, failures: 1 },
      { start: 120_000, attempts: 1, failures: 0 },
    ]);
  });

  it('moves a breaker on from each version it wrote', async () => {
    const key = `type:${uniqueName('t')}`;
    const open = opened(newBreaker(key, 10), 'ann', 20, 50);
    expect(await store.transition(open)).toBe(true);
    const shut = closed(open, 'bob', 30);
    expect(await store.transition(shut)).toBe(true);
    expect(await store.readBreaker(key)).toEqual(shut);
  });

  it('lists breakers in key order, after an index write per transition', async () => {
    const keys = ['type:z', 'type:a', 'host:m'].map((k) => `${k}${uniqueName('')}`);
    for (const key of keys)
      expect(await store.transition(opened(newBreaker(key, 1), 'ann', 2, 3))).toBe(true);
    const listed = (await store.listBreakers()).map((b) => b.key).filter((k) => keys.includes(k));
    expect(listed).toEqual([...keys].sort());
    expect((await rawItem(BREAKERS_KEY))?.keys?.SS).toEqual(expect.arrayContaining(keys));
  });

  it('resumes with the pause it removed', async () => {
    const name = uniqueName('q');
    await store.pause({ scope: 'queue', name, since: 42, by: 'ann' });
    const resumed = await store.resume('queue', name);
    // dynalite answers a REMOVE without the old item: the store says the name was paused.
    expect([
      { scope: 'queue', name, since: 42, by: 'ann' },
      { scope: 'queue', name, since: 0, by: 'unknown' },
    ]).toContainEqual(resumed);
    expect((await store.readPauses()).queues.map((p) => p.name)).not.toContain(name);
  });

  it('refuses to read an item that is not a breaker as one', async () => {
    const key = `type:${uniqueName('t')}`;
    await backend.dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { id: { S: breakerKey(key) }, breakerState: { S: 'ajar' } },
      }),
    );
    await expect(store.readBreaker(key)).rejects.toBeInstanceOf(MalformedItemError);
  });

  it('names the operation, the subject and the cause when the table is missing', async () => {
    const lost = new DynamoFlowStore({ client: backend.dynamodb, tableName: uniqueName('absent') });
    const calls: [string, string, () => Promise<unknown>][] = [
      ['readPauses', PAUSES_KEY, () => lost.readPauses()],
      [
        'pause',
        'email.send',
        () => lost.pause({ scope: 'type', name: 'email.send', since: 1, by: 'a' }),
      ],
      ['resume', 'low', () => lost.resume('queue', 'low')],
      ['readBreaker', breakerKey('type:x'), () => lost.readBreaker('type:x')],
      ['listBreakers', BREAKERS_KEY, () => lost.listBreakers()],
      [
        'addCounts',
        'type:x',
        () => lost.addCounts('type:x', { start: 0, attempts: 1, failures: 0 }, 60_000),
      ],
      ['transition', 'type:x', () => lost.transition(newBreaker('type:x', 1))],
    ];
    for (const [operation, subject, call] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlowStoreError);
      expect(error).toMatchObject({ operation, subject, retryable: false, code: 'store' });
      expect((error as Error).message).toBe(
        `flow store ${operation} failed for ${JSON.stringify(subject)}: ResourceNotFoundException: ${((error as Error).cause as Error).message}`,
      );
    }
  });
});

import { beforeAll, expect, it } from 'vitest';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { newBreaker, opened } from '../../../functions/core/flow/breaker.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

describeOnEachBackend('the flow store', (current) => {
  let backend: Backend;
  let store: DynamoFlowStore;
  beforeAll(async () => {
    backend = current();
    const tableName = uniqueName('flow');
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
});

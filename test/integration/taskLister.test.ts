import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureShard } from '../../functions/adapters/dynamodb/failureKeys.js';
import { TaskLister } from '../../functions/adapters/dynamodb/TaskLister.js';
import {
  ATTR,
  type Item,
  newTaskItem,
  num,
  str,
} from '../../functions/adapters/dynamodb/taskItem.js';
import type { TaskListQuery } from '../../functions/core/ports.js';
import type { TaskStatus } from '../../functions/core/status.js';
import { createTaskTable } from '../../local/resources.js';
import {
  type Backend,
  backendFactories,
  TEST_CREDENTIALS,
  uniqueName,
} from '../helpers/backends.js';
import { createTableWithoutAllFailures } from '../helpers/legacyTaskTable.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0, 500);
const NOW_SECONDS = Math.floor(NOW / 1000);
const clock = { now: () => NOW };

interface Seed {
  id: string;
  type: string;
  createdAt: number;
  status?: TaskStatus;
  priority?: string;
  /** Failure time: the item is FAILED and in both failure indexes. */
  failedAt?: number;
  expiresAt?: number;
}

function seedItem(seed: Seed): Item {
  const task = { id: seed.id, type: seed.type, priority: seed.priority ?? 'default' };
  const item = newTaskItem(
    { ...task, maxAttempts: 3, enqueuedAt: seed.createdAt },
    seed.createdAt,
    seed.expiresAt ?? NOW_SECONDS + 86_400,
  );
  item[ATTR.status] = str(seed.status ?? 'QUEUED');
  if (seed.failedAt !== undefined) {
    item[ATTR.status] = str('FAILED');
    item[ATTR.failedType] = str(seed.type);
    item[ATTR.failedAt] = num(seed.failedAt);
    item[ATTR.failedShard] = str(failureShard(seed.failedAt));
  }
  return item;
}

/** Every page of `query`, following cursors: the ids of each page, in order. */
async function allPages(lister: TaskLister, query: TaskListQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await lister.list({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.tasks.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

// The lister's reads on small tables: the type index's key conditions, the failure indexes'
// order, ties and cursors, and the filters each read applies.
describe.each(backendFactories)('task lister on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  if (factory.skipReason) {
    console.warn(`skipping the task lister suite on ${factory.name}: ${factory.skipReason}`);
  }
  let backend: Backend;
  let tableName: string;
  beforeAll(async () => {
    if (factory.skipReason) return;
    backend = await factory.start();
    tableName = uniqueName('lister');
    await createTaskTable(backend.dynamodb, tableName, { typeIndex: true });
  });
  afterAll(async () => backend?.stop());

  const seedInto = (table: string, seeds: Seed[]) =>
    Promise.all(
      seeds.map((seed) =>
        backend.dynamodb.send(new PutItemCommand({ TableName: table, Item: seedItem(seed) })),
      ),
    );
  const seed = (seeds: Seed[]) => seedInto(tableName, seeds);
  /** A client on the backend that counts the Query requests it sends. */
  function countingQueries() {
    const client = new DynamoDBClient({
      region: backend.region,
      endpoint: backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
    });
    let queries = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    return { client, queries: () => queries };
  }
  const lister = () => new TaskLister(backend.dynamodb, tableName, clock, true);
  const ids = async (query: TaskListQuery) => (await lister().list(query)).tasks.map((t) => t.id);

  describe('one type through the byType index', () => {
    /** Four tasks of one type created at 100, 200, 300 and 400. */
    async function fourTasks(over: (i: number) => Partial<Seed> = () => ({})) {
      const type = uniqueName('typed');
      const seeds = [1, 2, 3, 4].map((i) => ({
        id: `${type}-c${i}`,
        type,
        createdAt: i * 100,
        ...over(i),
      }));
      await seed(seeds);
      return { type, id: (i: number) => `${type}-c${i}` };
    }

    test('lists newest first, through the index', async () => {
      const { type, id } = await fourTasks();

      const page = await lister().list({ type, limit: 10 });

      expect(page.via).toBe('typeIndex');
      expect(page.tasks.map((t) => t.id)).toEqual([id(4), id(3), id(2), id(1)]);
      expect(page.nextCursor).toBeUndefined();
    });

    test('keeps createdFrom inclusive and createdTo exclusive, alone or together', async () => {
      const { type, id } = await fourTasks();

      expect(await ids({ type, createdFrom: 200, limit: 10 })).toEqual([id(4), id(3), id(2)]);
      expect(await ids({ type, createdTo: 300, limit: 10 })).toEqual([id(2), id(1)]);
      expect(await ids({ type, createdFrom: 200, createdTo: 400, limit: 10 })).toEqual([
        id(3),
        id(2),
      ]);
    });

    test('applies the status and priority filters to what it reads', async () => {
      const { type, id } = await fourTasks((i) => ({
        status: i % 2 === 0 ? 'RUNNING' : 'QUEUED',
        priority: i > 2 ? 'high' : 'default',
      }));

      expect(await ids({ type, status: 'RUNNING', limit: 10 })).toEqual([id(4), id(2)]);
      expect(await ids({ type, priority: 'high', limit: 10 })).toEqual([id(4), id(3)]);
    });

    test('leaves out a task whose retention has ended', async () => {
      const { type, id } = await fourTasks((i) => ({
        expiresAt: i === 1 ? NOW_SECONDS : NOW_SECONDS + 1,
      }));

      expect(await ids({ type, limit: 10 })).toEqual([id(4), id(3), id(2)]);
    });

    test('pages one task at a time through the range, each once, newest first', async () => {
      const { type, id } = await fourTasks();

      const pages = await allPages(lister(), { type, createdFrom: 100, limit: 1 });

      expect(pages).toEqual([[id(4)], [id(3)], [id(2)], [id(1)]]);
    });

    test('reads at most one more item than the page per request, within the read budget', async () => {
      const type = uniqueName('budget');
      // 20 newer tasks that the filter refuses, then one it matches: ten requests of two
      // items each stop before it.
      await seed(
        Array.from({ length: 21 }, (_, i) => ({
          id: `${type}-n${String(i).padStart(2, '0')}`,
          type,
          createdAt: 1_000 - i,
          priority: i === 20 ? 'high' : 'default',
        })),
      );

      const page = await lister().list({ type, priority: 'high', limit: 1 });

      expect(page.tasks).toEqual([]);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    test('a store with the index still scans when no type is given', async () => {
      const page = await lister().list({ status: 'CANCELLED', limit: 1 });

      expect(page.via).toBe('scan');
    });

    test('refuses a cursor issued for other filters', async () => {
      const { type } = await fourTasks((i) => ({ priority: i > 2 ? 'high' : 'default' }));
      const page = await lister().list({ type, priority: 'high', limit: 1 });
      const cursor = page.nextCursor as string;

      await expect(
        lister().list({ type, priority: 'default', limit: 1, cursor }),
      ).rejects.toMatchObject({ reason: 'invalid_cursor' });
    });
  });

  describe('failures of one type', () => {
    test('lists only that type, newest failure first, ties by id descending', async () => {
      const type = uniqueName('failing');
      const other = uniqueName('other');
      await seed([
        { id: `${type}-b`, type, createdAt: 1, failedAt: 100 },
        { id: `${type}-d`, type, createdAt: 2, failedAt: 100 },
        { id: `${type}-e`, type, createdAt: 3, failedAt: 90 },
        { id: `${type}-a`, type, createdAt: 4, failedAt: 90 },
        { id: `${type}-c`, type, createdAt: 5, failedAt: 80 },
        { id: `${other}-x`, type: other, createdAt: 6, failedAt: 95 },
      ]);
      const order = ['d', 'b', 'e', 'a', 'c'].map((s) => `${type}-${s}`);

      const page = await lister().list({ status: 'FAILED', type, limit: 10 });

      expect(page.via).toBe('failures');
      expect(page.tasks.map((t) => t.id)).toEqual(order);
      expect(page.nextCursor).toBeUndefined();
      // A cursor inside a tie and after it: every failure once, in the same order.
      const ones = await allPages(lister(), { status: 'FAILED', type, limit: 1 });
      expect(ones).toEqual(order.map((id) => [id]));
      const twos = await allPages(lister(), { status: 'FAILED', type, limit: 2 });
      expect(twos).toEqual([order.slice(0, 2), order.slice(2, 4), order.slice(4)]);
    });

    test('reads the newest of a long partition in one request', async () => {
      const type = uniqueName('long');
      await seed(
        [0, 1, 2, 3, 4, 5].map((i) => ({
          id: `${type}-${i}`,
          type,
          createdAt: i,
          failedAt: 100 + i,
        })),
      );
      const counted = countingQueries();
      const page = await new TaskLister(counted.client, tableName, clock, true).list({
        status: 'FAILED',
        type,
        limit: 2,
      });

      expect(page.tasks.map((t) => t.id)).toEqual([`${type}-5`, `${type}-4`]);
      expect(page.nextCursor).toEqual(expect.any(String));
      // Newest first, three items: the third is older than the page, so nothing more is read.
      expect(counted.queries()).toBe(1);
    });

    test('gives no cursor when the failures fill the page exactly', async () => {
      const type = uniqueName('exact');
      await seed([
        { id: `${type}-a`, type, createdAt: 1, failedAt: 10 },
        { id: `${type}-b`, type, createdAt: 2, failedAt: 20 },
      ]);

      const page = await lister().list({ status: 'FAILED', type, limit: 2 });

      expect(page.tasks.map((t) => t.id)).toEqual([`${type}-b`, `${type}-a`]);
      expect(page.nextCursor).toBeUndefined();
    });

    test('filters by priority and by creation time, inclusive from, exclusive to', async () => {
      const type = uniqueName('ranged');
      await seed(
        [1, 2, 3, 4].map((i) => ({
          id: `${type}-c${i}`,
          type,
          createdAt: i * 100,
          failedAt: 1_000 + i,
          priority: i % 2 === 0 ? 'high' : 'default',
          expiresAt: i === 3 ? NOW_SECONDS : NOW_SECONDS + 1,
        })),
      );
      const failed = { status: 'FAILED', type, limit: 10 } as const;

      expect(await ids({ ...failed, createdFrom: 200, createdTo: 400 })).toEqual([`${type}-c2`]);
      expect(await ids({ ...failed, createdFrom: 200 })).toEqual([`${type}-c4`, `${type}-c2`]);
      expect(await ids({ ...failed, createdTo: 400 })).toEqual([`${type}-c2`, `${type}-c1`]);
      expect(await ids({ ...failed, priority: 'default' })).toEqual([`${type}-c1`]);
    });
  });

  describe('failures of every type', () => {
    test('merges both shards of allFailures newest first, without the types listed', async () => {
      const table = uniqueName('all-failures');
      await createTaskTable(backend.dynamodb, table);
      await seedInto(table, [
        { id: 'a-1', type: 'mail.send', createdAt: 1, failedAt: 31 },
        { id: 'b-1', type: 'sms.send', createdAt: 2, failedAt: 40 },
        { id: 'a-2', type: 'mail.send', createdAt: 3, failedAt: 20 },
        { id: 'b-2', type: 'sms.send', createdAt: 4, failedAt: 11 },
        { id: 'q-1', type: 'mail.send', createdAt: 5, status: 'QUEUED' },
      ]);
      const all = new TaskLister(backend.dynamodb, table, clock, false);

      const pages = await allPages(all, { status: 'FAILED', limit: 3 });

      expect(pages).toEqual([['b-1', 'a-1', 'a-2'], ['b-2']]);
    });

    test('queries each listed type on a table without the allFailures index', async () => {
      const table = uniqueName('no-all-failures');
      await createTableWithoutAllFailures(backend.dynamodb, table);
      await seedInto(table, [
        { id: 'a-1', type: 'mail.send', createdAt: 1, failedAt: 31 },
        { id: 'b-1', type: 'sms.send', createdAt: 2, failedAt: 40 },
        { id: 'c-1', type: 'push.send', createdAt: 3, failedAt: 50 },
      ]);
      const older = new TaskLister(backend.dynamodb, table, clock, false);
      const types = ['mail.send', 'sms.send'];

      const first = await older.list({ status: 'FAILED', types, limit: 10 });
      const again = await older.list({ status: 'FAILED', types, limit: 10 });

      expect(first.tasks.map((t) => t.id)).toEqual(['b-1', 'a-1']);
      expect(again.tasks.map((t) => t.id)).toEqual(['b-1', 'a-1']);
    });
  });
});

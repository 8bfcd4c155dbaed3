import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../bench/RequestCounter.js';
import type { Target } from '../../../cli/target.js';
import { tasks } from '../../../console/server/handlers/tasks.js';
import type { Observations } from '../../../console/server/Observations.js';
import type { TaskListView } from '../../../console/shared/api.js';
import { DynamoTaskStore } from '../../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { failureShard } from '../../../functions/adapters/dynamodb/failureKeys.js';
import { newTaskItem, num, str } from '../../../functions/adapters/dynamodb/taskItem.js';
import { taskIdForIdempotencyKey } from '../../../functions/core/ids.js';
import type { QueuePort } from '../../../functions/core/ports.js';
import { TaskService } from '../../../functions/core/service/TaskService.js';
import { registry } from '../../../functions/tasks/index.js';
import { createTaskTable } from '../../../local/resources.js';
import type { Backend } from '../../helpers/backend.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';
import { startEmulators } from '../../helpers/emulators.js';

const TASKS = 100_000;
const INDEXED_TASKS = 3_000;
const FAILED_EVERY = 97;
const TYPES = ['http.post', 'log.summary', 'noop'];
const KEY = 'order-42';

// The console's look-ups on a table of 100,000 tasks: by id, by idempotency key and the
// FAILED list are answered from the key or an index, in one or two DynamoDB requests.
describe('console look-ups on a large table', () => {
  let backend: Backend;
  let counter: RequestCounter;
  let client: DynamoDBClient;
  let service: TaskService;
  let indexed: TaskService;
  const tableName = 'console-lookups';
  const indexedTable = 'console-lookups-by-type';
  const now = Date.now();
  const idAt = (i: number) => `t${String(i).padStart(6, '0')}`;

  beforeAll(async () => {
    backend = await startEmulators();
    // The large table has the default indexes only; the type index is tried on a smaller
    // one (an index write per item would double the seeding time).
    await createTaskTable(backend.dynamodb, tableName);
    await createTaskTable(backend.dynamodb, indexedTable, { typeIndex: true });
    await seed(backend.dynamodb, tableName, now, idAt, TASKS);
    await seed(backend.dynamodb, indexedTable, now, idAt, INDEXED_TASKS);
    client = new DynamoDBClient({
      region: TEST_REGION,
      endpoint: backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
    });
    counter = new RequestCounter();
    counter.attach(client, 'producer');
    const serviceOver = (store: DynamoTaskStore) =>
      new TaskService({
        registry,
        store,
        queue: {} as QueuePort,
        routes: [],
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
    service = serviceOver(new DynamoTaskStore({ client, tableName }));
    indexed = serviceOver(
      new DynamoTaskStore({ client, tableName: indexedTable, typeIndex: true }),
    );
  }, 300_000);
  afterAll(async () => {
    client?.destroy();
    await backend?.stop();
  });

  /** The console's handler for the tasks page, and the DynamoDB requests it made. */
  async function look(query: Record<string, string>, over = service) {
    counter.counts.clear();
    const target = { service: over } as unknown as Target;
    const ctx = { target, observations: {} as Observations };
    const view = (await tasks({
      ctx,
      params: {},
      query: new URLSearchParams(query),
    })) as TaskListView;
    return { view, requests: counter.sum((_r, service) => service === 'dynamodb') };
  }

  it('finds a task by id in one request', async () => {
    const { view, requests } = await look({ id: idAt(54_321) });
    expect(view.tasks.map((t) => t.id)).toEqual([idAt(54_321)]);
    expect(requests).toBe(1);
  });

  it('finds a task by idempotency key and type in one request', async () => {
    const { view, requests } = await look({ key: KEY, type: 'noop' });
    expect(view.tasks.map((t) => t.idempotencyKey)).toEqual([KEY]);
    expect(view.via).toBe('idempotencyKey');
    expect(requests).toBe(1);
  });

  it("lists one type's FAILED tasks, newest first, in at most two requests", async () => {
    const { view, requests } = await look({ status: 'FAILED', type: 'noop', limit: '50' });
    expect(view.tasks).toHaveLength(50);
    expect(view.tasks.every((t) => t.status === 'FAILED' && t.type === 'noop')).toBe(true);
    const times = view.tasks.map((t) => t.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(view.nextCursor).toBeDefined();
    expect(requests).toBeLessThanOrEqual(2);
  });

  it('lists FAILED tasks of every type, newest first, in two requests', async () => {
    const { view, requests } = await look({ status: 'FAILED', limit: '50' });
    expect(view.tasks).toHaveLength(50);
    expect(view.tasks.every((t) => t.status === 'FAILED')).toBe(true);
    expect(new Set(view.tasks.map((t) => t.type))).toEqual(new Set(TYPES));
    const times = view.tasks.map((t) => t.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The newest failure of all is the first row: nothing newer was skipped.
    const newest = Math.floor((TASKS - 1) / FAILED_EVERY) * FAILED_EVERY;
    expect(view.tasks[0]?.id).toBe(idAt(newest));
    expect(view.nextCursor).toBeDefined();
    // One query per shard of the all-failures index, whatever the number of types.
    expect(requests).toBe(2);
  });

  it("lists one type's tasks by time from the opt-in type index in at most two requests", async () => {
    const from = new Date(now - 1_000 * 1_000).toISOString();
    const { view, requests } = await look({ type: 'http.post', from, limit: '50' }, indexed);
    expect(view.via).toBe('typeIndex');
    expect(view.tasks).toHaveLength(50);
    expect(view.tasks.every((t) => t.type === 'http.post' && t.createdAt >= now - 1_000_000)).toBe(
      true,
    );
    expect(requests).toBeLessThanOrEqual(2);
  });

  it('pages other filters through a bounded scan that says how much it read', async () => {
    const { view, requests } = await look({ status: 'CANCELLED', limit: '50' });
    expect(view.via).toBe('scan');
    expect(view.tasks).toEqual([]);
    expect(view.scanned).toBe(2_000);
    expect(view.nextCursor).toBeDefined();
    expect(requests).toBe(10);
  });
});

/** `count` small task items in BatchWriteItem calls of 25, some of them FAILED. */
async function seed(
  dynamodb: DynamoDBClient,
  tableName: string,
  now: number,
  idAt: (i: number) => string,
  count: number,
) {
  const expiresAt = Math.floor(now / 1000) + 86_400;
  const item = (i: number) => {
    const type = TYPES[i % TYPES.length]!;
    const id = i === 0 ? taskIdForIdempotencyKey('noop', KEY) : idAt(i);
    const createdAt = now - (count - i) * 1_000;
    const task = { id, type, priority: 'default', maxAttempts: 5, enqueuedAt: createdAt };
    const it = newTaskItem(
      i === 0 ? { ...task, type: 'noop', idempotencyKey: KEY } : task,
      createdAt,
      expiresAt,
    );
    if (i % FAILED_EVERY === 0) {
      it.status = str('FAILED');
      // Failure times of both parities, so both shards hold failures.
      const failedAt = createdAt + 500 + (i % 2);
      it.failedType = str(type);
      it.failedAt = num(failedAt);
      it.failedShard = str(failureShard(failedAt));
    } else it.status = str('SUCCEEDED');
    return it;
  };
  const limit = pLimit(8);
  const batches: Promise<void>[] = [];
  for (let start = 0; start < count; start += 25) {
    batches.push(
      limit(async () => {
        let requests = Array.from({ length: Math.min(25, count - start) }, (_, k) => ({
          PutRequest: { Item: item(start + k) },
        }));
        while (requests.length) {
          const out = await dynamodb.send(
            new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }),
    );
  }
  await Promise.all(batches);
}

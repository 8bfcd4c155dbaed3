import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { tasks } from '../../console/server/handlers/tasks.js';
import type { TaskListView } from '../../console/shared/api.js';
import {
  DynamoDedupWindowStore,
  dedupWindowItemId,
} from '../../functions/adapters/dynamodb/DynamoDedupWindowStore.js';
import { TaskStoreError } from '../../functions/adapters/dynamodb/TaskStoreError.js';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import { TaskClient } from '../../functions/client/index.js';
import { taskIdForIdempotencyKey } from '../../functions/core/ids.js';
import { createRegistry } from '../../functions/core/registry.js';
import { IdempotencyConflictError } from '../../functions/core/service/errors.js';
import { TaskService } from '../../functions/core/service/TaskService.js';
import { defineTask } from '../../functions/core/task.js';
import type { Backend } from '../helpers/backends.js';
import { createPipeline, depth, type Pipeline, silentLogger } from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { uniqueName } from '../helpers/resources.js';

// Epoch ms of a year to come, so that rows made at these times have not expired.
const T0 = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);
const WINDOW_SECONDS = 60;
const report = defineTask({
  type: 'report.daily',
  schema: z.object({ day: z.string() }),
  dedupWindowSeconds: WINDOW_SECONDS,
  handler: () => null,
});
const plain = defineTask({ type: 'plain', schema: z.object({}), handler: () => null });
const registry = createRegistry([report, plain]);

/** Counts the DynamoDB requests the backend's client sends from now on. */
function countRequests(backend: Backend) {
  const counter = { requests: [] as string[] };
  backend.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      counter.requests.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: `count-${uniqueName('mw')}` },
  );
  return counter;
}

describeOnEachBackend('dedup windows', (current) => {
  let backend: Backend;
  let p: Pipeline;
  const clock = { at: T0, now: () => clock.at };

  beforeAll(() => {
    backend = current();
  });
  beforeEach(async () => {
    p = await createPipeline(backend);
    clock.at = T0;
  });

  const service = () =>
    new TaskService({
      registry,
      store: p.store,
      queue: new SqsQueue(backend.sqs),
      routes: [p.standard.route],
      logger: silentLogger,
      clock,
      dedupWindows: new DynamoDedupWindowStore(backend.dynamodb, p.tableName),
    });

  describe('window records', () => {
    it('open only from the window read, and read back its start', async () => {
      const store = new DynamoDedupWindowStore(backend.dynamodb, p.tableName);
      const key = uniqueName('idem');
      expect(await store.read(key)).toBeUndefined();
      expect(await store.open(key, T0, undefined, 99)).toBe(true);
      expect(await store.open(key, T0 + 1, undefined, 99)).toBe(false);
      expect(await store.read(key)).toBe(T0);
      expect(await store.open(key, T0 + 2, T0 + 1, 99)).toBe(false);
      expect(await store.open(key, T0 + 3, T0, 100)).toBe(true);
      expect(await store.read(key)).toBe(T0 + 3);
      const raw = await backend.dynamodb.send(
        new GetItemCommand({ TableName: p.tableName, Key: { id: { S: dedupWindowItemId(key) } } }),
      );
      expect(dedupWindowItemId(key)).toBe(`dedup#${key}`);
      expect(raw.Item).toEqual({
        id: { S: `dedup#${key}` },
        windowStart: { N: String(T0 + 3) },
        expiresAt: { N: '100' },
      });
    });

    it('name the key and the cause when the table is missing', async () => {
      const store = new DynamoDedupWindowStore(backend.dynamodb, uniqueName('absent'));
      for (const call of [() => store.read('k'), () => store.open('k', T0, undefined, 1)]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TaskStoreError);
        expect(error).toMatchObject({
          operation: 'dedupWindow',
          taskId: 'dedup#k',
          causeName: 'ResourceNotFoundException',
        });
      }
    });
  });

  it('answers a key inside its window with its task, and makes a new one after', async () => {
    const sent: string[] = [];
    const s = new TaskService({
      registry,
      store: p.store,
      queue: {
        send: async (_url: string, body: string) => {
          sent.push(JSON.parse(body).id);
          return { messageId: 'm' };
        },
      } as never,
      routes: [p.standard.route],
      logger: silentLogger,
      clock,
      dedupWindows: new DynamoDedupWindowStore(backend.dynamodb, p.tableName),
      retentionDays: 2,
    });
    const request = { type: 'report.daily', payload: { day: 'mon' }, idempotencyKey: 'k1' };
    const first = await s.enqueue(request);
    // The window's record outlives its task's row, whose retention the service was given.
    const windowItem = await backend.dynamodb.send(
      new GetItemCommand({
        TableName: p.tableName,
        Key: { id: { S: dedupWindowItemId(taskIdForIdempotencyKey('report.daily', 'k1')) } },
      }),
    );
    expect(windowItem.Item?.expiresAt).toEqual({
      N: String((T0 + WINDOW_SECONDS * 1_000) / 1_000 + 2 * 86_400),
    });
    expect(first).toMatchObject({ deduplicated: false, status: 'QUEUED' });
    expect(first.taskId).toMatch(/^idem-[\w-]{32}-[0-9a-z]+$/);

    clock.at = T0 + WINDOW_SECONDS * 1_000 - 1;
    const again = await s.enqueue(request);
    expect(again).toMatchObject({ taskId: first.taskId, deduplicated: true, status: 'QUEUED' });
    await expect(s.enqueue({ ...request, payload: { day: 'tue' } })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );

    clock.at = T0 + WINDOW_SECONDS * 1_000;
    const next = await s.enqueue({ ...request, payload: { day: 'tue' } });
    expect(next).toMatchObject({ deduplicated: false, status: 'QUEUED' });
    expect(next.taskId).not.toBe(first.taskId);
    expect(sent).toEqual([first.taskId, next.taskId]);

    expect((await s.getByIdempotencyKey('report.daily', 'k1')).id).toBe(next.taskId);
    // The console's look-up by key finds the latest too.
    const view = (await tasks({
      ctx: { target: { service: s } } as never,
      params: {},
      query: new URLSearchParams({ type: 'report.daily', key: 'k1' }),
    })) as TaskListView;
    expect(view).toMatchObject({ via: 'idempotencyKey', tasks: [{ id: next.taskId }] });
    expect(await p.store.get(first.taskId)).toMatchObject({ status: 'QUEUED' });
  });

  it('gives a batch’s entries of one key inside a window one task', async () => {
    const s = service();
    const entry = { type: 'report.daily', payload: { day: 'mon' }, idempotencyKey: 'b1' };
    const results = await s.enqueueBatch([entry, entry]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const ids = results.map((r) => (r.ok ? r.taskId : ''));
    expect(ids[1]).toBe(ids[0]);
    clock.at = T0 + WINDOW_SECONDS * 1_000 + 1;
    const [later] = await s.enqueueBatch([entry]);
    expect(later).toMatchObject({ ok: true, deduplicated: false });
    expect(later?.ok && later.taskId).not.toBe(ids[0]);
    expect((await depth(backend.sqs, p.standard.url)).visible).toBe(2);
  });

  it('costs a key of a type without a window no request beyond the row, under its old id', async () => {
    const s = service();
    const counter = countRequests(backend);
    const { taskId } = await s.enqueue({ type: 'plain', payload: {}, idempotencyKey: 'k' });
    expect(taskId).toBe(taskIdForIdempotencyKey('plain', 'k'));
    expect(counter.requests).toEqual(['PutItemCommand']);
    expect((await s.getByIdempotencyKey('plain', 'k')).id).toBe(taskId);
    expect(counter.requests).toEqual(['PutItemCommand', 'GetItemCommand']);
  });

  it('names a TaskClient’s keyed task by its window, kept in the table', async () => {
    const client = new TaskClient({
      registry,
      sqs: backend.sqs,
      queues: [p.standard.route],
      dynamodb: backend.dynamodb,
      tableName: p.tableName,
      clock,
    });
    const first = await client.enqueue('report.daily', { day: 'mon' }, { idempotencyKey: 'c1' });
    clock.at = T0 + 1_000;
    const again = await client.enqueue('report.daily', { day: 'mon' }, { idempotencyKey: 'c1' });
    expect(again.taskId).toBe(first.taskId);
    clock.at = T0 + WINDOW_SECONDS * 1_000;
    const next = await client.enqueue('report.daily', { day: 'mon' }, { idempotencyKey: 'c1' });
    expect(next.taskId).not.toBe(first.taskId);
    const without = new TaskClient({ registry, sqs: backend.sqs, queues: [p.standard.route] });
    await expect(
      without.enqueue('report.daily', { day: 'mon' }, { idempotencyKey: 'c1' }),
    ).rejects.toThrow('has dedupWindowSeconds, but this producer has no table');
  });
});

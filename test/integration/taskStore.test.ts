import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/RequestCounter.js';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { failureShard } from '../../functions/adapters/dynamodb/failureKeys.js';
import { TaskStoreError } from '../../functions/adapters/dynamodb/TaskStoreError.js';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import type { ClaimRequest, Clock, NewTask } from '../../functions/core/ports.js';
import type { TaskErrorInfo } from '../../functions/core/status.js';
import { createClients } from '../helpers/backend.js';
import {
  type Backend,
  backendFactories,
  createTaskTable,
  uniqueName,
} from '../helpers/backends.js';
import { createTableWithoutAllFailures } from '../helpers/legacyTaskTable.js';

/** A clock the test moves by hand, so lease expiry needs no waiting. */
class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const LEASE_MS = 60_000;
const DAY_SECONDS = 86_400;
const transientError: TaskErrorInfo = { code: 'retryable', message: 'upstream 503' };

function newTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    id: uniqueName('task'),
    type: 'mail.send',
    priority: 'default',
    maxAttempts: 3,
    enqueuedAt: Date.now() - 250,
    ...overrides,
  };
}

function claimOf(task: NewTask, clock: Clock, overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return { ...task, leaseUntil: clock.now() + LEASE_MS, ...overrides };
}

const expiresAfter = (clock: Clock, days: number) =>
  Math.floor(clock.now() / 1000) + days * DAY_SECONDS;

describe.each(backendFactories)('DynamoTaskStore on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping the task-store suite on ${name}: ${skipReason}`);
  const test = it.skipIf(skipReason !== undefined);
  let backend: Backend;
  let tableName: string;

  beforeAll(async () => {
    if (skipReason) return;
    backend = await start();
    tableName = uniqueName('tasks');
    await createTaskTable(backend, tableName);
  });
  afterAll(async () => backend?.stop());

  function storeWith(options: { retentionDays?: number; maxResultBytes?: number } = {}) {
    const clock = new ManualClock(Date.now());
    const store = new DynamoTaskStore({ client: backend.dynamodb, tableName, clock, ...options });
    return { store, clock };
  }

  /** A task claimed once: attempt 1, RUNNING. */
  async function running(overrides: Partial<NewTask> = {}) {
    const { store, clock } = storeWith();
    const task = newTask(overrides);
    const claim = await store.claim(claimOf(task, clock));
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
    return { store, clock, task, claimed: claim.record };
  }

  test('create stores a QUEUED task once; a duplicate gets the existing one', async () => {
    const { store, clock } = storeWith();
    const task = newTask({ idempotencyKey: 'order-42' });

    const first = await store.create(task);
    clock.advance(5_000);
    const duplicate = await store.create({ ...task, type: 'other.type', priority: 'high' });

    expect(first).toEqual({
      created: true,
      record: {
        id: task.id,
        type: 'mail.send',
        status: 'QUEUED',
        priority: 'default',
        attempts: 0,
        maxAttempts: 3,
        createdAt: clock.now() - 5_000,
        enqueuedAt: task.enqueuedAt,
        idempotencyKey: 'order-42',
        expiresAt: Math.floor((clock.now() - 5_000) / 1000) + 30 * DAY_SECONDS,
      },
    });
    expect(duplicate).toEqual({ created: false, record: first.record, samePayload: false });
    expect(await store.get(task.id)).toEqual(first.record);
  });

  test('create says whether a duplicate carries the stored payload, inline or in its own item', async () => {
    const { store } = storeWith();
    const large = 'x'.repeat(2_000);
    const small = newTask({ payloadJson: '{"a":1,"b":[2]}' });
    const big = newTask({ payloadJson: JSON.stringify({ text: large }) });
    await store.create(small);
    await store.create(big);

    const outcomes = await Promise.all([
      store.create({ ...small, payloadJson: '{"b":[2],"a":1}' }),
      store.create({ ...small, payloadJson: '{"a":2,"b":[2]}' }),
      store.create({ ...big, payloadJson: JSON.stringify({ text: large }) }),
      store.create({ ...big, payloadJson: JSON.stringify({ text: `${large}y` }) }),
    ]);

    expect(outcomes.map((o) => [o.created, o.samePayload])).toEqual([
      [false, true],
      [false, false],
      [false, true],
      [false, false],
    ]);
  });

  test('claim of an absent task creates it from the delivery', async () => {
    const { store, clock } = storeWith();
    const task = newTask({ idempotencyKey: 'idem-1' });

    const result = await store.claim(claimOf(task, clock));

    expect(result).toEqual({
      kind: 'claimed',
      record: {
        id: task.id,
        type: 'mail.send',
        status: 'RUNNING',
        priority: 'default',
        attempts: 1,
        maxAttempts: 3,
        createdAt: clock.now(),
        enqueuedAt: task.enqueuedAt,
        startedAt: clock.now(),
        leaseUntil: clock.now() + LEASE_MS,
        queueWaitMs: clock.now() - task.enqueuedAt,
        idempotencyKey: 'idem-1',
        expiresAt: expiresAfter(clock, 30),
      },
    });
    expect(await store.get(task.id)).toEqual(result.record);
  });

  test('claim of a QUEUED task keeps the fields the API stored', async () => {
    const { store, clock } = storeWith();
    const task = newTask({ priority: 'high', maxAttempts: 7, idempotencyKey: 'api-key' });
    const { record: created } = await store.create(task);
    clock.advance(2_000);

    const result = await store.claim(
      claimOf(task, clock, { priority: 'low', maxAttempts: 2, idempotencyKey: 'other' }),
    );

    expect(result.kind).toBe('claimed');
    expect(result.record).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      priority: 'high',
      maxAttempts: 7,
      idempotencyKey: 'api-key',
      createdAt: created.createdAt,
      startedAt: clock.now(),
      queueWaitMs: clock.now() - task.enqueuedAt,
    });
  });

  test('a second claim while the lease is live is told the remaining time', async () => {
    const { store, clock, task, claimed } = await running();
    clock.advance(15_000);

    const second = await store.claim(claimOf(task, clock));
    clock.advance(LEASE_MS - 15_000); // exactly at leaseUntil the lease still holds
    const atBoundary = await store.claim(claimOf(task, clock));

    expect(second).toEqual({ kind: 'leased', record: claimed, leaseRemainingMs: 45_000 });
    expect(atBoundary).toMatchObject({ kind: 'leased', leaseRemainingMs: 0 });
    expect((await store.get(task.id))?.attempts).toBe(1);
  });

  // moto_server serves requests on threads without locking the item between a condition
  // check and its write, so concurrent conditional writes can all pass there. DynamoDB and
  // dynalite apply them atomically; this race is only meaningful on those.
  it.skipIf(skipReason !== undefined || name === 'moto')(
    'concurrent claims of one delivery: exactly one wins',
    async () => {
      const { store, clock } = storeWith();
      const task = newTask();

      const results = await Promise.all([1, 2, 3].map(() => store.claim(claimOf(task, clock))));

      expect(results.map((r) => r.kind).sort()).toEqual(['claimed', 'leased', 'leased']);
      expect((await store.get(task.id))?.attempts).toBe(1);
    },
  );

  test('a claim after the lease expired starts attempt 2 and keeps the first queue wait', async () => {
    const { store, clock, task, claimed } = await running();
    clock.advance(LEASE_MS + 1);

    const second = await store.claim(claimOf(task, clock));

    expect(second.kind).toBe('claimed');
    expect(second.record).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
      startedAt: clock.now(),
      leaseUntil: clock.now() + LEASE_MS,
      queueWaitMs: claimed.queueWaitMs,
      createdAt: claimed.createdAt,
    });
  });

  test('finish SUCCEEDED stores the result, the end time and the duration', async () => {
    const { store, clock, task } = await running();
    clock.advance(1_234);

    const result = await store.finish(task.id, 1, {
      status: 'SUCCEEDED',
      result: { sent: 1 },
    });

    expect(result.ok).toBe(true);
    const record = await store.get(task.id);
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      result: { sent: 1 },
      finishedAt: clock.now(),
      durationMs: 1_234,
    });
    expect(record?.leaseUntil).toBeUndefined();
    expect(result.ok && result.record).toEqual(record);
  });

  test('results of any JSON shape round-trip exactly', async () => {
    const values: unknown[] = [
      'text',
      '',
      null,
      0,
      false,
      [1, '', { a: null }, []],
      { nested: { empty: '', list: [], map: {}, n: -1.5 }, unicode: 'grüße 😀', quote: '"\\' },
    ];
    for (const value of values) {
      const { store, task } = await running();
      await store.finish(task.id, 1, { status: 'SUCCEEDED', result: value });
      expect((await store.get(task.id))?.result).toEqual(value);
    }
    const { store, task } = await running();
    await store.finish(task.id, 1, { status: 'SUCCEEDED', result: undefined });
    expect(await store.get(task.id)).not.toHaveProperty('result');
  });

  test('a stale attempt cannot finish or retry (fencing)', async () => {
    const { store, clock, task } = await running();
    clock.advance(LEASE_MS + 1);
    await store.claim(claimOf(task, clock));

    const staleFinish = await store.finish(task.id, 1, { status: 'SUCCEEDED', result: 'stale' });
    const staleRetry = await store.markRetrying(task.id, 1, transientError, clock.now());

    expect(staleFinish).toEqual({ ok: false, current: expect.objectContaining({ attempts: 2 }) });
    expect(staleRetry.ok).toBe(false);
    const current = await store.get(task.id);
    expect(current).toMatchObject({ status: 'RUNNING', attempts: 2 });
    expect(current).not.toHaveProperty('result');
    expect((await store.finish(task.id, 2, { status: 'SUCCEEDED', result: 'fresh' })).ok).toBe(
      true,
    );
  });

  test('finish FAILED records the error and enters the sparse failure index', async () => {
    const type = uniqueName('failing');
    const failed = await running({ type });
    const succeeded = await running({ type });
    const error: TaskErrorInfo = {
      code: 'invalid_payload',
      message: 'payload is invalid',
      details: { issues: [{ path: ['to', 0], message: '' }] },
    };

    const result = await failed.store.finish(failed.task.id, 1, { status: 'FAILED', error });
    await succeeded.store.finish(succeeded.task.id, 1, { status: 'SUCCEEDED', result: 'ok' });

    expect(result).toMatchObject({ ok: true, record: { status: 'FAILED', lastError: error } });
    const { failureIndex } = TASK_TABLE;
    const query = await backend.dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: failureIndex.name,
        KeyConditionExpression: '#type = :type',
        ExpressionAttributeNames: { '#type': failureIndex.partitionKey },
        ExpressionAttributeValues: { ':type': { S: type } },
      }),
    );
    expect(query.Items?.map((item) => item.id?.S)).toEqual([failed.task.id]);
    expect(query.Items?.[0]?.[failureIndex.sortKey]).toEqual({ N: String(failed.clock.now()) });
  });

  /** The ids the all-types failure index holds for a failure at `at`. */
  async function allFailuresAt(at: number): Promise<string[]> {
    const index = TASK_TABLE.allFailuresIndex;
    const query = await backend.dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#shard = :shard AND #at = :at',
        ExpressionAttributeNames: { '#shard': index.partitionKey, '#at': index.sortKey },
        ExpressionAttributeValues: { ':shard': { S: failureShard(at) }, ':at': { N: String(at) } },
      }),
    );
    return (query.Items ?? []).map((item) => item.id?.S ?? '');
  }

  test('a FAILED task enters the all-types failure index in its shard, and a requeue takes it out', async () => {
    const failed = await running();
    const succeeded = await running();
    // An odd and an even failure time: both shards are written.
    for (const clock of [failed.clock, succeeded.clock]) clock.advance(1 + (clock.now() % 2));
    const at = failed.clock.now();

    await failed.store.finish(failed.task.id, 1, { status: 'FAILED', error: transientError });
    await succeeded.store.finish(succeeded.task.id, 1, { status: 'SUCCEEDED', result: 1 });

    expect(await allFailuresAt(at)).toContain(failed.task.id);
    expect(await allFailuresAt(succeeded.clock.now())).not.toContain(succeeded.task.id);
    const listed = await failed.store.list({ status: 'FAILED', limit: 100 });
    expect(listed.tasks.map((t) => t.id)).toContain(failed.task.id);
    expect(listed.tasks.map((t) => t.id)).not.toContain(succeeded.task.id);

    const requeued = await failed.store.requeue(failed.task.id, 1, 1, { requirePayload: false });
    expect(requeued).toMatchObject({ ok: true });
    expect(await allFailuresAt(at)).not.toContain(failed.task.id);
  });

  test("lists every type's failures one query per type on a table made before the all-types index", async () => {
    const legacy = uniqueName('legacy');
    await createTableWithoutAllFailures(backend.dynamodb, legacy);
    const clock = new ManualClock(Date.now());
    const { dynamodb: client } = createClients(backend.sqsEndpoint, backend.dynamodbEndpoint);
    const counter = new RequestCounter();
    counter.attach(client, 'producer');
    const store = new DynamoTaskStore({ client, tableName: legacy, clock });
    const ids: string[] = [];
    for (const type of ['legacy.a', 'legacy.b']) {
      const task = newTask({ type });
      await store.claim(claimOf(task, clock));
      await store.finish(task.id, 1, { status: 'FAILED', error: transientError });
      clock.advance(10);
      ids.push(task.id);
    }
    const query = { status: 'FAILED' as const, limit: 10, types: ['legacy.a', 'legacy.b'] };

    const queries = () => counter.sum((_r, _s, op) => op === 'Query');
    const first = await store.list(query);
    const firstQueries = queries();
    const again = await store.list(query);
    client.destroy();

    expect(first.tasks.map((t) => t.id)).toEqual([...ids].reverse());
    expect(again.tasks.map((t) => t.id)).toEqual([...ids].reverse());
    // Both shards refused once, then one query per type; the refusal is remembered.
    expect(firstQueries).toBe(TASK_TABLE.allFailuresIndex.shards + 2);
    expect(queries() - firstQueries).toBe(2);
  });

  test('keeps each failed attempt with its error and backoff, the last ten of them', async () => {
    const { store, clock } = storeWith();
    const task = newTask({ maxAttempts: 100 });
    const failedAt: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      const claim = await store.claim(claimOf(task, clock));
      expect(claim.kind).toBe('claimed');
      clock.advance(100);
      failedAt.push(clock.now());
      const error = {
        code: 'retryable',
        message: `upstream ${attempt}`,
        stack: `Error\n at ${attempt}`,
      };
      if (attempt < 12) {
        await store.markRetrying(task.id, attempt, error, clock.now() + attempt * 1_000);
        clock.advance(attempt * 1_000);
      } else await store.finish(task.id, attempt, { status: 'FAILED', error });
    }

    const record = await store.get(task.id);

    expect(record?.failures?.map((f) => f.attempt)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(record?.failures?.[0]).toEqual({
      attempt: 3,
      at: failedAt[2],
      retryAt: (failedAt[2] ?? 0) + 3_000,
      error: { code: 'retryable', message: 'upstream 3', stack: 'Error\n at 3' },
    });
    expect(record?.failures?.at(-1)).toEqual({
      attempt: 12,
      at: failedAt[11],
      error: { code: 'retryable', message: 'upstream 12', stack: 'Error\n at 12' },
    });
    // An operator's retry keeps the history.
    await store.requeue(task.id, 12, 1, { requirePayload: false });
    expect((await store.get(task.id))?.failures).toEqual(record?.failures);
  });

  test('a settled attempt (no claim) keeps its failure too', async () => {
    const { store, clock } = storeWith();
    const task = newTask();
    const error = { code: 'retryable', message: 'once' };
    await store.settle({
      ...task,
      attempt: 1,
      startedAt: clock.now() - 10,
      outcome: { status: 'RETRYING', error, nextAttemptAt: clock.now() + 2_000 },
    });
    clock.advance(2_000);
    await store.settle({
      ...task,
      attempt: 2,
      startedAt: clock.now() - 10,
      outcome: { status: 'FAILED', error },
    });
    const record = await store.get(task.id);
    expect(record?.failures?.map((f) => [f.attempt, f.retryAt !== undefined])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  test('markRetrying records the error; the next claim starts attempt 2', async () => {
    const { store, clock, task } = await running();
    const nextAttemptAt = clock.now() + 30_000;

    const retrying = await store.markRetrying(task.id, 1, transientError, nextAttemptAt);
    clock.advance(30_000);
    const again = await store.claim(claimOf(task, clock));

    expect(retrying).toMatchObject({
      ok: true,
      record: { status: 'RETRYING', attempts: 1, lastError: transientError, nextAttemptAt },
    });
    expect(retrying.ok && retrying.record).not.toHaveProperty('leaseUntil');
    expect(again).toMatchObject({ kind: 'claimed', record: { status: 'RUNNING', attempts: 2 } });
    expect(again.record).not.toHaveProperty('nextAttemptAt');
  });

  test('cancel moves QUEUED and RETRYING tasks to CANCELLED', async () => {
    const { store, clock } = storeWith();
    const queued = newTask();
    await store.create(queued);
    const retrying = await running();
    await retrying.store.markRetrying(retrying.task.id, 1, transientError, clock.now());

    const fromQueued = await store.cancel(queued.id);
    const fromRetrying = await store.cancel(retrying.task.id);

    expect(fromQueued).toMatchObject({
      ok: true,
      record: { status: 'CANCELLED', finishedAt: clock.now() },
    });
    expect(fromRetrying).toMatchObject({ ok: true, record: { status: 'CANCELLED' } });
    expect(await store.claim(claimOf(queued, clock))).toMatchObject({ kind: 'finished' });
  });

  test('cancel refuses a RUNNING or finished task and reports its state', async () => {
    const { store, task } = await running();
    const fromRunning = await store.cancel(task.id);
    await store.finish(task.id, 1, { status: 'SUCCEEDED', result: 1 });
    const fromSucceeded = await store.cancel(task.id);

    expect(fromRunning).toEqual({
      ok: false,
      current: expect.objectContaining({ status: 'RUNNING' }),
    });
    expect(fromSucceeded).toEqual({
      ok: false,
      current: expect.objectContaining({ status: 'SUCCEEDED', result: 1 }),
    });
    expect(await store.cancel(uniqueName('unknown'))).toEqual({ ok: false, current: undefined });
  });

  test('a delivery of a finished task is a duplicate', async () => {
    const ended = await Promise.all([running(), running()]);
    const [succeeded, failed] = ended as [(typeof ended)[0], (typeof ended)[0]];
    await succeeded.store.finish(succeeded.task.id, 1, { status: 'SUCCEEDED', result: null });
    await failed.store.finish(failed.task.id, 1, { status: 'FAILED', error: transientError });

    for (const { store, clock, task } of [succeeded, failed]) {
      clock.advance(LEASE_MS * 2);
      const duplicate = await store.claim(claimOf(task, clock));
      expect(duplicate.kind).toBe('finished');
      expect((await store.get(task.id))?.attempts).toBe(1);
    }
  });

  test('finish of an unknown task is refused without a current state', async () => {
    const { store } = storeWith();
    const id = uniqueName('unknown');
    expect(await store.finish(id, 1, { status: 'SUCCEEDED', result: 1 })).toEqual({
      ok: false,
      current: undefined,
    });
    expect(await store.get(id)).toBeUndefined();
  });

  test('a result larger than maxResultBytes is replaced by a truncation marker', async () => {
    const { clock } = storeWith();
    const store = new DynamoTaskStore({
      client: backend.dynamodb,
      tableName,
      clock,
      maxResultBytes: 64,
    });
    const big = { text: 'é'.repeat(40) }; // 80 bytes of UTF-8 text: bytes, not characters
    const fits = 'x'.repeat(62); // 64 bytes once quoted
    const [a, b] = [newTask(), newTask()];
    await store.claim(claimOf(a, clock));
    await store.claim(claimOf(b, clock));

    await store.finish(a.id, 1, { status: 'SUCCEEDED', result: big });
    await store.finish(b.id, 1, { status: 'SUCCEEDED', result: fits });

    const truncated = await store.get(a.id);
    expect(truncated?.resultTruncated).toEqual({
      bytes: Buffer.byteLength(JSON.stringify(big)),
      limitBytes: 64,
    });
    expect(truncated).not.toHaveProperty('result');
    expect(await store.get(b.id)).toMatchObject({ result: fits });
  });

  test('every write sets expiresAt; an expired item is hidden and its id reusable', async () => {
    const { store, clock } = storeWith({ retentionDays: 1 });
    const task = newTask();
    const expiries: number[] = [];
    const step = async (write: () => Promise<{ expiresAt: number } | undefined>) => {
      clock.advance(10_000);
      expect((await write())?.expiresAt).toBe(expiresAfter(clock, 1));
      expiries.push(expiresAfter(clock, 1));
    };

    await step(async () => (await store.create(task)).record);
    await step(async () => (await store.claim(claimOf(task, clock))).record);
    await step(async () => {
      const r = await store.markRetrying(task.id, 1, transientError, clock.now());
      return r.ok ? r.record : undefined;
    });
    await step(async () => (await store.claim(claimOf(task, clock))).record);
    await step(async () => {
      const r = await store.finish(task.id, 2, { status: 'SUCCEEDED', result: 'done' });
      return r.ok ? r.record : undefined;
    });
    const cancelled = newTask();
    await store.create(cancelled);
    await step(async () => {
      const r = await store.cancel(cancelled.id);
      return r.ok ? r.record : undefined;
    });

    expect(new Set(expiries).size).toBe(expiries.length);
    clock.advance(DAY_SECONDS * 1000 - 10_000);
    expect(await store.get(task.id)).toBeUndefined();
    expect(await store.get(cancelled.id)).toBeDefined();
    clock.advance(10_000);
    expect(await store.get(cancelled.id)).toBeUndefined();
    // An expired item that TTL has not deleted yet does not block reusing its id.
    expect(await store.create({ ...task, type: 'reused' })).toMatchObject({
      created: true,
      record: { type: 'reused', status: 'QUEUED', attempts: 0 },
    });
    // Nor does it make a delivery of a new task with that id look like a duplicate.
    clock.advance(DAY_SECONDS * 1000 + 10_000);
    expect(await store.claim(claimOf({ ...cancelled, type: 'again' }, clock))).toMatchObject({
      kind: 'claimed',
      record: { type: 'again', status: 'RUNNING', attempts: 1 },
    });
  });

  test('a DynamoDB error other than a failed condition surfaces as TaskStoreError', async () => {
    const store = new DynamoTaskStore({
      client: backend.dynamodb,
      tableName: uniqueName('absent'),
    });
    const task = newTask();
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['create', () => store.create(task)],
      ['claim', () => store.claim(claimOf(task, { now: Date.now }))],
      ['finish', () => store.finish(task.id, 1, { status: 'SUCCEEDED', result: 1 })],
      ['markRetrying', () => store.markRetrying(task.id, 1, transientError, 0)],
      ['cancel', () => store.cancel(task.id)],
      ['get', () => store.get(task.id)],
    ];

    for (const [operation, call] of attempts) {
      const error = await call().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({
        code: 'store',
        operation,
        taskId: task.id,
        retryable: false,
        causeName: 'ResourceNotFoundException',
      });
      expect((error as Error).message).toContain(`${operation} failed for task "${task.id}"`);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });
});

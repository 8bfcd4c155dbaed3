import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { INLINE_PAYLOAD_BYTES, payloadKey } from '../../functions/adapters/dynamodb/payloadItem.js';
import type { NewTask } from '../../functions/core/ports.js';
import { createTaskTable } from '../../local/resources.js';
import { backendFactories, TEST_CREDENTIALS, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 500);
const failed = { status: 'FAILED', error: { code: 'permanent', message: 'no' } } as const;

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    set: (at: number) => {
      now = at;
    },
  };
}

// The store's edges: boundaries of retention, repeated ids, payload look-ups and the
// operation each failure names.
describe.each(backendFactories)('task store edges on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'task-store-edges');
  let store: DynamoTaskStore;
  beforeAll(() => {
    if (!factory.skipReason) store = table.store();
  });
  const newTask = (payload?: unknown, over: Partial<NewTask> = {}): NewTask => ({
    id: uniqueName('task'),
    type: 'mail.send',
    priority: 'default',
    maxAttempts: 3,
    enqueuedAt: Date.now(),
    ...(payload === undefined ? {} : { payloadJson: JSON.stringify(payload) }),
    ...over,
  });
  const large = (tag: string) => ({ tag, text: 'x'.repeat(4 * INLINE_PAYLOAD_BYTES) });
  const removeItem = (key: string) =>
    table.backend.dynamodb.send(
      new DeleteItemCommand({ TableName: table.tableName, Key: { id: { S: key } } }),
    );

  test('a task due later keeps its row for its retention after it is due, one due earlier from now', async () => {
    const clock = manualClock();
    const timed = table.store({ clock, retentionDays: 1 });
    const later = newTask({}, { availableAt: T0 + 5 * DAY_MS });
    const earlier = newTask({}, { availableAt: T0 - 5 * DAY_MS });

    const a = await timed.create(later);
    const b = await timed.create(earlier);

    expect(a.record.expiresAt).toBe(Math.floor((T0 + 5 * DAY_MS) / 1000) + 86_400);
    expect(b.record.expiresAt).toBe(Math.floor(T0 / 1000) + 86_400);
    expect((await table.item(later.id))?.expiresAt).toEqual({ N: String(a.record.expiresAt) });
  });

  test('a repeated id compares payloads as values, inline or in their own item', async () => {
    const inline = newTask({ to: 'a@example.com', n: 1 });
    await store.create(inline);
    const reordered = { ...inline, payloadJson: '{"n":1,"to":"a@example.com"}' };
    const changed = { ...inline, payloadJson: '{"n":2,"to":"a@example.com"}' };
    const otherType = { ...inline, type: 'mail.other' };
    const bare = { ...inline, payloadJson: undefined };

    expect(await store.create(reordered)).toMatchObject({ created: false, samePayload: true });
    expect(await store.create(changed)).toMatchObject({ created: false, samePayload: false });
    expect(await store.create(otherType)).toMatchObject({ created: false, samePayload: false });
    expect(await store.create(bare)).toMatchObject({ created: false, samePayload: true });

    const big = newTask(large('first'));
    await store.create(big);
    expect(await store.create(big)).toMatchObject({ created: false, samePayload: true });
    const bigChanged = { ...big, payloadJson: JSON.stringify(large('second')) };
    expect(await store.create(bigChanged)).toMatchObject({ created: false, samePayload: false });
    // The payload's own item expired before the row: nothing left to compare, no conflict.
    await removeItem(payloadKey(big.id));
    const small = { ...big, payloadJson: '{"tag":"small"}' };
    expect(await store.create(small)).toMatchObject({ created: false, samePayload: true });
  });

  test('a duplicate delivery of a retry that is not due waits for the rest of its backoff', async () => {
    const clock = manualClock(Date.now());
    const timed = table.store({ clock });
    const task = newTask({});
    await timed.create(task);
    await timed.claim({ ...task, leaseUntil: clock.now() + 1_000 });
    await timed.markRetrying(
      task.id,
      1,
      { code: 'transient', message: 'later' },
      clock.now() + 5_000,
    );
    clock.set(clock.now() + 1_500);

    const again = await timed.claim({ ...task, leaseUntil: clock.now() + 60_000 });

    expect(again).toMatchObject({ kind: 'leased', leaseRemainingMs: 3_500 });
  });

  test('a row is hidden from the instant it expires, and that id can be claimed anew', async () => {
    const clock = manualClock(Date.now());
    const timed = table.store({ clock, retentionDays: 1 });
    const task = newTask({});
    const created = await timed.create(task);
    await timed.claim({ ...task, leaseUntil: clock.now() + 60_000 });
    await timed.finish(task.id, 1, { status: 'SUCCEEDED', result: 1 });
    const finishedExpiry = (await timed.get(task.id))!.expiresAt;
    expect(finishedExpiry).toBeGreaterThanOrEqual(created.record.expiresAt);

    clock.set(finishedExpiry * 1000 - 1);
    expect((await timed.get(task.id))?.status).toBe('SUCCEEDED');
    expect((await timed.getWithPayload(task.id))?.record.status).toBe('SUCCEEDED');
    clock.set(finishedExpiry * 1000);
    expect(await timed.get(task.id)).toBeUndefined();
    expect(await timed.getWithPayload(task.id)).toBeUndefined();

    const reused = await timed.claim({ ...task, leaseUntil: clock.now() + 60_000 });
    expect(reused).toMatchObject({ kind: 'claimed', record: { status: 'RUNNING', attempts: 1 } });
  });

  test('getWithPayload answers the row with its payload from wherever it is kept', async () => {
    const inline = newTask({ to: 'b@example.com' });
    const big = newTask(large('own'));
    const none = newTask();
    for (const t of [inline, big, none]) await store.create(t);

    expect(await store.getWithPayload(uniqueName('absent'))).toBeUndefined();
    const a = await store.getWithPayload(inline.id);
    expect(a).toMatchObject({ record: { id: inline.id, status: 'QUEUED' } });
    expect(JSON.parse(a!.payloadJson!)).toEqual({ to: 'b@example.com' });
    const b = await store.getWithPayload(big.id);
    expect(JSON.parse(b!.payloadJson!)).toEqual(large('own'));
    const c = await store.getWithPayload(none.id);
    expect(c).toEqual({ record: expect.objectContaining({ id: none.id }) });
    expect(c).not.toHaveProperty('payloadJson');
  });

  test('a retry whose payload item is gone is undone and says so, unless no payload is needed', async () => {
    const task = newTask(large('gone'));
    await store.create(task);
    await store.claim({ ...task, leaseUntil: Date.now() + 60_000 });
    await store.finish(task.id, 1, failed);
    await removeItem(payloadKey(task.id));

    const refused = await store.requeue(task.id, 1, 3);
    expect(refused).toEqual({
      ok: false,
      current: expect.objectContaining({ id: task.id, status: 'FAILED' }),
      payloadMissing: true,
    });
    expect((await store.get(task.id))?.status).toBe('FAILED');

    const anyway = await store.requeue(task.id, 1, 3, { requirePayload: false });
    expect(anyway).toMatchObject({ ok: true, record: { status: 'QUEUED' } });
    expect(anyway).toHaveProperty('payload', undefined);
  });

  test('a retry refused for its status or attempt is not called a missing payload', async () => {
    const task = newTask({ a: 1 });
    await store.create(task);
    await store.claim({ ...task, leaseUntil: Date.now() + 60_000 });
    await store.finish(task.id, 1, { status: 'SUCCEEDED', result: null });

    const done = await store.requeue(task.id, 1, 3);
    expect(done).toEqual({ ok: false, current: expect.objectContaining({ status: 'SUCCEEDED' }) });

    const other = newTask({ a: 2 });
    await store.create(other);
    await store.claim({ ...other, leaseUntil: Date.now() + 60_000 });
    await store.finish(other.id, 1, failed);
    const stale = await store.requeue(other.id, 2, 3);
    expect(stale).toEqual({ ok: false, current: expect.objectContaining({ status: 'FAILED' }) });
    const absent = await store.requeue(uniqueName('absent'), 1, 3);
    expect(absent).toEqual({ ok: false });
  });

  test('the rollback of a claimed task removes neither its row nor its payload', async () => {
    const task = newTask(large('claimed'));
    await store.create(task);
    await store.claim({ ...task, leaseUntil: Date.now() + 60_000 });

    expect(await store.deleteUnclaimed(task.id)).toBe(false);
    expect(await table.item(task.id)).toBeDefined();
    expect(await table.item(payloadKey(task.id))).toBeDefined();
  });

  test('a store given the type index lists a type through it', async () => {
    const indexed = uniqueName('indexed');
    await createTaskTable(table.backend.dynamodb, indexed, { typeIndex: true });
    const withIndex = new DynamoTaskStore({
      client: table.backend.dynamodb,
      tableName: indexed,
      typeIndex: true,
    });
    const task = newTask({}, { type: uniqueName('typed') });
    await withIndex.create(task);

    const page = await withIndex.list({ type: task.type, limit: 10 });

    expect(page.via).toBe('typeIndex');
    expect(page.tasks.map((t) => t.id)).toEqual([task.id]);
  });

  test('a store without the type index lists a type by scanning', async () => {
    const plain = table.store();
    const task = newTask({}, { type: uniqueName('only') });
    await plain.create(task);

    const page = await plain.list({ type: task.type, limit: 10 });

    expect(page.via).toBe('scan');
    expect(page.tasks.map((t) => t.id)).toEqual([task.id]);
  });

  /** A store whose `blank`-th GetItem (1-based; 0 for every one) finds nothing: the row has gone meanwhile. */
  function storeWithRowGone(blank: number) {
    const client = new DynamoDBClient({
      region: table.backend.region,
      endpoint: table.backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    let reads = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName !== 'GetItemCommand') return out;
        reads += 1;
        if (blank === 0 || reads === blank) return { ...out, output: {} } as never;
        return out;
      },
      { step: 'initialize', name: 'rowGone' },
    );
    return { client, store: new DynamoTaskStore({ client, tableName: table.tableName }) };
  }

  test('a row that vanishes before a refused create can re-read it is a retryable error', async () => {
    const task = newTask({ a: 1 });
    await store.create(task);
    const racing = storeWithRowGone(0);

    const again = racing.store.create({ ...task, payloadJson: '{"a":2}' });

    // dynalite returns no item with a failed condition, so the store re-reads it and finds
    // nothing. DynamoDB and moto return the item, and the payload read finds nothing.
    if (factory.name === 'emulators') {
      await expect(again).rejects.toMatchObject({
        code: 'store',
        operation: 'create',
        retryable: true,
        message: expect.stringContaining('gone on re-read'),
      });
    } else {
      await expect(again).resolves.toMatchObject({ created: false, samePayload: true });
    }
    racing.client.destroy();
  });

  test('a row that vanishes before its payload is compared is no conflict', async () => {
    const task = newTask({ a: 1 });
    await store.create(task);
    // dynalite's refused put is followed by a re-read, so the payload read is the second.
    const racing = storeWithRowGone(factory.name === 'emulators' ? 2 : 1);

    const again = await racing.store.create({ ...task, payloadJson: '{"a":2}' });

    expect(again).toMatchObject({ created: false, samePayload: true });
    racing.client.destroy();
  });

  /** A store whose `nth` call of `command` fails as if the table had gone. */
  function storeFailingCall(command: string, nth: number) {
    const client = new DynamoDBClient({
      region: table.backend.region,
      endpoint: table.backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    let calls = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === command && ++calls === nth) {
          throw Object.assign(new Error('Requested resource not found'), {
            name: 'ResourceNotFoundException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failCall' },
    );
    return new DynamoTaskStore({ client, tableName: table.tableName });
  }
  const storeError = (operation: string) => ({
    code: 'store',
    operation,
    causeName: 'ResourceNotFoundException',
  });

  test('a failed follow-up read or delete names the operation that made it', async () => {
    const big = newTask(large('follow-up'));
    await store.create(big);
    // The refused create's payload comparison: dynalite re-reads the row first.
    const rereads = factory.name === 'emulators' ? 1 : 0;
    await expect(
      storeFailingCall('GetItemCommand', 2 + rereads).create({ ...big, payloadJson: '{}' }),
    ).rejects.toMatchObject(storeError('create'));
    await expect(
      storeFailingCall('GetItemCommand', 1 + rereads).create({ ...big, payloadJson: '{}' }),
    ).rejects.toMatchObject(storeError('create'));
    await expect(
      storeFailingCall('GetItemCommand', 2).getWithPayload(big.id),
    ).rejects.toMatchObject(storeError('get'));

    const failedBig = newTask(large('requeue'));
    await store.create(failedBig);
    await store.claim({ ...failedBig, leaseUntil: Date.now() + 60_000 });
    await store.finish(failedBig.id, 1, failed);
    await expect(
      storeFailingCall('GetItemCommand', 1).requeue(failedBig.id, 1, 3),
    ).rejects.toMatchObject(storeError('requeue'));

    const unsent = newTask(large('unsent'));
    await store.create(unsent);
    await expect(
      storeFailingCall('DeleteItemCommand', 2).deleteUnclaimed(unsent.id),
    ).rejects.toMatchObject(storeError('deleteUnclaimed'));
  });

  test('a malformed row is reported with the operation that read it', async () => {
    const id = uniqueName('task');
    await table.backend.dynamodb.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { id: { S: id }, status: { S: 'LOST' } },
      }),
    );

    await expect(store.getWithPayload(id)).rejects.toMatchObject({
      code: 'store',
      operation: 'get',
      message: expect.stringContaining('stored item is malformed'),
    });
  });

  test('an expired row renewed by another writer meanwhile is not deleted under it', async () => {
    const clock = manualClock(Date.now());
    const task = newTask({});
    const timed = table.store({ clock, retentionDays: 1 });
    await timed.create(task);
    await timed.claim({ ...task, leaseUntil: clock.now() + 60_000 });
    await timed.finish(task.id, 1, { status: 'SUCCEEDED', result: 'kept' });
    const expiry = (await timed.get(task.id))!.expiresAt;
    // Another writer extends the row's life between the refused claim and the delete.
    const client = new DynamoDBClient({
      region: table.backend.region,
      endpoint: table.backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand') {
          await table.backend.dynamodb.send(
            new UpdateItemCommand({
              TableName: table.tableName,
              Key: { id: { S: task.id } },
              UpdateExpression: 'SET expiresAt = :later',
              ExpressionAttributeValues: { ':later': { N: String(expiry + 86_400) } },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'renewBeforeDelete' },
    );
    const racing = new DynamoTaskStore({ client, tableName: table.tableName, clock });
    clock.set(expiry * 1000);

    const claim = await racing.claim({ ...task, leaseUntil: clock.now() + 60_000 });

    expect(claim.kind).toBe('finished');
    expect((await table.item(task.id))?.status).toEqual({ S: 'SUCCEEDED' });
    client.destroy();
  });

  test('conditions hold on their every part: status lists, attempts and links', async () => {
    // A scheduled task (a long delay) can be claimed or cancelled, or rolled back unsent.
    const toCancel = newTask({}, { status: 'SCHEDULED' });
    await store.create(toCancel);
    expect(await store.cancel(toCancel.id)).toMatchObject({ ok: true });
    const scheduled = newTask({}, { status: 'SCHEDULED' });
    await store.create(scheduled);
    expect(await store.claim({ ...scheduled, leaseUntil: Date.now() + 60_000 })).toMatchObject({
      kind: 'claimed',
    });
    const unsent = newTask({}, { status: 'SCHEDULED' });
    await store.create(unsent);
    expect(await store.deleteUnclaimed(unsent.id)).toBe(true);

    const queued = newTask({});
    await store.create(queued);
    expect(await store.cancel(queued.id)).toMatchObject({
      ok: true,
      record: { status: 'CANCELLED' },
    });

    // A requeued task is QUEUED again but has been claimed before: not an unsent one.
    const requeued = newTask({ a: 1 });
    await store.create(requeued);
    await store.claim({ ...requeued, leaseUntil: Date.now() + 60_000 });
    await store.finish(requeued.id, 1, failed);
    expect(await store.markDeadLettered(requeued.id, 2)).toBeUndefined();
    expect((await table.item(requeued.id))?.deadLetteredAt).toBeUndefined();
    await store.markDeadLettered(requeued.id, 1);
    expect((await table.item(requeued.id))?.deadLetteredAt).toBeDefined();
    expect(await store.requeue(requeued.id, 1, 3)).toMatchObject({ ok: true });
    expect(await store.deleteUnclaimed(requeued.id)).toBe(false);
    expect(await store.revertRequeue(requeued.id, 2)).toBe(false);
    expect(await store.revertRequeue(requeued.id, 1)).toBe(true);

    // A task that reached the queue without a row gets its links from the claim.
    const linked = newTask(undefined, { links: { groupId: 'g-1', parentId: 'p-1' } });
    const claimed = await store.claim({ ...linked, leaseUntil: Date.now() + 60_000 });
    expect(claimed.record.links).toEqual({ groupId: 'g-1', parentId: 'p-1' });
  });

  test('a stuck task is requeued only when its lease has ended', async () => {
    const clock = manualClock(Date.now());
    const timed = table.store({ clock });
    const task = newTask({ a: 1 });
    await timed.create(task);
    await timed.claim({ ...task, leaseUntil: clock.now() + 1_000 });

    const live = await timed.requeue(task.id, 1, 1, { unended: true });
    expect(live).toMatchObject({ ok: false, current: { status: 'RUNNING' } });
    clock.set(clock.now() + 1_001);
    const ended = await timed.requeue(task.id, 1, 1, { unended: true });
    expect(ended).toMatchObject({ ok: true, record: { status: 'QUEUED', maxAttempts: 2 } });
  });

  test('each operation names itself when the table is missing', async () => {
    const missing = table.store({ tableName: uniqueName('no-such-table') } as never);
    const id = uniqueName('task');
    const cases: [string, () => Promise<unknown>][] = [
      ['create', () => missing.create(newTask({}, { id }))],
      ['claim', () => missing.claim({ ...newTask({}, { id }), leaseUntil: Date.now() })],
      ['finish', () => missing.finish(id, 1, failed)],
      ['markRetrying', () => missing.markRetrying(id, 1, { code: 'x', message: 'y' }, Date.now())],
      [
        'settle',
        () =>
          missing.settle({
            ...newTask({}, { id }),
            attempt: 1,
            startedAt: Date.now(),
            outcome: { status: 'SUCCEEDED', result: null },
          }),
      ],
      ['cancel', () => missing.cancel(id)],
      ['markDeadLettered', () => missing.markDeadLettered(id, 1)],
      ['get', () => missing.get(id)],
      ['get', () => missing.getWithPayload(id)],
      ['requeue', () => missing.requeue(id, 1, 1)],
      ['revertRequeue', () => missing.revertRequeue(id, 1)],
      ['deleteUnclaimed', () => missing.deleteUnclaimed(id)],
    ];
    for (const [operation, run] of cases) {
      await expect(run(), operation).rejects.toMatchObject({
        code: 'store',
        operation,
        taskId: id,
        causeName: 'ResourceNotFoundException',
        retryable: false,
      });
    }
  });
});

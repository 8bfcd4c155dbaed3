import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { INLINE_PAYLOAD_BYTES, payloadKey } from '../../functions/adapters/dynamodb/payloadItem.js';
import type { NewTask } from '../../functions/core/ports.js';
import { backendFactories, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

const failed = { status: 'FAILED', error: { code: 'permanent', message: 'no' } } as const;
const large = (tag: string) => ({ tag, text: 'x'.repeat(4 * INLINE_PAYLOAD_BYTES) });

// A large payload lives in an item of its own, so status writes stay at one write unit.
describe.each(backendFactories)('payload storage on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'payload-storage');
  let store: DynamoTaskStore;
  beforeAll(() => {
    if (!factory.skipReason) store = table.store();
  });
  const item = (key: string) => table.item(key);
  const newTask = (payload: unknown): NewTask => ({
    id: uniqueName('task'),
    type: 'mail.send',
    priority: 'default',
    maxAttempts: 3,
    enqueuedAt: Date.now(),
    payloadJson: JSON.stringify(payload),
  });
  async function failedTask(payload: unknown) {
    const task = newTask(payload);
    await store.create(task);
    await store.claim({ ...task, leaseUntil: Date.now() + 60_000 });
    await store.finish(task.id, 1, failed);
    return task;
  }
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  test('keeps a small payload on the row and a large one in its own item', async () => {
    const small = newTask({ to: 'a@example.com' });
    const big = newTask(large('big'));
    await store.create(small);
    await store.create(big);

    expect(await item(small.id)).toHaveProperty('payload');
    expect(await item(payloadKey(small.id))).toBeUndefined();
    const row = await item(big.id);
    expect(row).not.toHaveProperty('payload');
    expect(row?.payloadKey).toEqual({ S: payloadKey(big.id) });
    // The row stays inside one 1 KB write unit however large the payload.
    expect(bytes(row)).toBeLessThan(1_024);
    expect(JSON.parse((await item(payloadKey(big.id)))?.payload?.S ?? 'null')).toEqual(
      large('big'),
    );
  });

  test('a retry gets the payload back from its own item', async () => {
    const task = await failedTask(large('retry'));

    const requeued = await store.requeue(task.id, 1, 3);

    expect(requeued).toMatchObject({ ok: true, payload: large('retry') });
  });

  test('a resubmit of the same id keeps the first payload', async () => {
    const first = newTask(large('first'));
    await store.create(first);

    const again = await store.create({ ...first, payloadJson: JSON.stringify(large('second')) });

    expect(again.created).toBe(false);
    expect(JSON.parse((await item(payloadKey(first.id)))?.payload?.S ?? 'null')).toEqual(
      large('first'),
    );
  });

  test('the rollback of an unsent task removes both items', async () => {
    const task = newTask(large('rollback'));
    await store.create(task);

    expect(await store.deleteUnclaimed(task.id)).toBe(true);

    expect(await item(task.id)).toBeUndefined();
    expect(await item(payloadKey(task.id))).toBeUndefined();
  });

  test('listings never show a payload item', async () => {
    const task = newTask(large('listed'));
    await store.create(task);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      ids.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(ids).toContain(task.id);
    expect(ids.filter((id) => id.includes('#'))).toEqual([]);
  });

  test('a retry whose payload item is gone is refused and leaves the task FAILED', async () => {
    const task = await failedTask(large('gone'));
    await table.backend.dynamodb.send(
      new DeleteItemCommand({
        TableName: table.tableName,
        Key: { id: { S: payloadKey(task.id) } },
      }),
    );

    const requeued = await store.requeue(task.id, 1, 3);

    expect(requeued).toMatchObject({ ok: false, payloadMissing: true });
    expect(await store.get(task.id)).toMatchObject({ status: 'FAILED', attempts: 1 });
  });
});

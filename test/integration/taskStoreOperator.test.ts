import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import type { NewTask } from '../../functions/core/ports.js';
import { backendFactories, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

const failed = { status: 'FAILED', error: { code: 'permanent', message: 'no' } } as const;

// The store operations behind the API's enqueue rollback and an operator's retry.
describe.each(backendFactories)('operator writes on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'operator-write');
  let store: DynamoTaskStore;
  beforeAll(() => {
    if (!factory.skipReason) store = table.store();
  });
  const item = (id: string) => table.item(id);
  const newTask = (overrides: Partial<NewTask> = {}): NewTask => ({
    id: uniqueName('task'),
    type: 'mail.send',
    priority: 'default',
    maxAttempts: 2,
    enqueuedAt: Date.now(),
    payloadJson: JSON.stringify({ to: 'a@example.com' }),
    ...overrides,
  });

  /** A task created with a payload, claimed and FAILED at attempt 1. */
  async function failedTask(overrides: Partial<NewTask> = {}) {
    const task = newTask(overrides);
    await store.create(task);
    await store.claim({ ...task, leaseUntil: Date.now() + 60_000 });
    await store.finish(task.id, 1, failed);
    return task;
  }

  test('deleteUnclaimed removes a QUEUED task nobody claimed, and nothing else', async () => {
    const unclaimed = newTask();
    const claimed = newTask();
    await store.create(unclaimed);
    await store.create(claimed);
    await store.claim({ ...claimed, leaseUntil: Date.now() + 60_000 });

    expect(await store.deleteUnclaimed(unclaimed.id)).toBe(true);
    expect(await store.deleteUnclaimed(claimed.id)).toBe(false);
    expect(await store.deleteUnclaimed(uniqueName('absent'))).toBe(false);
    expect(await store.get(unclaimed.id)).toBeUndefined();
    expect(await store.get(claimed.id)).toMatchObject({ status: 'RUNNING' });
  });

  test('requeue keeps attempts, raises maxAttempts, leaves the index and returns the payload', async () => {
    const task = await failedTask();

    const out = await store.requeue(task.id, 1, 5);

    expect(out).toMatchObject({ ok: true, payload: JSON.parse(task.payloadJson ?? '') });
    expect(out.ok && out.record).toMatchObject({ status: 'QUEUED', attempts: 1, maxAttempts: 6 });
    expect(out.ok && out.record.lastError).toEqual(failed.error);
    const stored = await item(task.id);
    expect(stored).not.toHaveProperty('failedType');
    expect(stored).not.toHaveProperty('finishedAt');
  });

  test('requeue refuses a stale attempt, another state and a task without payload', async () => {
    const task = await failedTask();
    const direct = await failedTask({ payloadJson: undefined });

    const stale = await store.requeue(task.id, 0, 5);
    const twice = [await store.requeue(task.id, 1, 5), await store.requeue(task.id, 1, 5)];
    const noPayload = await store.requeue(direct.id, 1, 5);

    expect(stale).toMatchObject({ ok: false, current: { status: 'FAILED' } });
    expect(stale).not.toHaveProperty('payloadMissing');
    expect(twice.map((r) => r.ok)).toEqual([true, false]);
    expect(twice[1]).toMatchObject({ current: { status: 'QUEUED' } });
    expect(noPayload).toMatchObject({ ok: false, payloadMissing: true });
  });

  test('requeue without requirePayload moves a task that has no stored payload', async () => {
    const direct = await failedTask({ payloadJson: undefined });

    const out = await store.requeue(direct.id, 1, 5, { requirePayload: false });

    expect(out).toMatchObject({ ok: true, record: { status: 'QUEUED', maxAttempts: 6 } });
  });

  test('requeue with unended takes a task SQS dead-lettered before it ended, and no other', async () => {
    const queued = newTask();
    await store.create(queued);
    const retrying = newTask();
    await store.create(retrying);
    await store.claim({ ...retrying, leaseUntil: Date.now() + 60_000 });
    await store.markRetrying(retrying.id, 1, { code: 'retryable', message: 'x' }, Date.now());
    const leased = newTask();
    await store.create(leased);
    await store.claim({ ...leased, leaseUntil: Date.now() + 60_000 });
    const failedOne = await failedTask();

    const [fromQueued, fromRetrying, fromLiveLease, fromFailed] = await Promise.all([
      store.requeue(queued.id, 0, 2, { requirePayload: false, unended: true }),
      store.requeue(retrying.id, 1, 2, { requirePayload: false, unended: true }),
      store.requeue(leased.id, 1, 2, { requirePayload: false, unended: true }),
      store.requeue(failedOne.id, 1, 2, { requirePayload: false, unended: true }),
    ]);

    expect(fromQueued).toMatchObject({ ok: true, record: { status: 'QUEUED', maxAttempts: 2 } });
    expect(fromRetrying).toMatchObject({ ok: true, record: { status: 'QUEUED', maxAttempts: 3 } });
    expect(fromLiveLease).toMatchObject({ ok: false, current: { status: 'RUNNING' } });
    expect(fromFailed).toMatchObject({ ok: false, current: { status: 'FAILED' } });
  });

  test('revertRequeue restores FAILED only until the next claim', async () => {
    const task = await failedTask();
    const other = await failedTask();
    await store.markDeadLettered(task.id, 1);
    const deadLetteredAt = (await store.get(task.id))?.deadLetteredAt;
    expect(deadLetteredAt).toBeGreaterThan(0);
    await store.requeue(task.id, 1, 5);
    await store.requeue(other.id, 1, 5);
    await store.claim({ ...other, leaseUntil: Date.now() + 60_000 });

    expect(await store.revertRequeue(task.id, 1, deadLetteredAt)).toBe(true);
    expect(await store.revertRequeue(other.id, 1)).toBe(false);
    expect(await store.get(task.id)).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      deadLetteredAt,
    });
    expect(await item(task.id)).toHaveProperty('failedType', { S: 'mail.send' });
    expect(await store.get(other.id)).toMatchObject({ status: 'RUNNING', attempts: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import type { NewTask } from '../../functions/core/ports.js';
import { backendFactories, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 500);

// stopChain: the mark a cancel leaves on a RUNNING chain step (docs/workflows.md).
describe.each(backendFactories)('stopChain on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'task-store-chain-stop');
  let now = T0;
  const clock = { now: () => now };

  const task = (next: boolean): NewTask => ({
    id: uniqueName('step'),
    type: 'mail.send',
    priority: 'default',
    maxAttempts: 3,
    enqueuedAt: T0,
    ...(next ? { links: { nextId: uniqueName('next') } } : {}),
  });
  /** A RUNNING task, as a delivery's claim leaves it. */
  async function running(next: boolean) {
    const store = table.store({ clock });
    const t = task(next);
    await store.claim({ ...t, leaseUntil: now + 60_000 });
    return { store, id: t.id };
  }

  test('marks a RUNNING step with a next step, once: a repeat keeps the first time', async () => {
    now = T0;
    const { store, id } = await running(true);
    const first = await store.stopChain(id);
    now = T0 + 5_000;
    const again = await store.stopChain(id);
    expect(first).toMatchObject({ ok: true, record: { status: 'RUNNING', chainStoppedAt: T0 } });
    expect(again).toMatchObject({ ok: true, record: { chainStoppedAt: T0 } });
    // The step's end keeps the mark, for the consumer's hook to read.
    const claimed = await store.get(id);
    await store.finish(id, claimed?.attempts ?? 0, { status: 'SUCCEEDED', result: null });
    expect(await store.get(id)).toMatchObject({ status: 'SUCCEEDED', chainStoppedAt: T0 });
  });

  test('refuses a RUNNING task without a next step, and a step that is not RUNNING', async () => {
    now = T0;
    const plain = await running(false);
    const refused = await plain.store.stopChain(plain.id);
    expect(refused).toMatchObject({ ok: false, current: { status: 'RUNNING' } });
    expect(refused.ok ? undefined : refused.current?.chainStoppedAt).toBeUndefined();

    const store = table.store({ clock });
    const queued = task(true);
    await store.create(queued);
    expect(await store.stopChain(queued.id)).toMatchObject({
      ok: false,
      current: { status: 'QUEUED' },
    });
    expect(await store.stopChain(uniqueName('absent'))).toEqual({ ok: false });
  });

  test('a DynamoDB error names the operation', async () => {
    const missing = table.store({ tableName: uniqueName('no-such-table') } as never);
    const id = uniqueName('step');
    await expect(missing.stopChain(id)).rejects.toMatchObject({
      code: 'store',
      operation: 'stopChain',
      taskId: id,
      causeName: 'ResourceNotFoundException',
    });
  });
});

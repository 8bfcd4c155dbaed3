import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import type { AttemptEnd, Clock, SettleRequest } from '../../functions/core/ports.js';
import { backendFactories, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

const failure = { code: 'permanent', message: 'recipient does not exist' };

// The one write of an unclaimed attempt (tracking `terminal` and `failures`).
describe.each(backendFactories)('settle on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'settle');
  let now: number;
  const clock: Clock = { now: () => now };
  let store: DynamoTaskStore;
  beforeAll(() => {
    if (!factory.skipReason) store = table.store({ clock });
  });

  function request(outcome: AttemptEnd, overrides: Partial<SettleRequest> = {}): SettleRequest {
    now = Date.now();
    return {
      id: uniqueName('task'),
      type: 'logs.clean',
      priority: 'low',
      maxAttempts: 3,
      enqueuedAt: now - 900,
      sentAt: now - 800,
      attempt: 1,
      startedAt: now - 300,
      outcome,
      ...overrides,
    };
  }

  test('creates the whole record of a task it has never seen, in one write', async () => {
    const req = request({ status: 'SUCCEEDED', result: { cleaned: 3 } });

    const settled = await store.settle(req);

    expect(settled.ok).toBe(true);
    const record = await store.get(req.id);
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      type: 'logs.clean',
      priority: 'low',
      attempts: 1,
      maxAttempts: 3,
      enqueuedAt: req.enqueuedAt,
      startedAt: req.startedAt,
      finishedAt: now,
      durationMs: 300,
      queueWaitMs: 500,
      result: { cleaned: 3 },
    });
    expect(record?.leaseUntil).toBeUndefined();
    expect(record?.expiresAt).toBeGreaterThan(now / 1000);
  });

  test('keeps the fields of a task the API created and ends it', async () => {
    const req = request({ status: 'SUCCEEDED', result: null });
    await store.create({
      ...req,
      maxAttempts: 7,
      idempotencyKey: 'order-9',
      payloadJson: '{"a":1}',
    });

    expect((await store.settle(req)).ok).toBe(true);

    expect(await store.get(req.id)).toMatchObject({
      status: 'SUCCEEDED',
      maxAttempts: 7,
      idempotencyKey: 'order-9',
      attempts: 1,
    });
  });

  test('RETRYING, then FAILED: the failure carries the index keys and no retry time', async () => {
    const req = request({ status: 'RETRYING', error: failure, nextAttemptAt: Date.now() + 4_000 });
    expect((await store.settle(req)).ok).toBe(true);
    expect(await store.get(req.id)).toMatchObject({
      status: 'RETRYING',
      attempts: 1,
      nextAttemptAt: req.outcome.status === 'RETRYING' ? req.outcome.nextAttemptAt : -1,
      lastError: failure,
    });

    const failed = await store.settle({
      ...req,
      attempt: 2,
      outcome: { status: 'FAILED', error: failure },
    });

    expect(failed.ok).toBe(true);
    const record = await store.get(req.id);
    expect(record).toMatchObject({ status: 'FAILED', attempts: 2, lastError: failure });
    expect(record?.nextAttemptAt).toBeUndefined();
    const page = await store.list({ status: 'FAILED', type: 'logs.clean', limit: 100 });
    expect(page.tasks.map((t) => t.id)).toContain(req.id);
  });

  test('is refused once the task ended or was cancelled, and names the current state', async () => {
    const ended = request({ status: 'SUCCEEDED', result: 1 });
    await store.settle(ended);
    const again = await store.settle({
      ...ended,
      attempt: 2,
      outcome: { status: 'FAILED', error: failure },
    });
    expect(again).toMatchObject({ ok: false, current: { status: 'SUCCEEDED', attempts: 1 } });

    const cancelled = request({ status: 'SUCCEEDED', result: 1 });
    await store.create(cancelled);
    await store.cancel(cancelled.id);
    expect(await store.settle(cancelled)).toMatchObject({
      ok: false,
      current: { status: 'CANCELLED' },
    });
    expect((await store.get(cancelled.id))?.status).toBe('CANCELLED');
  });

  test('is refused while a claim holds a live lease, allowed once the lease ended', async () => {
    const req = request({ status: 'SUCCEEDED', result: 'late' });
    await store.claim({ ...req, leaseUntil: now + 60_000 });

    expect(await store.settle(req)).toMatchObject({ ok: false, current: { status: 'RUNNING' } });

    now += 61_000;
    expect(await store.settle({ ...req, attempt: 2 })).toMatchObject({
      ok: true,
      record: { status: 'SUCCEEDED', attempts: 2 },
    });
  });

  test('treats an item past its retention as absent', async () => {
    const short = table.store({ clock, retentionDays: 1 });
    const req = request({ status: 'SUCCEEDED', result: 'old' });
    await short.settle(req);

    now += 2 * 86_400_000;
    const reused = await short.settle({ ...req, outcome: { status: 'SUCCEEDED', result: 'new' } });

    expect(reused).toMatchObject({ ok: true, record: { status: 'SUCCEEDED', result: 'new' } });
  });
});

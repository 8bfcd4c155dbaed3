import { beforeEach, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoSlotStore } from '../../functions/adapters/dynamodb/DynamoSlotStore.js';
import { flowControlGates } from '../../functions/consumer/flowControlGates.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import type { Backend } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  envelope,
  type Pipeline,
  rawItem,
  send,
  silentLogger,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { uniqueName } from '../helpers/resources.js';

const ran: string[] = [];
const tenant = z.object({ tenant: z.string() });
const registry = createRegistry([
  defineTask({
    type: 'flow.keyed',
    schema: tenant,
    concurrency: { key: (p) => p.tenant, limit: 1 },
    handler: (_p, ctx) => void ran.push(ctx.taskId),
  }),
  defineTask({
    type: 'flow.perkey',
    schema: tenant,
    rateLimit: { perSecond: 0.1, burst: 2, key: (p) => p.tenant },
    handler: (_p, ctx) => void ran.push(ctx.taskId),
  }),
  defineTask({ type: 'flow.plain', schema: z.object({}), handler: () => null }),
]);

/** Counts every DynamoDB request the backend's client sends. */
function countRequests(backend: Backend) {
  const counter = { requests: 0 };
  backend.dynamodb.middlewareStack.add(
    (next) => async (args) => {
      counter.requests++;
      return next(args);
    },
    { step: 'initialize', name: `count-${uniqueName('mw')}` },
  );
  return counter;
}

describeOnEachBackend('flow control', (current) => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await createPipeline(current());
    ran.length = 0;
  });

  const consumer = () =>
    buildConsumer(
      p,
      registry,
      flowControlGates({
        client: p.backend.dynamodb,
        tableName: p.tableName,
        clock: { now: () => Date.now() },
        logger: silentLogger,
      }),
    );

  it('runs one task per key at a time and defers the other without an attempt', async () => {
    const c = consumer();
    const a1 = envelope('flow.keyed', { tenant: 'a' });
    const a2 = envelope('flow.keyed', { tenant: 'a' });
    const b1 = envelope('flow.keyed', { tenant: 'b' });
    for (const t of [a1, a2, b1]) await send(p.backend.sqs, p.standard, t);

    const first = await deliver(p, p.standard, c, { count: 3, emptyPolls: 3 });
    expect(first.failedIds).toEqual([]);
    const rows = await Promise.all([a1, a2, b1].map((t) => p.store.get(t.id)));
    const deferred = rows.filter((r) => r?.status === 'QUEUED');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatchObject({
      attempts: 0,
      waiting: { reason: 'concurrency', detail: { key: 'a', limit: 1 } },
    });
    expect(rows.filter((r) => r?.status === 'SUCCEEDED').map((r) => r?.id)).toContain(b1.id);
    // Both slots were given back when their tasks ended.
    const slots = await rawItem(p, 'flow#conc#flow.keyed#a');
    expect(slots?.holders).toEqual({ M: {} });

    const second = await deliver(p, p.standard, c, { waitSeconds: 5, emptyPolls: 3 });
    expect(second.failedIds).toEqual([]);
    expect(await p.store.get(a2.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(await p.store.get(a1.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(ran.sort()).toEqual([a1.id, a2.id, b1.id].sort());
  });

  it('frees a crashed holder’s slot when its lease ends', async () => {
    const slots = new DynamoSlotStore(p.backend.dynamodb, p.tableName);
    await slots.write('flow.keyed#a', { crashed: Date.now() - 1 }, 0);
    const task = envelope('flow.keyed', { tenant: 'a' });
    await send(p.backend.sqs, p.standard, task);
    await deliver(p, p.standard, consumer());
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED' });
    // A live holder still blocks.
    await slots.write(
      'flow.keyed#a',
      { alive: Date.now() + 60_000 },
      (await slots.read('flow.keyed#a'))?.version ?? 0,
    );
    const blocked = envelope('flow.keyed', { tenant: 'a' });
    await send(p.backend.sqs, p.standard, blocked);
    await deliver(p, p.standard, consumer());
    expect(await p.store.get(blocked.id)).toMatchObject({ status: 'QUEUED', attempts: 0 });
  });

  it('rate-limits each key on its own bucket, one write for a batch', async () => {
    const counter = countRequests(p.backend);
    const tasks = [
      ...Array.from({ length: 3 }, () => envelope('flow.perkey', { tenant: 'x' })),
      envelope('flow.perkey', { tenant: 'y' }),
    ];
    for (const t of tasks) await send(p.backend.sqs, p.standard, t);
    const c = consumer();
    const event = await deliver(p, p.standard, c, { count: 4, emptyPolls: 3 });
    expect(event.failedIds).toEqual([]);
    const rows = await Promise.all(tasks.map((t) => p.store.get(t.id)));
    expect(rows.map((r) => r?.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'QUEUED', 'SUCCEEDED']);
    expect(rows[2]?.waiting).toMatchObject({
      reason: 'rate_limit',
      detail: { perSecond: 0.1, burst: 2, key: 'x' },
    });
    expect(Date.parse(String(rows[2]?.waiting?.detail?.nextTokenAt))).toBeGreaterThan(Date.now());
    const bucket = await rawItem(p, 'flow#rate#flow.perkey#x');
    expect(bucket?.v).toEqual({ N: '1' });
    expect(counter.requests).toBeGreaterThan(0);
  });

  it('makes no extra request for a type without flow settings', async () => {
    const counter = countRequests(p.backend);
    // The pause list is read once per instance and cached for seconds, whatever the types
    // (docs/pause-and-breakers.md): a frozen clock keeps that cache, so what is measured is
    // what each task costs.
    const frozen = { now: () => 1_800_000_000_000 };
    const warm = buildConsumer(
      p,
      registry,
      flowControlGates({
        client: p.backend.dynamodb,
        tableName: p.tableName,
        clock: frozen,
        logger: silentLogger,
      }),
    );
    const run = async (c: ReturnType<typeof buildConsumer>) => {
      await send(p.backend.sqs, p.standard, envelope('flow.plain', {}));
      const before = counter.requests;
      const { failedIds } = await deliver(p, p.standard, c);
      expect(failedIds).toEqual([]);
      return counter.requests - before;
    };
    const without = await run(buildConsumer(p, registry));
    await run(warm);
    const withFlow = await run(warm);
    expect(without).toBeGreaterThan(0);
    expect(withFlow).toBe(without);
  });
});

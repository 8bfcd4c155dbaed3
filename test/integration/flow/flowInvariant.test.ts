import { beforeEach, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoDeferralLog } from '../../../functions/adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { RetryableError } from '../../../functions/core/errors.js';
import { BreakerRegistry } from '../../../functions/core/flow/BreakerRegistry.js';
import { FlowAdmin } from '../../../functions/core/flow/FlowAdmin.js';
import { breakerGate, pauseGate } from '../../../functions/core/flow/flowGates.js';
import { PauseBoard } from '../../../functions/core/flow/PauseBoard.js';
import type { BreakerRecord } from '../../../functions/core/flow/types.js';
import { systemClock } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { defineTask } from '../../../functions/core/task.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  depth,
  envelope,
  type Pipeline,
  send,
} from '../../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';
import { pollUntil } from '../../helpers/poll.js';

/** The downstream: down or up; every call is recorded with the breaker state it met. */
const downstream = { down: false, calls: [] as { id: string; state: string | undefined }[] };
let observe: () => Promise<BreakerRecord | undefined> = async () => undefined;

const registry = createRegistry([
  defineTask({
    type: 'flow.call',
    schema: z.object({ n: z.number() }),
    maxAttempts: 10,
    backoff: { baseMs: 1_000, capMs: 1_000 },
    breaker: { policy: { minAttempts: 4, failureRate: 0.5, coolDownMs: 1_000, probes: 1 } },
    handler: async (_payload, ctx) => {
      downstream.calls.push({ id: ctx.taskId, state: (await observe())?.state });
      if (downstream.down) throw new RetryableError('downstream is down');
      return { ok: true };
    },
  }),
]);

// The invariant of issue 22: no attempt is spent while a type is paused or its breaker is
// open, and every task still ends, once, on each backend.
describeOnEachBackend('pauses and breakers before the claim', (current) => {
  let p: Pipeline;
  let store: DynamoFlowStore;
  let breakers: BreakerRegistry;
  let admin: FlowAdmin;
  beforeEach(async () => {
    p = await createPipeline(current());
    store = new DynamoFlowStore({ client: p.backend.dynamodb, tableName: p.tableName });
    breakers = new BreakerRegistry({
      store,
      clock: systemClock,
      events: { changed: () => undefined },
      readEveryMs: 0,
      flushEveryMs: 0,
    });
    admin = new FlowAdmin({ store, clock: systemClock, routes: [], registry });
    observe = () => store.readBreaker('type:flow.call');
    downstream.down = false;
    downstream.calls = [];
  });

  const consumer = () =>
    buildConsumer(p, registry, {
      gates: [
        pauseGate(new PauseBoard({ store, clock: systemClock, readEveryMs: 0 }), 1_000),
        breakerGate(breakers),
      ],
      deferrals: new DynamoDeferralLog({ client: p.backend.dynamodb, tableName: p.tableName }),
      flushFlow: () => breakers.flush(true),
    });

  /** Delivers until every task ended, or fails naming the ones that did not. */
  async function drain(c: ReturnType<typeof consumer>, ids: string[]) {
    await pollUntil(
      async () => {
        await deliver(p, p.standard, c, { count: 10, waitSeconds: 1 });
        const records = await Promise.all(ids.map((id) => p.store.get(id)));
        return records.map((r) => r?.status);
      },
      (statuses) => statuses.every((s) => s === 'SUCCEEDED'),
      { timeoutMs: 60_000, intervalMs: 0, what: 'every task SUCCEEDED' },
    );
  }

  it('holds a paused type without an attempt and runs it after the resume', async () => {
    const c = consumer();
    await admin.pause({ type: 'flow.call' }, 'ann');
    const task = envelope('flow.call', { n: 1 });
    await send(p.backend.sqs, p.standard, task);
    await deliver(p, p.standard, c);
    expect(await p.store.get(task.id)).toMatchObject({
      status: 'QUEUED',
      attempts: 0,
      waiting: { reason: 'paused', detail: { by: 'ann' } },
    });
    expect(downstream.calls).toEqual([]);

    expect((await admin.resume({ type: 'flow.call' }))?.by).toBe('ann');
    await drain(c, [task.id]);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(await depth(p.backend.sqs, p.standard.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('opens on failures, spends no attempt while open, and closes after a probe', async () => {
    const c = consumer();
    downstream.down = true;
    const failing = Array.from({ length: 4 }, (_, n) => envelope('flow.call', { n }));
    for (const task of failing) await send(p.backend.sqs, p.standard, task);
    await deliver(p, p.standard, c, { count: 4, waitSeconds: 1, emptyPolls: 3 });
    const opened = await store.readBreaker('type:flow.call');
    expect(opened).toMatchObject({ state: 'open', by: 'breaker' });

    const held = Array.from({ length: 3 }, (_, n) => envelope('flow.call', { n: 10 + n }));
    for (const task of held) await send(p.backend.sqs, p.standard, task);
    downstream.down = false;
    const all = [...failing, ...held].map((t) => t.id);
    await drain(c, all);

    // No call met an open breaker; the held tasks ran exactly once each.
    expect(downstream.calls.filter((call) => call.state === 'open')).toEqual([]);
    for (const task of held) {
      expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    }
    expect((await store.readBreaker('type:flow.call'))?.state).toBe('closed');
    expect(await depth(p.backend.sqs, p.standard.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('holds tasks while an operator keeps the breaker open', async () => {
    const c = consumer();
    await admin.openBreaker('type:flow.call', 'bob');
    const task = envelope('flow.call', { n: 1 });
    await send(p.backend.sqs, p.standard, task);
    await deliver(p, p.standard, c);
    expect(await p.store.get(task.id)).toMatchObject({
      attempts: 0,
      waiting: { reason: 'breaker_open' },
    });
    await admin.closeBreaker('type:flow.call', 'bob');
    expect((await store.readBreaker('type:flow.call'))?.by).toBe('bob');
  });
});

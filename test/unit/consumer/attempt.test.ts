import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { claimAttempt, readAttempt } from '../../../functions/core/consumer/Attempt.js';
import { startAttempt } from '../../../functions/core/consumer/startAttempt.js';
import type { QueueMessage } from '../../../functions/core/consumer/types.js';
import type {
  ClaimRequest,
  ClaimResult,
  LogFields,
  SettleRequest,
  TaskStore,
} from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import type { TaskRecord } from '../../../functions/core/status.js';
import { defineTask } from '../../../functions/core/task.js';
import { envelope } from '../../helpers/consumerHarness.js';

const NOW = 1_700_000_000_000;

const request = {
  id: 't-1',
  type: 'alpha',
  priority: 'default',
  maxAttempts: 3,
  enqueuedAt: NOW - 1_000,
};

function stored(fields: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 't-1',
    type: 'alpha',
    status: 'QUEUED',
    priority: 'default',
    attempts: 0,
    maxAttempts: 3,
    createdAt: NOW - 1_000,
    expiresAt: 0,
    ...fields,
  };
}

/** A store holding at most one task, which remembers what was claimed and settled. */
function fakeStore(current?: TaskRecord) {
  const claims: ClaimRequest[] = [];
  const settles: SettleRequest[] = [];
  const store = {
    get: async () => current,
    claim: async (claim: ClaimRequest): Promise<ClaimResult> => {
      claims.push(claim);
      return { kind: 'claimed', record: stored({ status: 'RUNNING', attempts: 1 }) };
    },
    settle: async (settle: SettleRequest) => {
      settles.push(settle);
      return { ok: true as const, record: stored({ status: 'SUCCEEDED' }) };
    },
  };
  return { store: store as unknown as TaskStore, claims, settles };
}

describe('claimAttempt', () => {
  it('starts an attempt on the claimed record', async () => {
    const { store } = fakeStore();
    const start = await claimAttempt(store, { ...request, leaseUntil: NOW + 60_000 });
    expect(start).toMatchObject({ kind: 'started', attempt: { record: { attempts: 1 } } });
  });

  it('ends a retry with markRetrying and any other end with finish, under its attempt', async () => {
    const ends: unknown[][] = [];
    const { store } = fakeStore();
    const answer = { ok: true as const, record: stored() };
    const recorded =
      (name: string) =>
      async (...args: unknown[]) => {
        ends.push([name, ...args]);
        return answer;
      };
    Object.assign(store, { markRetrying: recorded('markRetrying'), finish: recorded('finish') });
    const start = await claimAttempt(store, { ...request, leaseUntil: NOW + 60_000 });
    if (start.kind !== 'started') throw new Error(`expected a start, got ${start.kind}`);
    const error = { code: 'boom', message: 'no' };

    await start.attempt.end({ status: 'RETRYING', error, nextAttemptAt: NOW + 5_000 });
    await start.attempt.end({ status: 'SUCCEEDED', result: null });

    expect(ends).toEqual([
      ['markRetrying', 't-1', 1, error, NOW + 5_000],
      ['finish', 't-1', 1, { status: 'SUCCEEDED', result: null }],
    ]);
  });
});

describe('readAttempt', () => {
  it('makes an early delivery of a retry wait for the retry’s time', async () => {
    const current = stored({ status: 'RETRYING', attempts: 1, nextAttemptAt: NOW + 30_000 });
    const { store } = fakeStore(current);
    const start = await readAttempt(store, request, 'terminal', 2, NOW);
    expect(start).toEqual({ kind: 'leased', record: current, leaseRemainingMs: 30_000 });
  });

  it('starts a RUNNING attempt that keeps the stored priority, else takes the message’s', async () => {
    const { store } = fakeStore(stored({ status: 'RETRYING', attempts: 1, priority: 'low' }));
    const again = await readAttempt(store, request, 'terminal', 2, NOW);
    expect(again).toMatchObject({
      kind: 'started',
      attempt: { record: { status: 'RUNNING', priority: 'low', attempts: 2 } },
    });

    const first = await readAttempt(fakeStore().store, request, 'terminal', 1, NOW);
    expect(first).toMatchObject({
      kind: 'started',
      attempt: { record: { status: 'RUNNING', priority: 'default', attempts: 1 } },
    });
  });

  it('under tracking `failures`, ends a first success without writing a row', async () => {
    const { store, settles } = fakeStore();
    const start = await readAttempt(store, request, 'failures', 1, NOW);
    if (start.kind !== 'started') throw new Error(`expected a start, got ${start.kind}`);
    const end = await start.attempt.end({ status: 'SUCCEEDED', result: null });
    expect(end).toEqual({
      ok: true,
      record: expect.objectContaining({ id: 't-1', status: 'SUCCEEDED', attempts: 1 }),
    });
    expect(settles).toEqual([]);
  });
});

describe('startAttempt', () => {
  const registry = createRegistry([
    defineTask({ type: 'alpha', schema: z.object({}), maxAttempts: 4, handler: () => null }),
  ]);
  const message: QueueMessage = {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: '{}',
    queue: { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://dlq', fifo: false },
    receiveCount: 1,
    sentTimestamp: NOW,
    attributes: {},
  };

  function start(extra: Parameters<typeof envelope>[2]) {
    const { store, claims } = fakeStore();
    const warnings: { message: string; fields: LogFields }[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (text: string, fields: LogFields = {}) => warnings.push({ message: text, fields }),
      error: () => undefined,
    };
    const task = envelope('alpha', {}, extra);
    const started = startAttempt(
      { registry, store, clock: { now: () => NOW }, logger },
      message,
      task,
      registry.get('alpha'),
      { deadline: NOW + 60_000 },
    );
    return { started, claims, warnings };
  }

  it('accepts an envelope maxAttempts equal to the largest policy without a warning', async () => {
    const { started, claims, warnings } = start({ maxAttempts: 4 });
    await started;
    expect(claims[0]?.maxAttempts).toBe(4);
    expect(warnings).toEqual([]);
  });

  it('caps, with a warning, an envelope maxAttempts beyond the largest policy', async () => {
    const { started, claims, warnings } = start({ maxAttempts: 5 });
    await started;
    expect(claims[0]?.maxAttempts).toBe(4);
    expect(warnings.map((w) => w.message)).toEqual([
      'envelope maxAttempts capped to what the queue redrive allows',
    ]);
  });

  it('claims under the envelope’s idempotency key', async () => {
    const { started, claims } = start({ idempotencyKey: 'order-42' });
    await started;
    expect(claims[0]?.idempotencyKey).toBe('order-42');
  });
});

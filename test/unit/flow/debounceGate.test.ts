import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { AdmissionRequest } from '../../../functions/core/consumer/admission/types.js';
import { debounceGates } from '../../../functions/core/flow/DebounceGate.js';
import type {
  DebouncedNote,
  DebounceEntry,
  DebounceStore,
} from '../../../functions/core/flow/DebounceStore.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { defineTask } from '../../../functions/core/task.js';
import { envelope } from '../../helpers/consumerHarness.js';

const ENQUEUED = Date.parse('2026-01-01T00:00:00.000Z');
const registry = createRegistry([
  defineTask({
    type: 'sync.user',
    schema: z.object({ user: z.string() }),
    debounce: { key: (p) => p.user, seconds: 10 },
    maxAttempts: 4,
    handler: () => null,
  }),
  defineTask({ type: 'plain', schema: z.object({}), handler: () => null }),
]);
const definition = registry.get('sync.user');

/** A store fake at the port: keeps what it is offered, and answers with a set latest. */
function fakes(latest?: DebounceEntry, cancels = true) {
  const offers: { key: string; entry: DebounceEntry; expiresAt: number }[] = [];
  const notes: DebouncedNote[] = [];
  const store: DebounceStore = {
    offer: async (key, entry, expiresAt) => {
      offers.push({ key, entry, expiresAt });
      return latest ?? entry;
    },
  };
  const log = {
    cancelDebounced: async (note: DebouncedNote) => {
      notes.push(note);
      return cancels;
    },
  };
  const gate = debounceGates(store, log)(definition);
  if (!gate) throw new Error('a debounced type has a gate');
  return { gate, offers, notes };
}

function request(now: number, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  const task = envelope('sync.user', { user: 'u1' }, { id: 'T2', enqueuedAt: iso(ENQUEUED) });
  return {
    taskId: task.id,
    type: task.type,
    envelope: task,
    definition,
    payload: { user: 'u1' },
    now,
    deferrals: 0,
    ...extra,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('debounce gate', () => {
  it('is built only for a type with debounce', () => {
    const store = { offer: () => Promise.reject(new Error('no request')) };
    const log = { cancelDebounced: () => Promise.reject(new Error('no request')) };
    expect(debounceGates(store, log)(registry.get('plain'))).toBeUndefined();
  });

  it('records the task as its key’s latest and waits until its window ends', async () => {
    const { gate, offers, notes } = fakes();
    expect(gate.name).toBe('debounce');
    const answer = await gate.admit(request(ENQUEUED + 2_000));
    expect(answer).toEqual({
      kind: 'defer',
      delayMs: 8_000,
      reason: 'debounce',
      detail: { key: 'u1', seconds: 10 },
    });
    expect(offers).toEqual([
      {
        key: 'sync.user#u1',
        entry: { taskId: 'T2', enqueuedAt: ENQUEUED },
        expiresAt: (ENQUEUED + 10_000) / 1_000 + 86_400,
      },
    ]);
    expect(notes).toEqual([]);
  });

  it('runs the latest once its window has ended, and not a millisecond before', async () => {
    const { gate } = fakes();
    expect(await gate.admit(request(ENQUEUED + 10_000))).toEqual({ kind: 'run' });
    expect(await gate.admit(request(ENQUEUED + 9_999))).toMatchObject({
      kind: 'defer',
      delayMs: 1,
    });
  });

  it('keeps the record a day past a window that ended before the delivery', async () => {
    const { gate, offers } = fakes();
    const now = ENQUEUED + 60_500;
    expect(await gate.admit(request(now))).toEqual({ kind: 'run' });
    expect(offers[0]?.expiresAt).toBe(Math.ceil(now / 1_000) + 86_400);
  });

  it('cancels a task a later one replaced, naming the later one', async () => {
    const { gate, notes } = fakes({ taskId: 'T3', enqueuedAt: ENQUEUED + 1 });
    const answer = await gate.admit(request(ENQUEUED + 10_000));
    expect(answer).toEqual({
      kind: 'cancelled',
      reason: 'debounced',
      detail: { key: 'u1', supersededBy: 'T3' },
    });
    expect(notes).toEqual([
      {
        id: 'T2',
        type: 'sync.user',
        priority: 'default',
        maxAttempts: 4,
        enqueuedAt: ENQUEUED,
        at: ENQUEUED + 10_000,
        supersededBy: 'T3',
      },
    ]);
  });

  it('cancels at once, window or not, and takes the envelope’s maxAttempts', async () => {
    const { gate, notes } = fakes({ taskId: 'T3', enqueuedAt: ENQUEUED + 1 });
    const task = envelope(
      'sync.user',
      { user: 'u1' },
      { id: 'T2', enqueuedAt: iso(ENQUEUED), maxAttempts: 2 },
    );
    const answer = await gate.admit(request(ENQUEUED, { envelope: task }));
    expect(answer.kind).toBe('cancelled');
    expect(notes[0]?.maxAttempts).toBe(2);
  });

  it('lets a replaced task that already started run on, for its claim to decide', async () => {
    const { gate } = fakes({ taskId: 'T3', enqueuedAt: ENQUEUED + 1 }, false);
    expect(await gate.admit(request(ENQUEUED + 10_000))).toEqual({ kind: 'run' });
  });

  it('lets a payload that does not parse through, asking nothing', async () => {
    const { gate, offers } = fakes();
    expect(await gate.admit(request(ENQUEUED, { payload: undefined }))).toEqual({ kind: 'run' });
    expect(offers).toEqual([]);
  });

  it('orders a task whose enqueue time does not parse by its delivery', async () => {
    const { gate, offers } = fakes();
    const task = envelope('sync.user', { user: 'u1' }, { id: 'T2', enqueuedAt: 'not a time' });
    const answer = await gate.admit(request(ENQUEUED, { envelope: task }));
    expect(answer).toMatchObject({ kind: 'defer', delayMs: 10_000 });
    expect(offers[0]?.entry).toEqual({ taskId: 'T2', enqueuedAt: ENQUEUED });
  });
});

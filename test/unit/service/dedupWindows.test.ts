import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConfigError } from '../../../functions/core/errors.js';
import { taskIdForDedupWindow, taskIdForIdempotencyKey } from '../../../functions/core/ids.js';
import { createRegistry } from '../../../functions/core/registry.js';
import {
  type DedupWindowStore,
  DedupWindows,
} from '../../../functions/core/service/DedupWindows.js';
import { TaskPreparer } from '../../../functions/core/service/prepareTask.js';
import { defineTask } from '../../../functions/core/task.js';

const T0 = 1_800_000_000_000;
const registry = createRegistry([
  defineTask({
    type: 'report.daily',
    schema: z.object({}),
    dedupWindowSeconds: 60,
    handler: () => null,
  }),
  defineTask({ type: 'plain', schema: z.object({}), handler: () => null }),
]);
const preparer = new TaskPreparer({
  registry,
  routes: [{ priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://d', fifo: false }],
  maxPayloadBytes: 1_000,
});

/** A store fake at the port: one window per key, opened only from the start it names. */
function memoryStore(options: { loseNextOpenTo?: number } = {}) {
  const windows = new Map<string, number>();
  const calls: string[] = [];
  const opens: { keyId: string; start: number; expiresAt: number }[] = [];
  let loseTo = options.loseNextOpenTo;
  const store: DedupWindowStore = {
    read: async (keyId) => {
      calls.push(`read ${keyId}`);
      return windows.get(keyId);
    },
    open: async (keyId, start, previous, expiresAt) => {
      calls.push(`open ${keyId}`);
      if (loseTo !== undefined) {
        windows.set(keyId, loseTo);
        loseTo = undefined;
        return false;
      }
      if (windows.get(keyId) !== previous) return false;
      windows.set(keyId, start);
      opens.push({ keyId, start, expiresAt });
      return true;
    },
  };
  return { store, calls, opens };
}

const keyId = taskIdForIdempotencyKey('report.daily', 'k');
const windowId = (start: number) => taskIdForDedupWindow('report.daily', 'k', start);

describe('dedup windows', () => {
  it('name a key’s task by the start of its window, base 36, after the key’s own id', () => {
    expect(windowId(T0)).toBe(`${keyId}-${T0.toString(36)}`);
    expect(windowId(T0)).toMatch(/^idem-[\w-]{32}-[0-9a-z]+$/);
  });

  it('keep one task per key inside a window and open the next after it', async () => {
    const { store, opens } = memoryStore();
    const windows = new DedupWindows({ registry, store, retentionDays: 2 });
    expect(await windows.windowedId('report.daily', 'k', T0)).toBe(windowId(T0));
    expect(opens).toEqual([{ keyId, start: T0, expiresAt: (T0 + 60_000) / 1_000 + 2 * 86_400 }]);
    expect(await windows.windowedId('report.daily', 'k', T0 + 59_999)).toBe(windowId(T0));
    expect(await windows.latestId('report.daily', 'k')).toBe(windowId(T0));
    expect(await windows.windowedId('report.daily', 'k', T0 + 60_000)).toBe(windowId(T0 + 60_000));
    expect(await windows.latestId('report.daily', 'k')).toBe(windowId(T0 + 60_000));
    expect(opens[1]?.expiresAt).toBe((T0 + 120_000) / 1_000 + 2 * 86_400);
  });

  it('join the window a racing enqueue opened first', async () => {
    const { store, calls } = memoryStore({ loseNextOpenTo: T0 + 5 });
    const windows = new DedupWindows({ registry, store });
    expect(await windows.windowedId('report.daily', 'k', T0 + 7)).toBe(windowId(T0 + 5));
    expect(calls).toEqual([`read ${keyId}`, `open ${keyId}`, `read ${keyId}`]);
  });

  it('cost a type without windows no request, and keep its key’s one id', async () => {
    const { store, calls } = memoryStore();
    const windows = new DedupWindows({ registry, store });
    expect(await windows.windowedId('plain', 'k', T0)).toBeUndefined();
    expect(await windows.windowedId('unknown', 'k', T0)).toBeUndefined();
    expect(await windows.latestId('plain', 'k')).toBe(taskIdForIdempotencyKey('plain', 'k'));
    const request = { type: 'plain', payload: {}, idempotencyKey: 'k' };
    const prepared = await windows.prepare(preparer, request, T0);
    expect(prepared.envelope.id).toBe(taskIdForIdempotencyKey('plain', 'k'));
    expect(calls).toEqual([]);
  });

  it('find a key that has no window yet under its one id', async () => {
    const { store } = memoryStore();
    const windows = new DedupWindows({ registry, store });
    expect(await windows.latestId('report.daily', 'k')).toBe(keyId);
  });

  it('prepare a keyed task under its window’s id, and leave others and derived ids alone', async () => {
    const { store, calls } = memoryStore();
    const windows = new DedupWindows({ registry, store });
    const keyed = { type: 'report.daily', payload: {}, idempotencyKey: 'k' };
    const prepared = await windows.prepare(preparer, keyed, T0);
    expect(prepared.envelope.id).toBe(windowId(T0));
    expect(prepared.task).toMatchObject({ id: windowId(T0), idempotencyKey: 'k' });
    const derived = await windows.prepare(preparer, keyed, T0, { id: 'child-1' });
    expect(derived.envelope.id).toBe('child-1');
    const unkeyed = await windows.prepare(preparer, { type: 'report.daily', payload: {} }, T0);
    expect(unkeyed.envelope.id).not.toContain('idem-');
    expect(calls).toHaveLength(2);
  });

  it('check the request before any window request', async () => {
    const { store, calls } = memoryStore();
    const windows = new DedupWindows({ registry, store });
    const bad = { type: 'report.daily', payload: 5, idempotencyKey: 'k' };
    await expect(windows.prepare(preparer, bad, T0)).rejects.toThrow('invalid');
    expect(calls).toEqual([]);
  });

  it('refuse a windowed type where no table keeps windows, naming it', async () => {
    const windows = new DedupWindows({ registry });
    const error = new ConfigError(
      'task type report.daily has dedupWindowSeconds, but this producer has no table to keep its windows in',
    );
    await expect(windows.windowedId('report.daily', 'k', T0)).rejects.toThrow(error);
    await expect(windows.latestId('report.daily', 'k')).rejects.toThrow(error);
  });
});

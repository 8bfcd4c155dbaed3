import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowStore, PauseList } from '../../../functions/core/flow/ports.js';
import { QueuePauseWatcher, type SwitchablePoller } from '../../../local/esm/QueuePauseWatcher.js';
import { deferred } from '../../helpers/testTasks.js';

/** A poller that records its switches; `stop` may be held to show what waits for it. */
function poller(priority: string, moves: string[]) {
  let hold: Promise<void> | undefined;
  const p: SwitchablePoller & { holdStop(until: Promise<void>): void } = {
    priority,
    start: () => void moves.push(`start ${priority}`),
    stop: async () => {
      moves.push(`stop ${priority}`);
      await hold;
    },
    holdStop: (until) => {
      hold = until;
    },
  };
  return p;
}

/** The pause list as the store holds it: `queues` named by priority. */
function pauseList(...queues: string[]): PauseList {
  return {
    queues: queues.map((name) => ({ scope: 'queue', name, since: 0, by: 'op' })),
    types: [],
  };
}

/** A store whose pause list the test sets; each read may be held or made to fail. */
function pauseStore() {
  let current = pauseList();
  let next: (() => Promise<PauseList>) | undefined;
  const state = {
    reads: 0,
    set: (...queues: string[]) => {
      current = pauseList(...queues);
    },
    /** The next read answers only when this promise does. */
    answerNextWith: (answer: Promise<PauseList>) => {
      next = () => answer;
    },
    failNextWith: (error: Error) => {
      next = () => Promise.reject(error);
    },
    store: {
      readPauses: async () => {
        state.reads++;
        const held = next;
        next = undefined;
        return held ? held() : current;
      },
    } as unknown as FlowStore,
  };
  return state;
}

describe('QueuePauseWatcher', () => {
  let watcher: QueuePauseWatcher | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    vi.useRealTimers();
  });

  it('stops the pollers of queues already paused before it resolves, and only those', async () => {
    const moves: string[] = [];
    const pauses = pauseStore();
    pauses.set('high');
    const changes: [string, boolean][] = [];
    watcher = new QueuePauseWatcher({
      store: pauses.store,
      pollers: [poller('high', moves), poller('low', moves)],
      onChange: (priority, paused) => changes.push([priority, paused]),
    });

    await watcher.start();

    expect(moves).toEqual(['stop high']);
    expect(changes).toEqual([['high', true]]);
    expect(watcher.isPaused('high')).toBe(true);
    expect(watcher.isPaused('low')).toBe(false);
  });

  it('follows pauses and resumes every `everyMs`, switching each poller once per change', async () => {
    const moves: string[] = [];
    const pauses = pauseStore();
    const changes: [string, boolean][] = [];
    watcher = new QueuePauseWatcher({
      store: pauses.store,
      pollers: [poller('high', moves), poller('low', moves)],
      everyMs: 50,
      onChange: (priority, paused) => changes.push([priority, paused]),
    });
    await watcher.start();

    pauses.set('low');
    await vi.advanceTimersByTimeAsync(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(moves).toEqual(['stop low']);
    expect(watcher.isPaused('low')).toBe(true);

    pauses.set();
    await vi.advanceTimersByTimeAsync(50);
    await vi.advanceTimersByTimeAsync(50);

    expect(moves).toEqual(['stop low', 'start low']);
    expect(changes).toEqual([
      ['low', true],
      ['low', false],
    ]);
    expect(watcher.isPaused('low')).toBe(false);
    expect(pauses.reads).toBe(5);
  });

  it('reads the pauses every second by default', async () => {
    const pauses = pauseStore();
    watcher = new QueuePauseWatcher({ store: pauses.store, pollers: [] });
    await watcher.start();

    await vi.advanceTimersByTimeAsync(999);
    expect(pauses.reads).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pauses.reads).toBe(2);
  });

  it('starts no second read while one is in flight, and reads again once it ends', async () => {
    const pauses = pauseStore();
    watcher = new QueuePauseWatcher({ store: pauses.store, pollers: [], everyMs: 10 });
    await watcher.start();
    const slow = deferred<PauseList>();
    pauses.answerNextWith(slow.promise);

    await vi.advanceTimersByTimeAsync(50);
    expect(pauses.reads).toBe(2);

    slow.resolve(pauseList());
    await vi.advanceTimersByTimeAsync(10);
    expect(pauses.reads).toBe(3);
  });

  it('reports a failed read and keeps following the pauses', async () => {
    const moves: string[] = [];
    const pauses = pauseStore();
    const errors: unknown[] = [];
    watcher = new QueuePauseWatcher({
      store: pauses.store,
      pollers: [poller('high', moves)],
      everyMs: 10,
      onError: (error) => errors.push(error),
    });
    await watcher.start();
    const failure = new Error('table unreachable');
    pauses.failNextWith(failure);

    await vi.advanceTimersByTimeAsync(10);
    pauses.set('high');
    await vi.advanceTimersByTimeAsync(10);

    expect(errors).toEqual([failure]);
    expect(moves).toEqual(['stop high']);
  });

  it('switches pollers with no one told of changes', async () => {
    const moves: string[] = [];
    const pauses = pauseStore();
    const errors: unknown[] = [];
    watcher = new QueuePauseWatcher({
      store: pauses.store,
      pollers: [poller('high', moves)],
      everyMs: 10,
      onError: (error) => errors.push(error),
    });
    await watcher.start();

    pauses.set('high');
    await vi.advanceTimersByTimeAsync(10);
    pauses.set();
    await vi.advanceTimersByTimeAsync(10);

    expect(moves).toEqual(['stop high', 'start high']);
    expect(errors).toEqual([]);
  });

  it('drops a failed read when no one is told of errors, so a stop still resolves', async () => {
    const pauses = pauseStore();
    watcher = new QueuePauseWatcher({ store: pauses.store, pollers: [], everyMs: 10 });
    await watcher.start();
    const slow = deferred<PauseList>();
    pauses.answerNextWith(slow.promise.then(() => Promise.reject(new Error('read failed'))));
    await vi.advanceTimersByTimeAsync(10);

    const stop = watcher.stop();
    slow.resolve(pauseList());

    await expect(stop).resolves.toBeUndefined();
  });

  it('switches nothing once stopped, and its stop waits for the read in progress', async () => {
    const moves: string[] = [];
    const pauses = pauseStore();
    const high = poller('high', moves);
    const stopping = deferred<void>();
    high.holdStop(stopping.promise);
    watcher = new QueuePauseWatcher({
      store: pauses.store,
      pollers: [high, poller('low', moves)],
      everyMs: 10,
    });
    await watcher.start();
    pauses.set('high', 'low');
    await vi.advanceTimersByTimeAsync(10);
    expect(moves).toEqual(['stop high']);

    let stopped = false;
    const stop = watcher.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    stopping.resolve();
    await stop;
    await vi.advanceTimersByTimeAsync(100);

    // The low queue's poller is left running: a stopped watcher owns no poller any more.
    expect(moves).toEqual(['stop high']);
    expect(pauses.reads).toBe(2);
  });

  it('does not keep the process alive by its timer', async () => {
    vi.useRealTimers();
    const every = vi.spyOn(globalThis, 'setInterval');
    watcher = new QueuePauseWatcher({ store: pauseStore().store, pollers: [] });

    await watcher.start();

    const timer = every.mock.results[0]?.value as NodeJS.Timeout;
    every.mockRestore();
    expect(timer.hasRef()).toBe(false);
  });
});

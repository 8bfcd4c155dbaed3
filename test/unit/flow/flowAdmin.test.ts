import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../functions/core/errors.js';
import {
  FlowAdmin,
  QueuePauseUnavailableError,
  type QueueSwitch,
} from '../../../functions/core/flow/FlowAdmin.js';
import type { FlowStore } from '../../../functions/core/flow/ports.js';
import type { BreakerRecord, PauseRecord } from '../../../functions/core/flow/types.js';
import type { QueueRoute } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import { noop } from '../../../functions/tasks/noop.js';

const routes: QueueRoute[] = ['high', 'low'].map((priority) => ({
  priority,
  name: `app-${priority}`,
  url: `http://127.0.0.1/${priority}`,
  dlqUrl: `http://127.0.0.1/${priority}-dlq`,
  fifo: false,
}));

/** A store at the port: pauses in a list, breakers whose writes can be made to lose. */
function fakeStore(calls: string[], transitions: boolean[] = []) {
  const pauses: PauseRecord[] = [];
  const store: FlowStore = {
    readPauses: async () => ({ queues: [], types: [] }),
    pause: async (record) => {
      calls.push(`store.pause ${record.scope} ${record.name}`);
      pauses.push(record);
      return { created: true, record };
    },
    resume: async (scope, name) => {
      calls.push(`store.resume ${scope} ${name}`);
      return pauses.find((p) => p.scope === scope && p.name === name);
    },
    readBreaker: async () => undefined,
    listBreakers: async () => [],
    addCounts: async () => {
      throw new Error('not used');
    },
    transition: async (next: BreakerRecord) => {
      calls.push(`transition ${next.key} ${next.state}`);
      return transitions.shift() ?? true;
    },
  };
  return store;
}

function admin(store: FlowStore, queueSwitch?: QueueSwitch | 'watched') {
  return new FlowAdmin({
    store,
    clock: { now: () => 7 },
    routes,
    registry: createRegistry([noop]),
    ...(queueSwitch ? { queueSwitch } : {}),
  });
}

const recordingSwitch = (calls: string[]): QueueSwitch => ({
  setEnabled: async (queue, enabled) => {
    calls.push(`switch ${queue.name} ${enabled ? 'on' : 'off'}`);
  },
});

describe('FlowAdmin: pausing queues', () => {
  it('turns the event source off before recording a pause, and on before ending it', async () => {
    const calls: string[] = [];
    const flow = admin(fakeStore(calls), recordingSwitch(calls));
    await flow.pause({ queue: 'app-low' }, 'ann');
    await flow.resume({ queue: 'low' });
    expect(calls).toEqual([
      'switch app-low off',
      'store.pause queue low',
      'switch app-low on',
      'store.resume queue low',
    ]);
  });

  it('only records the pause where the runtime watches for it', async () => {
    const calls: string[] = [];
    const out = await admin(fakeStore(calls), 'watched').pause({ queue: 'high' }, 'ann');
    expect(out.record).toEqual({ scope: 'queue', name: 'high', since: 7, by: 'ann' });
    expect(calls).toEqual(['store.pause queue high']);
  });

  it('refuses a queue pause where nothing can switch the queue, recording nothing', async () => {
    const calls: string[] = [];
    const flow = admin(fakeStore(calls));
    for (const act of [
      () => flow.pause({ queue: 'high' }, 'ann'),
      () => flow.resume({ queue: 'high' }),
    ]) {
      const error = await act().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueuePauseUnavailableError);
      expect(error).toMatchObject({ reason: 'queue_pause_unavailable' });
      expect((error as Error).message).toContain(
        'taskpipe pause --queue <priority> --stack <stack>',
      );
    }
    expect(calls).toEqual([]);
  });

  it('names the queues there are when asked for another', async () => {
    const error = await admin(fakeStore([]), 'watched')
      .pause({ queue: 'urgent' }, 'ann')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as Error).message).toMatch(/^unknown queue: /);
    expect(error).toMatchObject({
      issues: [
        { path: ['queue'], message: 'must be one of high, low (a priority or a queue name)' },
      ],
    });
  });
});

describe('FlowAdmin: moving breakers', () => {
  it('refuses a key that is neither host:… nor type:…', async () => {
    const calls: string[] = [];
    const error = await admin(fakeStore(calls))
      .openBreaker('api.example.com', 'ann')
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^invalid breaker key: /);
    expect(error).toMatchObject({
      issues: [{ path: ['key'], message: 'must be host:<host[:port]> or type:<task type>' }],
    });
    expect(calls).toEqual([]);
  });

  it('reads again after a lost write, and gives up after five, asking to try again', async () => {
    const calls: string[] = [];
    const moved = await admin(fakeStore(calls, [false, false, true])).openBreaker(
      'host:api.example.com',
      'ann',
    );
    expect(moved).toMatchObject({ state: 'open', by: 'ann' });
    expect(calls).toHaveLength(3);

    const lost: string[] = [];
    const error = await admin(fakeStore(lost, Array(6).fill(false)))
      .closeBreaker('type:noop', 'ann')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toBe(
      'breaker type:noop was moved by consumers five times in a row; try again',
    );
    expect(lost).toEqual(Array(5).fill('transition type:noop closed'));
  });
});

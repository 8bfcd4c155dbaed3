import { describe, expect, it } from 'vitest';
import type { TaskStore, TransitionResult } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { TaskStateConflictError } from '../../../functions/core/service/errors.js';
import { TaskService } from '../../../functions/core/service/TaskService.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const row = (status: TaskStatus, extra: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 't1',
  type: 'noop',
  status,
  priority: 'default',
  attempts: 1,
  maxAttempts: 3,
  createdAt: 0,
  expiresAt: 9_999_999_999,
  links: { nextId: 'n1' },
  ...extra,
});

/** A store whose cancel and stopChain answer from scripts, in call order. */
function scripted(cancels: TransitionResult[], stops: TransitionResult[]) {
  const calls: string[] = [];
  const store = {
    cancel: async () => {
      calls.push('cancel');
      return cancels.shift() ?? { ok: false };
    },
    stopChain: async () => {
      calls.push('stopChain');
      return stops.shift() ?? { ok: false };
    },
  } as unknown as TaskStore;
  const service = new TaskService({
    registry: createRegistry([]),
    store,
    queue: {} as never,
    routes: [],
    logger: silent,
  });
  return { service, calls };
}

// The step moves between the cancel's two writes: each answer follows where it went.
describe('TaskService.cancel of a chain step', () => {
  it('cancels a step that left RUNNING for RETRYING between the writes', async () => {
    const { service, calls } = scripted(
      [
        { ok: false, current: row('RUNNING') },
        { ok: true, record: row('CANCELLED') },
      ],
      [{ ok: false, current: row('RETRYING') }],
    );
    expect((await service.cancel('t1')).status).toBe('CANCELLED');
    expect(calls).toEqual(['cancel', 'stopChain', 'cancel']);
  });

  it('refuses with the state it found when the step ended between the writes', async () => {
    const { service, calls } = scripted(
      [
        { ok: false, current: row('RUNNING') },
        { ok: false, current: row('SUCCEEDED') },
      ],
      [{ ok: false, current: row('SUCCEEDED') }],
    );
    const error = await service.cancel('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskStateConflictError);
    expect((error as TaskStateConflictError).message).toMatch(/that is SUCCEEDED/);
    expect(calls).toEqual(['cancel', 'stopChain', 'cancel']);
  });

  it('gives up after two rounds of a step that keeps moving', async () => {
    const running = { ok: false as const, current: row('RUNNING') };
    const { service, calls } = scripted([running, running, running], [running, running, running]);
    await expect(service.cancel('t1')).rejects.toThrow(/that is RUNNING/);
    expect(calls).toEqual(['cancel', 'stopChain', 'cancel', 'stopChain']);
  });

  it('answers the stopped step, still RUNNING', async () => {
    const stopped = row('RUNNING', { chainStoppedAt: 5 });
    const { service } = scripted(
      [{ ok: false, current: row('RUNNING') }],
      [{ ok: true, record: stopped }],
    );
    expect(await service.cancel('t1')).toEqual(stopped);
  });

  it('does not stop the chain of a running task that has none', async () => {
    const { service, calls } = scripted(
      [{ ok: false, current: row('RUNNING', { links: {} }) }],
      [],
    );
    await expect(service.cancel('t1')).rejects.toThrow(/that is RUNNING/);
    expect(calls).toEqual(['cancel']);
  });
});

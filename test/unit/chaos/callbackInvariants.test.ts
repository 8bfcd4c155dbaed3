import { describe, expect, it } from 'vitest';
import type { ReceivedCallback } from '../../../chaos/CallbackReceiver.js';
import { checkCallbacks } from '../../../chaos/callbackInvariants.js';
import type { ChaosGroup } from '../../../chaos/workflowLoad.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';
import { callbackId } from '../../../functions/core/workflow/workflowIds.js';

const row = (id: string, status: TaskStatus): TaskRecord => ({
  id,
  type: 'chaos.work',
  status,
  priority: 'default',
  attempts: 1,
  maxAttempts: 4,
  createdAt: 0,
  expiresAt: 0,
});

const group: ChaosGroup = {
  id: 'g1',
  size: 2,
  memberIds: ['g1.0', 'g1.1'],
  unsentIds: [],
  sealSentAt: 0,
  callback: true,
};

const call = (over: Partial<ReceivedCallback>): ReceivedCallback => ({
  answered: 200,
  valid: true,
  ...over,
});

/** Two tasks and a group called back: t1 after a 503, t2 at once, the group's summary once. */
function goodRun() {
  const tasks = new Map<string, TaskRecord>();
  for (const [id, status] of [
    ['t1', 'SUCCEEDED'],
    ['t2', 'FAILED'],
    ['g1.0', 'SUCCEEDED'],
    ['g1.1', 'FAILED'],
  ] as const) {
    tasks.set(id, row(id, status));
  }
  for (const owner of ['t1', 't2', 'g1'])
    tasks.set(callbackId(owner), row(callbackId(owner), 'SUCCEEDED'));
  const received = [
    call({ kind: 'task', ownerId: 't1', status: 'SUCCEEDED', answered: 503 }),
    call({ kind: 'task', ownerId: 't1', status: 'SUCCEEDED' }),
    call({ kind: 'task', ownerId: 't2', status: 'FAILED' }),
    call({ kind: 'group', ownerId: 'g1', status: 'COMPLETED_WITH_FAILURES' }),
  ];
  return { taskIds: ['t1', 't2'], groups: [group], tasks, received, refusals: 3 };
}

const failing = (run: ReturnType<typeof goodRun>) => {
  const { invariant } = checkCallbacks(run);
  return invariant.pass ? [] : [invariant.detail];
};

describe('the callback invariant', () => {
  it('passes when every callback was delivered, signed and fresh, with the final status', () => {
    const run = goodRun();

    expect(failing(run)).toEqual([]);
    expect(checkCallbacks(run).invariant.detail).toBe(
      '3 callback(s), 1 of groups, each delivered; 3 tries refused, then 1 answered 503, of 4 request(s)',
    );
  });

  it("returns the callback tasks' ids, for the run's other invariants", () => {
    expect(checkCallbacks(goodRun()).ids).toEqual(['t1', 't2', 'g1'].map(callbackId));
  });

  it('fails a callback only ever refused or answered 503', () => {
    const run = goodRun();
    run.received.splice(1, 1);

    expect(failing(run)).toEqual(['1 violation(s): t1: never delivered (1 tries)']);
  });

  it('fails a request whose signature or timestamp the docs’ check refuses', () => {
    const run = goodRun();
    run.received[2] = call({
      kind: 'task',
      ownerId: 't2',
      status: 'FAILED',
      valid: false,
      answered: 401,
    });

    expect(failing(run)).toEqual([
      '2 violation(s): t2: signature or timestamp refused, t2: never delivered (1 tries)',
    ]);
  });

  it('fails a delivered status that is not the final one', () => {
    const run = goodRun();
    run.received[3] = call({ kind: 'group', ownerId: 'g1', status: 'SUCCEEDED' });

    expect(failing(run)).toEqual([
      '1 violation(s): g1: delivered SUCCEEDED, ended COMPLETED_WITH_FAILURES',
    ]);
  });

  it('expects no callback yet from a task or a group that has not ended', () => {
    const run = goodRun();
    run.tasks.set('t2', row('t2', 'RETRYING'));
    run.tasks.set('g1.1', row('g1.1', 'RUNNING'));
    run.received.splice(2, 2);

    expect(failing(run)).toEqual([]);
    expect(checkCallbacks(run).invariant.detail).toMatch(/^1 callback\(s\), 0 of groups/);
  });

  it('counts a member the API never sent as failed, and a group of successes as SUCCEEDED', () => {
    const run = goodRun();
    run.tasks.set('g1.1', row('g1.1', 'SUCCEEDED'));
    run.received[3] = call({ kind: 'group', ownerId: 'g1', status: 'SUCCEEDED' });
    expect(failing(run)).toEqual([]);

    run.groups = [{ ...group, unsentIds: ['g1.1'] }];
    run.tasks.delete('g1.1');
    expect(failing(run)).toEqual([
      '1 violation(s): g1: delivered SUCCEEDED, ended COMPLETED_WITH_FAILURES',
    ]);
  });

  it('leaves out a group with no callback', () => {
    const run = goodRun();
    run.groups = [{ ...group, callback: false }];
    run.received.pop();

    expect(failing(run)).toEqual([]);
    expect(checkCallbacks(run).ids).toEqual(['t1', 't2'].map(callbackId));
  });
});

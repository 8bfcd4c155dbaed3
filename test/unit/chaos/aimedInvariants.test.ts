import { describe, expect, it } from 'vitest';
import { checkAimed } from '../../../chaos/aimedInvariants.js';
import type { AimedWorkload } from '../../../chaos/aimedTasks.js';
import type { DeadLetter } from '../../../chaos/finalState.js';
import { SideEffectLedger } from '../../../chaos/SideEffectLedger.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';

const row = (id: string, status: TaskStatus, attempts: number): TaskRecord => ({
  id,
  type: 'chaos.lease',
  status,
  priority: 'default',
  attempts,
  maxAttempts: 4,
  createdAt: 0,
  expiresAt: 0,
});

const aimed: AimedWorkload = {
  ids: new Map(),
  fifo: new Map([['f1', { groupId: 'chaos-group-0', deduplicationId: 'm-1' }]]),
};

/** A run where each aimed fault was handled: late retry, refused late write, kept FIFO ids. */
function goodRun() {
  const ledger = new SideEffectLedger();
  ledger.retryRequests.push({ taskId: 'r1', attempt: 1, notBefore: 4_000 });
  ledger.attemptStarts.push({ taskId: 'r1', attempt: 1, at: 1_000 });
  ledger.attemptStarts.push({ taskId: 'r1', attempt: 2, at: 4_200 });
  ledger.lateWrites.push({
    taskId: 'l1',
    newerAttempt: 2,
    newerStatus: 'SUCCEEDED',
    applied: false,
  });
  const tasks = new Map([
    ['l1', row('l1', 'SUCCEEDED', 2)],
    ['f1', row('f1', 'FAILED', 1)],
  ]);
  const deadLetters: DeadLetter[] = [
    { taskId: 'f1', reason: 'permanent', groupId: 'chaos-group-0', deduplicationId: 'm-1' },
  ];
  return { aimed, ledger, tasks, deadLetters, storeFaulted: new Set<string>() };
}

const failing = (run: ReturnType<typeof goodRun>) =>
  checkAimed(run)
    .filter((i) => !i.pass)
    .map((i) => [i.name, i.detail]);

describe('the aimed faults’ invariants', () => {
  it('pass when each fault was handled', () => {
    expect(failing(goodRun())).toEqual([]);
  });

  it('fail a retry that ran before its Retry-After', () => {
    const run = goodRun();
    run.ledger.attemptStarts[1]!.at = 2_000;

    expect(failing(run)).toEqual([
      [
        'a retry waits for its Retry-After, not the shorter backoff',
        '1 violation(s): r1: attempt 2 2000 ms early',
      ],
    ]);
  });

  it('leave out, and count, a retry whose write met a DynamoDB fault: it was never recorded', () => {
    const run = goodRun();
    run.ledger.attemptStarts[1]!.at = 2_000;
    run.storeFaulted = new Set(['r1']);

    expect(failing(run)).toEqual([]);
    expect(checkAimed(run)[0]?.detail).toBe(
      '0 of 1 asked retries ran, none early; 1 left out after a DynamoDB fault',
    );
  });

  it('fail a late write that was applied, or a newer state that changed', () => {
    const applied = goodRun();
    applied.ledger.lateWrites[0]!.applied = true;
    const changed = goodRun();
    changed.tasks.set('l1', row('l1', 'RETRYING', 2));

    expect(failing(applied)[0]).toEqual([
      'a late write from a lost lease leaves the newer state',
      '1 violation(s): l1: late write applied',
    ]);
    expect(failing(changed)[0]?.[1]).toBe('1 violation(s): l1: newer state changed');
  });

  it('ignore a held write let through when no newer attempt came', () => {
    const run = goodRun();
    run.ledger.lateWrites.push({ taskId: 'l2', applied: true });

    expect(failing(run)).toEqual([]);
  });

  it('fail a FIFO DLQ copy without its group or deduplication id, or with none at all', () => {
    const lost = goodRun();
    lost.deadLetters = [{ taskId: 'f1', reason: 'permanent', deduplicationId: 'hash' }];
    const missing = goodRun();
    missing.deadLetters = [];

    expect(failing(lost)[0]?.[1]).toBe(
      '2 violation(s): f1: group (none), f1: deduplication id hash',
    );
    expect(failing(missing)[0]?.[1]).toBe('1 violation(s): f1: FAILED, no DLQ copy');
  });

  it('leave a FIFO task that has not failed to the terminal-state invariant', () => {
    const run = goodRun();
    run.tasks.set('f1', row('f1', 'RUNNING', 1));
    run.deadLetters = [];

    expect(failing(run)).toEqual([]);
  });
});

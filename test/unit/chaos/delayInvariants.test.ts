import { describe, expect, it } from 'vitest';
import type { DelayedTask } from '../../../chaos/delayedLoad.js';
import { checkDelays } from '../../../chaos/delayInvariants.js';
import { SideEffectLedger } from '../../../chaos/SideEffectLedger.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';

const row = (id: string, status: TaskStatus): TaskRecord => ({
  id,
  type: 'chaos.delayed',
  status,
  priority: 'default',
  attempts: 1,
  maxAttempts: 4,
  createdAt: 0,
  expiresAt: 0,
});

const delayed = (id: string, over: Partial<DelayedTask> = {}): DelayedTask => ({
  id,
  notBefore: 10_000,
  scheduled: true,
  cancelled: false,
  callback: false,
  ...over,
});

/** Two delayed tasks that ran when due (one failed), and one cancelled that never ran. */
function goodRun() {
  const ledger = new SideEffectLedger();
  ledger.delayedStarts.push({ taskId: 'd1', attempt: 1, at: 10_000 });
  ledger.delayedStarts.push({ taskId: 'd2', attempt: 1, at: 12_000 });
  ledger.delayedStarts.push({ taskId: 'd2', attempt: 2, at: 13_000 });
  return {
    delayed: [delayed('d1'), delayed('d2'), delayed('d3', { cancelled: true })],
    ledger,
    tasks: new Map([
      ['d1', row('d1', 'SUCCEEDED')],
      ['d2', row('d2', 'FAILED')],
      ['d3', row('d3', 'CANCELLED')],
    ]),
    pendingSchedules: [] as string[],
    heldAcrossRestarts: 2,
  };
}

const failing = (run: ReturnType<typeof goodRun>) =>
  checkDelays(run)
    .filter((i) => !i.pass)
    .map((i) => [i.name, i.detail]);

const EARLY = 'no long-delayed task runs before it is due, or is lost';
const CANCELLED = 'a cancelled long-delayed task never runs';

describe('the long-delay invariants', () => {
  it('pass when every delayed task ran when due and the cancelled one never ran', () => {
    expect(failing(goodRun())).toEqual([]);
    expect(checkDelays(goodRun()).map((i) => i.detail)).toEqual([
      '2 of 2 delayed task(s) ran, none early; 2 schedule(s) held across a restart, 0 left',
      '1 cancelled while waiting',
    ]);
  });

  it('fail an attempt that started before the task was due, by the run’s clock', () => {
    const run = goodRun();
    run.ledger.delayedStarts[0]!.at = 9_999;

    expect(failing(run)).toEqual([[EARLY, '1 violation(s): d1: started 1 ms before it was due']]);
  });

  it('fail a task that never ended, one that succeeded unstarted, or one the API did not schedule', () => {
    const run = goodRun();
    run.tasks.set('d2', row('d2', 'SCHEDULED'));
    run.ledger.delayedStarts.shift();
    run.delayed[2] = delayed('d3', { cancelled: true, scheduled: false });

    expect(failing(run)).toEqual([
      [
        EARLY,
        '3 violation(s): d1: SUCCEEDED, never started, d2: lost (SCHEDULED), d3: not SCHEDULED by the API',
      ],
    ]);
  });

  it('fail a task with no row as lost', () => {
    const run = goodRun();
    run.tasks.delete('d2');

    expect(failing(run)).toEqual([[EARLY, '1 violation(s): d2: lost (no row)']]);
  });

  it('fail a schedule still held at the end', () => {
    const run = goodRun();
    run.pendingSchedules = ['d9'];

    expect(failing(run)).toEqual([[EARLY, '1 violation(s): d9: still scheduled']]);
  });

  it('fail a cancelled task that ran, or did not end CANCELLED', () => {
    const run = goodRun();
    run.ledger.delayedStarts.push({ taskId: 'd3', attempt: 1, at: 20_000 });
    run.tasks.set('d3', row('d3', 'SUCCEEDED'));

    expect(failing(run)).toEqual([
      [
        CANCELLED,
        '2 violation(s): d3: ran 1 time(s) after its cancel, d3: SUCCEEDED, not CANCELLED',
      ],
    ]);
  });
});

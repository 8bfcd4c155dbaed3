import { describe, expect, it } from 'vitest';
import {
  admissionTimes,
  BREAKER_GRACE_MS,
  checkFlow,
  type FlowFacts,
  PAUSE_READ_MS,
} from '../../../chaos/flowInvariants.js';
import { FLOW_CHAOS_TYPES, FlowLedger, type FlowRun } from '../../../chaos/flowTasks.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';

const T = FLOW_CHAOS_TYPES;
const row = (id: string, type: string, status: TaskStatus, extra = {}): TaskRecord => ({
  id,
  type,
  status,
  priority: 'default',
  attempts: 1,
  maxAttempts: 4,
  createdAt: 0,
  expiresAt: 0,
  ...extra,
});

/** A scenario where every limit held: one task per type, each run once and applied. */
function facts(): FlowFacts {
  const ledger = new FlowLedger();
  const runs: FlowRun[] = [
    { type: T.limited, taskId: 'l1', attempt: 1, startMs: 1_000, endMs: 1_010 },
    { type: T.keyed, taskId: 'k1', attempt: 1, key: 'a', startMs: 1_000, endMs: 1_040 },
    { type: T.paused, taskId: 'p1', attempt: 1, startMs: 20_000, endMs: 20_001 },
    { type: T.fragile, taskId: 'f1', attempt: 1, startMs: 40_000, endMs: 40_001 },
  ];
  ledger.runs.push(...runs);
  for (const r of runs) ledger.applied.add(r.taskId);
  const types = new Map(runs.map((r) => [r.taskId, r.type]));
  return {
    ledger,
    enqueued: types,
    tasks: new Map(runs.map((r) => [r.taskId, row(r.taskId, r.type, 'SUCCEEDED')])),
    deadLetters: [],
    admissions: [900],
    pause: { pausedAt: 0, resumedAt: 10_000 },
    breakerOpen: [{ since: 30_000, until: 35_000 }],
  };
}

const failing = (f: FlowFacts) => checkFlow(f).filter((i) => !i.pass);
const run = (over: Partial<FlowRun> & Pick<FlowRun, 'type' | 'taskId' | 'startMs'>): FlowRun => ({
  attempt: 1,
  endMs: over.startMs + 1,
  ...over,
});

describe('the flow-control invariants', () => {
  it('pass a scenario where every limit held', () => {
    expect(failing(facts())).toEqual([]);
  });

  it('fail tokens handed out above burst + perSecond × w, or a start without its token', () => {
    const f = facts();
    // Burst 5 at 5/s: seven tokens within 100 ms allow 5.5.
    f.admissions.push(...Array.from({ length: 7 }, (_, i) => 5_000 + i * 15));
    expect(failing(f).map((i) => i.name)).toEqual([
      'rate-limited tasks admitted within burst + perSecond × w, each start with its token',
    ]);
    const untokened = facts();
    untokened.admissions = [];
    expect(failing(untokened)[0]?.detail).toContain('1 starts for 0 tokens');
  });

  it('count starts that bunch up after their tokens, without failing on them', () => {
    const f = facts();
    for (let i = 0; i < 7; i++) {
      f.ledger.runs.push(run({ type: T.limited, taskId: `x${i}`, startMs: 5_000 + i * 15 }));
      f.admissions.push(1_000 + i * 1_000);
    }
    expect(failing(f)).toEqual([]);
    expect(checkFlow(f)[0]?.detail).toMatch(/; [1-9]\d* window\(s\) of starts over the bound/);
  });

  it('reads each token from the bucket writes, versions in any order', () => {
    // Full at 0 (5 tokens); version 1 takes 3 at 1 s; version 2 takes 2 more at 1 s.
    const writes = new Map([
      [2, { tokens: 0, at: 1_000 }],
      [1, { tokens: 2, at: 1_000 }],
    ]);
    expect(admissionTimes(writes, { perSecond: 5, burst: 5 })).toEqual([
      1_000, 1_000, 1_000, 1_000, 1_000,
    ]);
  });

  it('fail three runs of one key at once', () => {
    const f = facts();
    f.ledger.runs.push(
      run({ type: T.keyed, taskId: 'k2', key: 'a', startMs: 1_010, endMs: 1_050 }),
      run({ type: T.keyed, taskId: 'k3', key: 'a', startMs: 1_020, endMs: 1_060 }),
    );
    expect(failing(f)[0]?.detail).toContain('a: 3 at once');
  });

  it('fail a task that did not end, or ended SUCCEEDED with no side effect', () => {
    const f = facts();
    f.tasks.set('l1', row('l1', T.limited, 'QUEUED'));
    f.ledger.applied.delete('k1');
    expect(failing(f)[0]?.detail).toMatch(/l1 \(chaos.limited\): QUEUED.*k1: no side effect/);
  });

  it('fail a message that SQS moved to the DLQ by its receive count', () => {
    const f = facts();
    f.deadLetters.push({ taskId: '', reason: '' });
    expect(failing(f).map((i) => i.name)).toEqual([
      'no flow-controlled task dead-lettered through receive counts',
    ]);
  });

  it('fail a paused task that started after the pause took effect and before the resume', () => {
    const f = facts();
    f.ledger.runs.push(run({ type: T.paused, taskId: 'p2', startMs: PAUSE_READ_MS }));
    expect(failing(f)[0]?.detail).toContain(`p2: started ${PAUSE_READ_MS} ms into the pause`);
    f.ledger.runs.pop();
    f.ledger.runs.push(run({ type: T.paused, taskId: 'p3', startMs: PAUSE_READ_MS - 1 }));
    expect(failing(f)).toEqual([]);
  });

  it('fail an attempt against an open breaker, or a breaker that never opened', () => {
    const f = facts();
    f.ledger.runs.push(run({ type: T.fragile, taskId: 'f2', startMs: 30_000 + BREAKER_GRACE_MS }));
    expect(failing(f)[0]?.detail).toContain('f2: attempt 1');
    expect(failing({ ...facts(), breakerOpen: [] })[0]?.detail).toContain('never opened');
  });
});

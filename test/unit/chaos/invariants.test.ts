import { describe, expect, it } from 'vitest';
import { WORK_TYPES } from '../../../chaos/chaosTasks.js';
import { drainBoundFor } from '../../../chaos/drainBound.js';
import { checkInvariants, type RunFacts } from '../../../chaos/invariants.js';
import { SideEffectLedger } from '../../../chaos/SideEffectLedger.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const succeeded = (id: string, attempts: number): TaskRecord => ({
  id,
  type: WORK_TYPES.full,
  status: 'SUCCEEDED',
  priority: 'default',
  attempts,
  maxAttempts: 4,
  result: { attempt: attempts },
  createdAt: 0,
  expiresAt: 0,
});

/** Two tasks, each run once and counted once by the consumer, read after the drain. */
function facts(): RunFacts {
  const ledger = new SideEffectLedger();
  ledger.append('a', 1, 'key-a');
  ledger.append('b', 2, 'key-b');
  return {
    workload: {
      enqueued: new Set(['a', 'b']),
      poisonSent: 0,
      resubmitted: 0,
      rejected: 0,
      callbacks: new Set<string>(),
    },
    tasks: new Map([
      ['a', succeeded('a', 1)],
      ['b', succeeded('b', 2)],
    ]),
    deadLetters: [],
    ledger,
    succeededCount: 2,
    drain: { drainMs: 10_000, cpuMs: 5_000, longestStallMs: 1_000 },
    drainBound: drainBoundFor(2),
    queueDepth: 0,
    notices: [{ name: 'chaos-dlq-not-empty', state: 'ALARM' } as never],
    unhandled: [],
  };
}

const fencing = (f: RunFacts) =>
  checkInvariants(f).find(
    (i) => i.name === 'no task recorded as succeeding twice (ledger vs fencing)',
  )!;

describe('the fencing invariant', () => {
  it('passes a run where each success was counted once', () => {
    expect(checkInvariants(facts()).filter((i) => !i.pass)).toEqual([]);
  });

  it('fails when the consumer counted more successes than there are SUCCEEDED rows', () => {
    const f = { ...facts(), succeededCount: 3 };
    expect(fencing(f)).toMatchObject({ pass: false });
    expect(fencing(f).detail).toContain('3 successes recorded for 2 tasks');
  });

  it('passes when a success went uncounted: the row holds it once, nothing ran twice', () => {
    expect(fencing({ ...facts(), succeededCount: 1 }).pass).toBe(true);
  });

  it('fails when an attempt after the recorded success ran its side effect', () => {
    const f = facts();
    f.ledger.append('a', 2, 'key-a-again');
    expect(fencing(f).detail).toContain('a: ran after its success was recorded');
  });

  it('fails when a success is recorded from an attempt whose side effect never ran', () => {
    const f = facts();
    f.tasks.set('a', succeeded('a', 3));
    expect(fencing(f).detail).toContain('a: result not from its attempt');
  });
});

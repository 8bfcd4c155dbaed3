import { type BucketState, refill } from '../functions/core/flow/tokenBucket.js';
import type { TaskRecord } from '../functions/core/status.js';
import type { DeadLetter } from './finalState.js';
import { FLOW_CHAOS_TYPES, type FlowLedger, KEY_LIMIT, RATE_LIMIT } from './flowTasks.js';
import { check, type InvariantResult } from './invariants.js';
/**
 * Flow-control invariants over recorded start (and end) times, for the chaos run and the
 * tests: the definitions of docs/flow-control.md, checked on what happened.
 */

/**
 * The windows in which more than `burst + perSecond × w` tasks started, `w` being the
 * window's length in seconds. Every window that could break the bound starts and ends at
 * a start, so the pairs of starts are all the windows there are to check.
 */
export function rateViolations(
  startsMs: readonly number[],
  policy: { perSecond: number; burst: number },
): { from: number; to: number; started: number; allowed: number }[] {
  const starts = [...startsMs].sort((a, b) => a - b);
  const out: { from: number; to: number; started: number; allowed: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    for (let j = i + policy.burst; j < starts.length; j++) {
      const from = starts[i] as number;
      const to = starts[j] as number;
      const allowed = policy.burst + (policy.perSecond * (to - from)) / 1000;
      const started = j - i + 1;
      if (started > allowed) out.push({ from, to, started, allowed });
    }
  }
  return out;
}

/** The most runs of one key that overlapped in time, per key. */
export function peakConcurrency(
  runs: readonly { key: string; startMs: number; endMs: number }[],
): Map<string, number> {
  const byKey = new Map<string, { at: number; delta: number }[]>();
  for (const run of runs) {
    const events = byKey.get(run.key) ?? [];
    events.push({ at: run.startMs, delta: 1 }, { at: run.endMs, delta: -1 });
    byKey.set(run.key, events);
  }
  const peaks = new Map<string, number>();
  for (const [key, events] of byKey) {
    // Ends before starts at the same instant: a run that ended frees its slot.
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const event of events) {
      running += event.delta;
      peak = Math.max(peak, running);
    }
    peaks.set(key, peak);
  }
  return peaks;
}

/** What the flow scenario saw, for {@link checkFlow}. */
export interface FlowFacts {
  ledger: FlowLedger;
  /** Every task the scenario enqueued, by id, with its type. */
  enqueued: Map<string, string>;
  tasks: Map<string, TaskRecord>;
  deadLetters: DeadLetter[];
  /** When the pause of `chaos.paused` was in force (epoch ms), and when it was lifted. */
  pause: { pausedAt: number; resumedAt: number };
  /** The rate limit's token times (epoch ms), from its bucket's writes. */
  admissions: number[];
  /** Each time the breaker opened by itself: from `since` to when probing could start. */
  breakerOpen: { since: number; until: number }[];
}

/**
 * A consumer reads the pause list at most every 5 s (docs/pause-and-breakers.md): a task
 * may start that long after the pause, not later.
 */
export const PAUSE_READ_MS = 5_000;
/**
 * A consumer reads a breaker at most once a second; a task it admitted just before the
 * breaker opened then makes its claim write, which a loaded machine can stretch to a second.
 */
export const BREAKER_GRACE_MS = 2_000;

/**
 * The time of every token a bucket handed out, from its writes by version: a write spent
 * what the bucket held (the version before, refilled to the write's time) less what it left.
 */
export function admissionTimes(
  writes: ReadonlyMap<number, BucketState>,
  policy: { perSecond: number; burst: number },
): number[] {
  const times: number[] = [];
  for (const [version, state] of writes) {
    const before = refill(writes.get(version - 1), policy, state.at).tokens;
    for (let i = 0; i < Math.round(before - state.tokens); i++) times.push(state.at);
  }
  return times;
}

/** The flow-control invariants of issues 21 and 22, from the ledger, the rows and the DLQ. */
export function checkFlow(f: FlowFacts): InvariantResult[] {
  const runsOf = (type: string) => f.ledger.runs.filter((r) => r.type === type);
  const limited = runsOf(FLOW_CHAOS_TYPES.limited).map((r) => r.startMs);
  const overRate = rateViolations(f.admissions, RATE_LIMIT).map(
    (v) => `${v.started} tokens in ${v.to - v.from} ms (allowed ${v.allowed.toFixed(1)})`,
  );
  if (f.admissions.length < limited.length) {
    overRate.push(`${limited.length} starts for ${f.admissions.length} tokens`);
  }
  // A start follows its token by a claim write; on a loaded machine those vary by more
  // than the limiter's margin, so starts are counted and shown, not held to the bound.
  const startsOver = rateViolations(limited, RATE_LIMIT).length;
  const keyed = runsOf(FLOW_CHAOS_TYPES.keyed).map((r) => ({
    key: r.key ?? '',
    startMs: r.startMs,
    endMs: r.endMs ?? Number.POSITIVE_INFINITY,
  }));
  const peaks = peakConcurrency(keyed);
  const overKey = [...peaks].filter(([, n]) => n > KEY_LIMIT).map(([k, n]) => `${k}: ${n} at once`);

  const lost: string[] = [];
  for (const [id, type] of f.enqueued) {
    const row = f.tasks.get(id);
    const reason = (row?.lastError?.details as { reason?: string } | undefined)?.reason;
    if (row?.status === 'SUCCEEDED' && !f.ledger.applied.has(id))
      lost.push(`${id}: no side effect`);
    else if (row?.status === 'FAILED' && !reason) lost.push(`${id}: FAILED with no reason`);
    else if (row?.status !== 'SUCCEEDED' && row?.status !== 'FAILED') {
      lost.push(`${id} (${type}): ${row?.status ?? 'no row'}`);
    }
  }
  const byReceives = f.deadLetters
    .filter((d) => !d.reason || f.tasks.get(d.taskId)?.status !== 'FAILED')
    .map((d) => `${d.taskId || '(no task id)'}: dead-lettered with ${d.reason || 'no reason'}`);

  const { pausedAt, resumedAt } = f.pause;
  const paused = runsOf(FLOW_CHAOS_TYPES.paused);
  const whilePaused = paused
    .filter((r) => r.startMs >= pausedAt + PAUSE_READ_MS && r.startMs < resumedAt)
    .map((r) => `${r.taskId}: started ${r.startMs - pausedAt} ms into the pause`);
  const fragile = runsOf(FLOW_CHAOS_TYPES.fragile);
  const whileOpen = f.breakerOpen.length === 0 ? ['the breaker never opened'] : [];
  for (const open of f.breakerOpen) {
    for (const r of fragile.filter(
      (r) => r.startMs >= open.since + BREAKER_GRACE_MS && r.startMs < open.until,
    )) {
      whileOpen.push(
        `${r.taskId}: attempt ${r.attempt} ${r.startMs - open.since} ms after it opened`,
      );
    }
  }
  const deferrals = [...f.enqueued.keys()].reduce(
    (n, id) => n + (f.tasks.get(id)?.deferrals ?? 0),
    0,
  );
  return [
    check(
      'rate-limited tasks admitted within burst + perSecond × w, each start with its token',
      overRate,
      `${f.admissions.length} tokens for ${limited.length} starts at ${RATE_LIMIT.perSecond}/s, burst ${RATE_LIMIT.burst}; ` +
        `${startsOver} window(s) of starts over the bound by the claim write's latency`,
    ),
    check(
      'no key runs more than its concurrency limit at once',
      overKey,
      `${keyed.length} runs over ${peaks.size} keys, peak ${Math.max(0, ...peaks.values())} of ${KEY_LIMIT}`,
    ),
    check(
      'every flow-controlled task ends, nothing lost',
      lost,
      `${f.enqueued.size} tasks, ${deferrals} deferrals`,
    ),
    check('no flow-controlled task dead-lettered through receive counts', byReceives, 'none'),
    check(
      'no attempt starts while its type is paused',
      whilePaused,
      `${paused.filter((r) => r.startMs >= resumedAt).length} runs after a ${resumedAt - pausedAt} ms pause`,
    ),
    check(
      'no attempt spent against an open breaker',
      whileOpen,
      `opened ${f.breakerOpen.length} time(s), ${fragile.length} attempts in all`,
    ),
  ];
}

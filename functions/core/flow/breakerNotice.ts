import type { BreakerPolicy } from './breakerPolicy.js';
import { type BreakerRecord, type BreakerState, BY_BREAKER } from './types.js';

/** Where the runbook for an open or closed breaker lives. */
export const BREAKER_RUNBOOK_ANCHOR = 'docs/pause-and-breakers.md#when-a-breaker-opens-or-closes';

/**
 * What a breaker transition means to an operator. `opened`: tasks keyed to it start to wait
 * (closed → open); `closed`: they run again (open or half-open → closed); `moved`: an
 * operator moved it some other way (held open a half-open breaker). Probing and a failed
 * probe's re-opening are neither: the breaker was already open as far as anyone was told.
 */
export type BreakerMove = 'opened' | 'closed' | 'moved';

/** The move `next` makes from `previous`, or undefined when nobody needs to hear of it. */
export function breakerMove(
  next: BreakerRecord,
  previous: BreakerRecord | undefined,
): BreakerMove | undefined {
  const was: BreakerState = previous?.state ?? 'closed';
  if (next.state === was) return undefined;
  if (next.state === 'open' && was === 'closed') return 'opened';
  if (next.state === 'closed') return 'closed';
  return next.by === BY_BREAKER ? undefined : 'moved';
}

/** The failure figures that tripped a breaker, from its window when it opened. */
export interface BreakerFigures {
  failures: number;
  attempts: number;
  windowSeconds: number;
  /** The policy: the rate (0–1) and the attempts it needs before it may open. */
  failureRate: number;
  minAttempts: number;
}

/**
 * A breaker transition as the alarm targets are told of it. It travels as JSON on the
 * alarm topic beside CloudWatch's alarm messages; `source` and `kind` tell them apart,
 * and `version` rises only when a field changes meaning or goes away.
 */
export interface BreakerNotice {
  source: 'taskpipe';
  kind: 'circuit-breaker';
  version: 1;
  /** The pipeline's name. */
  pipeline: string;
  key: string;
  move: BreakerMove;
  state: BreakerState;
  previousState: BreakerState;
  /** `breaker` when it moved by itself, else the operator who moved it. */
  by: string;
  /** When it moved, ISO 8601 UTC. */
  time: string;
  /** Open: when probing starts; absent when an operator holds it open until closed. */
  probingAt?: string;
  /** Known when the breaker opened by itself. */
  figures?: BreakerFigures;
  /** The breaker's version after the move: with the key, it names this transition. */
  transition: number;
  runbook: string;
}

/** The notice of a transition, or undefined when {@link breakerMove} says nobody needs it. */
export function breakerNoticeOf(
  pipeline: string,
  next: BreakerRecord,
  previous: BreakerRecord | undefined,
  policy?: BreakerPolicy,
): BreakerNotice | undefined {
  const move = breakerMove(next, previous);
  if (!move) return undefined;
  const figures =
    move === 'opened' && next.by === BY_BREAKER && policy ? figuresOf(next, policy) : undefined;
  return {
    source: 'taskpipe',
    kind: 'circuit-breaker',
    version: 1,
    pipeline,
    key: next.key,
    move,
    state: next.state,
    previousState: previous?.state ?? 'closed',
    by: next.by,
    time: new Date(next.since).toISOString(),
    ...(next.state === 'open' && next.until !== undefined
      ? { probingAt: new Date(next.until).toISOString() }
      : {}),
    ...(figures ? { figures } : {}),
    transition: next.version,
    runbook: runbookOf(next),
  };
}

// An opening keeps the window's buckets (only closing empties them), and the counts write
// that tripped it dropped the buckets outside the window: their sum is the window's.
function figuresOf(record: BreakerRecord, policy: BreakerPolicy): BreakerFigures {
  let failures = 0;
  let attempts = 0;
  for (const b of record.buckets) {
    failures += b.failures;
    attempts += b.attempts;
  }
  return {
    failures,
    attempts,
    windowSeconds: policy.windowMs / 1000,
    failureRate: policy.failureRate,
    minAttempts: policy.minAttempts,
  };
}

function runbookOf(record: BreakerRecord): string {
  const see = `See ${BREAKER_RUNBOOK_ANCHOR}.`;
  if (record.state === 'closed') {
    return `Tasks keyed to ${record.key} run again. ${see}`;
  }
  const how =
    record.until === undefined
      ? `It is held open until someone closes it: npx taskpipe breaker close ${record.key}`
      : `Probing starts by itself; to stop tasks until you close it: npx taskpipe breaker open ${record.key}`;
  return `Tasks keyed to ${record.key} wait (no attempt is spent). Check what they call. ${how}. ${see}`;
}

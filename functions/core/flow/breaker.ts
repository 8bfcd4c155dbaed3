import { type BreakerPolicy, BUCKET_MS } from './breakerPolicy.js';
import { type BreakerBucket, type BreakerRecord, BY_BREAKER } from './types.js';

/** SQS's longest DelaySeconds: a longer wait is several hops. */
export const MAX_DEFER_MS = 900_000;
/** How long a task waits for a manually opened breaker before it looks again. */
export const MANUAL_HOLD_MS = 60_000;

/** What the breaker says of a task about to run. */
export type BreakerDecision =
  | { kind: 'run' }
  /** Run as a probe, once a probe slot is taken. */
  | { kind: 'probe' }
  | { kind: 'defer'; delayMs: number };

/** The bucket `now` falls in. */
export const bucketOf = (now: number) => Math.floor(now / BUCKET_MS) * BUCKET_MS;

/** Buckets still inside the window ending at `now`. */
export function liveBuckets(
  buckets: readonly BreakerBucket[],
  policy: BreakerPolicy,
  now: number,
): BreakerBucket[] {
  const oldest = bucketOf(now) - policy.windowMs + BUCKET_MS;
  return buckets.filter((b) => b.start >= oldest && b.start <= now);
}

/** Attempts and failures inside the window. */
export function windowCounts(
  buckets: readonly BreakerBucket[],
  policy: BreakerPolicy,
  now: number,
): { attempts: number; failures: number } {
  let attempts = 0;
  let failures = 0;
  for (const b of liveBuckets(buckets, policy, now)) {
    attempts += b.attempts;
    failures += b.failures;
  }
  return { attempts, failures };
}

/** Whether a closed breaker with these counts should open. */
export function shouldOpen(
  counts: { attempts: number; failures: number },
  policy: BreakerPolicy,
): boolean {
  return (
    counts.attempts >= policy.minAttempts && counts.failures >= counts.attempts * policy.failureRate
  );
}

const clampDelay = (ms: number) => Math.min(MAX_DEFER_MS, Math.max(1_000, ms));

/** What a task keyed to `record` does now. An unknown breaker is closed. */
export function decide(record: BreakerRecord | undefined, now: number): BreakerDecision {
  if (!record || record.state === 'closed') return { kind: 'run' };
  if (record.until === undefined) return { kind: 'defer', delayMs: MANUAL_HOLD_MS };
  if (record.state === 'open') {
    return now >= record.until
      ? { kind: 'probe' }
      : { kind: 'defer', delayMs: clampDelay(record.until - now) };
  }
  // half_open: a slot left, or the probes granted so far were never answered.
  if (record.probesLeft > 0 || now >= record.until) return { kind: 'probe' };
  return { kind: 'defer', delayMs: clampDelay(record.until - now) };
}

/** The half-open state a probe slot is taken from, or undefined when none is left. */
export function takeProbe(
  record: BreakerRecord,
  policy: BreakerPolicy,
  now: number,
): BreakerRecord | undefined {
  if (decide(record, now).kind !== 'probe') return undefined;
  const fresh = record.state === 'open' || now >= (record.until ?? 0);
  return {
    ...record,
    state: 'half_open',
    since: record.state === 'open' ? now : record.since,
    by: BY_BREAKER,
    until: fresh ? now + policy.coolDownMs : record.until,
    probesLeft: (fresh ? policy.probes : record.probesLeft) - 1,
    probeSuccesses: fresh ? 0 : record.probeSuccesses,
    version: record.version + 1,
  };
}

/** The state after a probe's answer: closed once `probes` succeeded, open again on a failure. */
export function afterProbe(
  record: BreakerRecord,
  ok: boolean,
  policy: BreakerPolicy,
  now: number,
): BreakerRecord | undefined {
  if (record.state !== 'half_open') return undefined;
  if (!ok) return opened(record, BY_BREAKER, now, now + policy.coolDownMs);
  const probeSuccesses = record.probeSuccesses + 1;
  if (probeSuccesses >= policy.probes) return closed(record, BY_BREAKER, now);
  return { ...record, probeSuccesses, version: record.version + 1 };
}

/** `record` opened by `by`; `until` absent holds it open until someone closes it. */
export function opened(
  record: BreakerRecord,
  by: string,
  now: number,
  until: number | undefined,
): BreakerRecord {
  const { until: _old, ...rest } = record;
  return {
    ...rest,
    state: 'open',
    since: now,
    by,
    ...(until === undefined ? {} : { until }),
    probesLeft: 0,
    probeSuccesses: 0,
    version: record.version + 1,
  };
}

/** `record` closed by `by`, its window emptied so old failures cannot reopen it at once. */
export function closed(record: BreakerRecord, by: string, now: number): BreakerRecord {
  const { until: _old, ...rest } = record;
  return {
    ...rest,
    state: 'closed',
    since: now,
    by,
    probesLeft: 0,
    probeSuccesses: 0,
    version: record.version + 1,
    buckets: [],
  };
}

/** A breaker nobody has written yet. */
export function newBreaker(key: string, now: number): BreakerRecord {
  return {
    key,
    state: 'closed',
    since: now,
    by: BY_BREAKER,
    probesLeft: 0,
    probeSuccesses: 0,
    version: 0,
    buckets: [],
  };
}

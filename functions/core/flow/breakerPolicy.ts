/**
 * When a circuit breaker opens and how it recovers. The defaults:
 * - `minAttempts` 20: with fewer, a rate is noise. A host that fails 10% of calls crosses
 *   50% in 20 attempts with a chance of about 2 in a million (binomial tail), so a healthy
 *   but flaky host does not trip it; a dead one trips it after 10 failures.
 * - `failureRate` 0.5: a host failing half its calls is an outage, not a flake; a lower
 *   threshold would open on ordinary retry storms.
 * - `windowMs` 60 s: long enough to gather 20 attempts at modest volume, short enough that
 *   an outage that ended a minute ago no longer counts. Counted in 10-s buckets.
 * - `coolDownMs` 30 s before probing: most blips (deploys, failovers) end within it, and a
 *   task waits at most this much longer than needed.
 * - `probes` 3: three successes in a row are unlikely against a host still failing half
 *   its calls (1 in 8), and few enough not to hammer one that is not.
 */
export interface BreakerPolicy {
  failureRate: number;
  minAttempts: number;
  windowMs: number;
  coolDownMs: number;
  probes: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  failureRate: 0.5,
  minAttempts: 20,
  windowMs: 60_000,
  coolDownMs: 30_000,
  probes: 3,
};

/** Width of one counting bucket of the sliding window. */
export const BUCKET_MS = 10_000;

/** The problems with a policy, each naming the value and what is allowed. */
export function breakerPolicyProblems(label: string, policy: BreakerPolicy): string[] {
  const problems: string[] = [];
  const { failureRate, minAttempts, windowMs, coolDownMs, probes } = policy;
  if (!(failureRate > 0 && failureRate <= 1)) {
    problems.push(`${label}: breaker failureRate ${failureRate} must be in (0, 1]`);
  }
  if (!Number.isInteger(minAttempts) || minAttempts < 1) {
    problems.push(`${label}: breaker minAttempts ${minAttempts} must be an integer ≥ 1`);
  }
  if (!Number.isInteger(windowMs) || windowMs < BUCKET_MS || windowMs % BUCKET_MS !== 0) {
    problems.push(
      `${label}: breaker windowMs ${windowMs} must be a multiple of ${BUCKET_MS} ms, at least ${BUCKET_MS}`,
    );
  }
  if (!(coolDownMs >= 1_000 && coolDownMs <= 900_000)) {
    problems.push(`${label}: breaker coolDownMs ${coolDownMs} must be 1,000–900,000`);
  }
  if (!Number.isInteger(probes) || probes < 1 || probes > 100) {
    problems.push(`${label}: breaker probes ${probes} must be an integer 1–100`);
  }
  return problems;
}

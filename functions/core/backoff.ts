/** Exponential backoff settings, in milliseconds. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 15 * 60_000 };

/**
 * Delay before retry number `attempt` (1-based: the delay after the first failure is
 * attempt 1). Full jitter: uniform in [0, min(cap, base·2^(attempt-1))], so synchronised
 * failures spread out instead of retrying in waves.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 40);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

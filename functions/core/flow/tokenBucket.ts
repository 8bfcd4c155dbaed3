/** A rate limit as `defineTask` takes it: `perSecond` on average, `burst` at once. */
export interface RateLimitPolicy {
  perSecond: number;
  burst: number;
}

/** A bucket as stored: its tokens at `at` (epoch ms). */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * The share of `perSecond` the limiter hands out. The limit is on starts; a start comes a
 * claim write after its token, and those writes do not all take the same time, so tokens
 * are spaced a little wider than the limit to keep starts within it.
 */
export const START_MARGIN = 0.9;

/** The rate at which tokens come back, per millisecond. */
function perMs(policy: RateLimitPolicy): number {
  return (policy.perSecond * START_MARGIN) / 1000;
}

/** The bucket refilled up to `now`, never over `burst`; a bucket never seen is full. */
export function refill(
  state: BucketState | undefined,
  policy: RateLimitPolicy,
  now: number,
): BucketState {
  if (!state) return { tokens: policy.burst, at: now };
  // A clock behind the last writer's adds nothing, and never takes away.
  const at = Math.max(now, state.at);
  const tokens = Math.min(policy.burst, state.tokens + (at - state.at) * perMs(policy));
  return { tokens, at };
}

export interface Take {
  /** How many of the wanted tokens were granted (0…wanted). */
  granted: number;
  /** The bucket after the take. */
  state: BucketState;
  /**
   * When each task not granted may try again (epoch ms), in order: the k-th gets the k-th
   * token to come, so waiting tasks do not all come back at once.
   */
  retryAt: number[];
}

/** Takes up to `wanted` whole tokens at `now`. */
export function takeTokens(
  state: BucketState | undefined,
  policy: RateLimitPolicy,
  now: number,
  wanted: number,
): Take {
  const full = refill(state, policy, now);
  const granted = Math.max(0, Math.min(wanted, Math.floor(full.tokens)));
  const left = full.tokens - granted;
  const retryAt: number[] = [];
  for (let k = 1; k <= wanted - granted; k++) {
    retryAt.push(full.at + Math.ceil((k - left) / perMs(policy)));
  }
  return { granted, state: { tokens: left, at: full.at }, retryAt };
}

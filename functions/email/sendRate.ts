import type { RateLimitPolicy } from '../core/flow/tokenBucket.js';

/** The built-in type that sends through SES, whose account-wide send rate it respects. */
export const EMAIL_SEND_TYPE = 'email.send';

/** SES's maximum send rate in the sandbox: the default until set to the account's quota. */
export const DEFAULT_MAX_SEND_RATE = 1;

/**
 * The rate limit `email.send` gets by default: the pipeline's `email.maxSendRate` on
 * average, and as many at once (at least one), since SES measures its rate per second.
 * A rate limit set on the type itself replaces it. Flow control skips FIFO queues, so the
 * default holds on standard queues only (docs/email.md).
 */
export function defaultRateLimits(maxSendRate: number): Readonly<Record<string, RateLimitPolicy>> {
  return {
    [EMAIL_SEND_TYPE]: { perSecond: maxSendRate, burst: Math.max(1, Math.floor(maxSendRate)) },
  };
}

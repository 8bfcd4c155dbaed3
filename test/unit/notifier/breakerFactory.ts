import { newBreaker, opened } from '../../../functions/core/flow/breaker.js';
import { type BreakerNotice, breakerNoticeOf } from '../../../functions/core/flow/breakerNotice.js';
import { DEFAULT_BREAKER_POLICY } from '../../../functions/core/flow/breakerPolicy.js';
import { BY_BREAKER } from '../../../functions/core/flow/types.js';

/** 2026-11-27T10:00:00Z: when the breakers below move. */
export const MOVED_AT = Date.parse('2026-11-27T10:00:00.000Z');

/** A closed breaker whose window holds 12 failures in 20 attempts. */
export function failingBreaker(key = 'host:api.example.com') {
  return {
    ...newBreaker(key, MOVED_AT - 120_000),
    version: 3,
    buckets: [
      { start: MOVED_AT - 20_000, attempts: 8, failures: 4 },
      { start: MOVED_AT - 10_000, attempts: 12, failures: 8 },
    ],
  };
}

/** The notice the consumer publishes when `failingBreaker` opens by itself. */
export function openedNotice(): BreakerNotice {
  const before = failingBreaker();
  const next = opened(before, BY_BREAKER, MOVED_AT, MOVED_AT + 30_000);
  return breakerNoticeOf('taskpipe-prod', next, before, DEFAULT_BREAKER_POLICY)!;
}

/** A breaker notice as it arrives on the alarm topic, with its origin. */
export function breakerMessage(
  notice: BreakerNotice = openedNotice(),
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...notice,
    partition: 'aws',
    region: 'eu-west-1',
    account: '123456789012',
    logGroup: '/aws/lambda/taskpipe-prod-consumer',
    ...overrides,
  };
}

import { describe, expect, it } from 'vitest';
import { ExpressionBuilder } from '../../../functions/adapters/dynamodb/ExpressionBuilder.js';
import {
  failureSlot,
  keepFailure,
  readFailures,
} from '../../../functions/adapters/dynamodb/failureHistory.js';
import { KEPT_FAILURES } from '../../../functions/core/status.js';

/** The item a write's SET values would leave, for the kept-failure attributes only. */
function applied(e: ExpressionBuilder) {
  const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } =
    e.attributes();
  const item: Record<string, { S: string }> = {};
  for (const match of e.updateExpression().matchAll(/(#\w+) = (:\w+)/g)) {
    const name = names[match[1] ?? ''];
    const value = values[match[2] ?? ''];
    if (name && value?.S !== undefined) item[name] = { S: value.S };
  }
  return item;
}

describe('kept failures', () => {
  it('rings over ten slots by attempt number', () => {
    expect(failureSlot(1)).toBe('try1');
    expect(failureSlot(10)).toBe('try0');
    expect(failureSlot(13)).toBe('try3');
    expect(KEPT_FAILURES).toBe(10);
  });

  it('keeps the code, a shortened message and stack, the time and the next attempt', () => {
    const e = keepFailure(
      new ExpressionBuilder(),
      2,
      { code: 'retryable', message: 'm'.repeat(600), stack: 's'.repeat(2_500), details: { a: 1 } },
      5_000,
      9_000,
    );
    const kept = readFailures(applied(e));
    expect(kept).toHaveLength(1);
    expect(kept?.[0]).toEqual({
      attempt: 2,
      at: 5_000,
      retryAt: 9_000,
      error: { code: 'retryable', message: `${'m'.repeat(500)}…`, stack: `${'s'.repeat(2_000)}…` },
    });
  });

  it('keeps texts up to the limit whole, and no retry time for a last failure', () => {
    const message = 'm'.repeat(500);
    const stack = 's'.repeat(2_000);
    const e = keepFailure(new ExpressionBuilder(), 3, { code: 'x', message, stack }, 7_000);
    expect(readFailures(applied(e))).toEqual([
      { attempt: 3, at: 7_000, error: { code: 'x', message, stack } },
    ]);
  });

  it('reads them oldest first, leaves out an unreadable one, and none as undefined', () => {
    const entry = (attempt: number) => ({
      S: JSON.stringify({ attempt, at: attempt, error: { code: 'c', message: 'm' } }),
    });
    // try10 is no slot: attempts ring over try0 … try9.
    const item = {
      try1: entry(11),
      try0: entry(10),
      try9: entry(9),
      try4: { S: '{bad' },
      try10: entry(1),
    };
    expect(readFailures(item)?.map((f) => f.attempt)).toEqual([9, 10, 11]);
    expect(readFailures({})).toBeUndefined();
    expect(readFailures({ try2: { S: 'nope' } })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../functions/tasks/retryAfter.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7_000],
    ['0', 0],
    [' 120 ', 120_000],
  ])('reads delta-seconds %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['Sat, 01 Jun 2024 12:00:30 GMT', 30_000],
    ['Saturday, 01-Jun-24 12:01:00 GMT', 60_000],
    ['Sat Jun  1 12:00:05 2024', 5_000],
  ])('reads the HTTP date %j relative to now', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('treats a date in the past as no delay', () => {
    expect(parseRetryAfter('Sat, 01 Jun 2024 11:00:00 GMT', NOW)).toBe(0);
  });

  it('caps long delays', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Sun, 02 Jun 2024 12:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('60', NOW, 10_000)).toBe(10_000);
  });

  it.each([
    undefined,
    null,
    '',
    '   ',
    '-5',
    '1.5',
    '7s',
    'soon',
    'Mon, 99 Foo 2024 GMT',
    'Friday',
  ])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

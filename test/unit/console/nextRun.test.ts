import { describe, expect, it } from 'vitest';
import { nextRun, offsetMs } from '../../../console/server/schedules/nextRun.js';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, zone: string | undefined, now: string) => {
  const out = nextRun(expression, zone, at(now));
  return out.kind === 'at' ? new Date(out.at).toISOString() : out;
};

describe('nextRun: the next time of an EventBridge Scheduler expression', () => {
  it('reads a six-field cron in UTC by default', () => {
    expect(next('cron(0 3 * * ? *)', undefined, '2026-12-02T15:00:00Z')).toBe(
      '2026-12-03T03:00:00.000Z',
    );
    expect(next('cron(0 3 * * ? *)', 'UTC', '2026-12-02T02:59:00Z')).toBe(
      '2026-12-02T03:00:00.000Z',
    );
  });

  it('does not answer the current second as the next run', () => {
    expect(next('cron(0 3 * * ? *)', 'UTC', '2026-12-02T03:00:00Z')).toBe(
      '2026-12-03T03:00:00.000Z',
    );
  });

  it("follows the schedule's time zone, on both sides of daylight saving time", () => {
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    expect(next('cron(0 3 * * ? *)', 'Europe/Berlin', '2026-12-02T15:00:00Z')).toBe(
      '2026-12-03T02:00:00.000Z',
    );
    expect(next('cron(0 3 * * ? *)', 'Europe/Berlin', '2026-07-02T15:00:00Z')).toBe(
      '2026-07-03T01:00:00.000Z',
    );
    // Clocks go forward on 29 March 2026, at 02:00 local: 03:00 that morning is already CEST.
    expect(next('cron(0 3 * * ? *)', 'Europe/Berlin', '2026-03-28T12:00:00Z')).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // New York is UTC-5 in winter.
    expect(next('cron(30 9 ? * MON-FRI *)', 'America/New_York', '2026-12-05T12:00:00Z')).toBe(
      '2026-12-07T14:30:00.000Z',
    );
  });

  it("understands AWS's L, W and # and the year field", () => {
    expect(next('cron(0 12 L * ? *)', 'UTC', '2026-02-10T00:00:00Z')).toBe(
      '2026-02-28T12:00:00.000Z',
    );
    // The second Monday of the month.
    expect(next('cron(0 8 ? * 2#2 *)', 'UTC', '2026-12-01T00:00:00Z')).toBe(
      '2026-12-14T08:00:00.000Z',
    );
    expect(next('cron(0 0 1 1 ? 2020)', 'UTC', '2026-12-01T00:00:00Z')).toEqual({
      kind: 'never',
    });
  });

  it('says a rate counts from creation, with its interval', () => {
    expect(nextRun('rate(5 minutes)', undefined, 0)).toEqual({ kind: 'every', everyMs: 300_000 });
    expect(nextRun('rate(1 day)', undefined, 0)).toEqual({ kind: 'every', everyMs: 86_400_000 });
  });

  it('refuses what is not an expression', () => {
    expect(() => nextRun('every day', undefined, 0)).toThrow(/not a schedule expression/);
  });

  it('measures a zone offset, east positive', () => {
    expect(offsetMs('UTC', at('2026-01-01T00:00:00Z'))).toBe(0);
    expect(offsetMs('Asia/Kolkata', at('2026-01-01T00:00:00Z'))).toBe(5.5 * 3_600_000);
    expect(offsetMs('America/Los_Angeles', at('2026-01-01T00:00:00Z'))).toBe(-8 * 3_600_000);
  });
});

import awsCron from 'aws-cron-parser';

const RATE = /^rate\((\d+) (minute|hour|day)s?\)$/;
const CRON = /^cron\((.+)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** When a schedule runs next, as far as its expression alone tells. */
export type NextRun =
  /** A cron expression: the exact time of its next run. */
  | { kind: 'at'; at: number }
  /** A rate expression counts from when the schedule was created, which the definition does not say. */
  | { kind: 'every'; everyMs: number }
  /** A cron expression with no run after now (its years are past). */
  | { kind: 'never' };

/**
 * The next run of an EventBridge Scheduler expression after `now`. Cron fields are read
 * by aws-cron-parser (AWS's six fields with `?`, `L`, `W` and `#`), which works in UTC: the
 * search runs on the zone's wall clock, and the wall-clock answer is mapped back to an
 * instant with the zone's offset at that time (so daylight saving time is followed).
 */
export function nextRun(expression: string, timezone: string | undefined, now: number): NextRun {
  const rate = RATE.exec(expression);
  if (rate) {
    return { kind: 'every', everyMs: Number(rate[1]) * UNIT_MS[rate[2] as keyof typeof UNIT_MS] };
  }
  const cron = CRON.exec(expression);
  if (!cron) throw new Error(`not a schedule expression: ${expression}`);
  const zone = timezone ?? 'UTC';
  const parsed = awsCron.parse(cron[1] ?? '');
  // Whole seconds: a run at exactly `now` is not "next".
  const wallNow = new Date(Math.floor(now / 1000) * 1000 + 1000 + offsetMs(zone, now));
  const wall = awsCron.next(parsed, wallNow);
  if (!wall) return { kind: 'never' };
  const guess = wall.getTime() - offsetMs(zone, wall.getTime());
  return { kind: 'at', at: wall.getTime() - offsetMs(zone, guess) };
}

/** The zone's offset from UTC at an instant, ms (positive east of Greenwich). */
export function offsetMs(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

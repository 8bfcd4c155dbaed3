import * as z from 'zod';
import {
  ENVELOPE_VERSION,
  type Envelope,
  prioritySchema,
  taskTypeSchema,
} from '../functions/core/envelope.js';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

/** Why an EventBridge Scheduler `rate(...)` or `cron(...)` expression is invalid, if it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (value < 1) return 'rate value must be at least 1';
    if ((value === 1) !== !unit.endsWith('s')) {
      return `rate unit must be singular for 1 and plural otherwise, e.g. rate(1 hour), rate(5 minutes)`;
    }
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? '').trim().split(/\s+/);
    if (fields.length !== 6) {
      return `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    }
    if ((fields[2] === '?') === (fields[4] === '?')) {
      return 'cron needs "?" in exactly one of day-of-month and day-of-week';
    }
    return undefined;
  }
  return 'must be rate(<n> <unit>) or cron(<6 fields>)';
}

/**
 * Time zone names EventBridge Scheduler takes: the exact, case-sensitive IANA names the
 * runtime knows, plus `UTC`. `Intl.DateTimeFormat` would also accept `utc`, `EST` or
 * `europe/berlin`, which Scheduler refuses at deploy.
 */
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export function isTimeZone(name: string): boolean {
  return TIME_ZONES.has(name);
}

export const scheduleSchema = z.strictObject({
  /** Unique; part of every task id this schedule creates. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must match ^[a-z0-9][a-z0-9_.-]{0,63}$'),
  /** `rate(5 minutes)` or `cron(0 3 * * ? *)`. */
  expression: z.string().superRefine((value, ctx) => {
    const problem = scheduleExpressionProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** IANA time zone for cron expressions. @default UTC */
  timezone: z
    .string()
    .refine(
      isTimeZone,
      'must be an exact, case-sensitive IANA time zone name such as Europe/Berlin, or UTC',
    )
    .optional(),
  /** A task type from the registry. */
  type: taskTypeSchema,
  /** Validated against the task type's schema when the stack is built. */
  payload: z.unknown().default({}),
  /** @default the definition's defaultPriority */
  priority: prioritySchema.optional(),
  enabled: z.boolean().default(true),
  description: z.string().max(512).optional(),
});

export const schedulesSchema = z.array(scheduleSchema);
export type ScheduleDefinition = z.output<typeof scheduleSchema>;

/**
 * The id of the task a schedule creates for one scheduled time. Retried deliveries of the
 * same invocation carry the same time, so they resolve to the same task.
 */
export function scheduledTaskId(scheduleName: string, scheduledTime: string): string {
  return `sched-${scheduleName}-${scheduledTime}`;
}

/**
 * The task envelope a schedule sends for one scheduled time: EventBridge Scheduler's
 * target input (with its context placeholders) and the console's "run now" (with the
 * current time) are both built here.
 */
export function scheduleEnvelope(
  s: ScheduleDefinition,
  priority: string,
  scheduledTime: string,
  traceId?: string,
): Envelope {
  return {
    v: ENVELOPE_VERSION,
    id: scheduledTaskId(s.name, scheduledTime),
    type: s.type,
    payload: s.payload,
    priority,
    enqueuedAt: scheduledTime,
    ...(traceId === undefined ? {} : { traceId }),
  };
}

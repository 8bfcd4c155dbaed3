import { z } from 'zod';

/**
 * Alarm and webhook settings. Only their shape is fixed here; the alarms, topic and
 * notifier that use them are built separately.
 */

function alarm(threshold: number, evaluationPeriods = 1) {
  return z
    .strictObject({
      enabled: z.boolean().default(true),
      threshold: z.number().min(0).default(threshold),
      /** Consecutive periods (1–100) over the threshold before the alarm fires. */
      evaluationPeriods: z.number().int().min(1).max(100).default(evaluationPeriods),
    })
    .prefault({});
}

export const alarmsSchema = z.strictObject({
  /** Messages visible on any dead-letter queue. */
  deadLetterQueueNotEmpty: alarm(1),
  /** Age of the oldest message on a queue, in seconds. */
  oldestMessageAge: alarm(600, 3),
  /** Consumer invocation errors per period. */
  consumerErrors: alarm(1),
  /** Consumer throttles per period. */
  consumerThrottles: alarm(1, 3),
  /** Failed tasks as a percentage of finished tasks. */
  taskFailureRate: alarm(5, 3),
  /** Duration p99 as a percentage of the consumer timeout. */
  durationNearTimeout: alarm(80, 3),
  /** HTTP API 5xx responses per period. */
  apiServerErrors: alarm(5),
});

export type AlarmName = keyof z.output<typeof alarmsSchema>;
export const ALARM_NAMES = Object.keys(alarmsSchema.shape) as AlarmName[];

export const WEBHOOK_KINDS = [
  'slack',
  'teams',
  'feishu',
  'wecom',
  'dingtalk',
  'discord',
  'generic',
] as const;

/**
 * A Secrets Manager secret name. The URL (and any signing secret) lives in the secret and
 * is read at run time; a URL here would end up in the template, so it is rejected.
 */
export const secretNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^[A-Za-z0-9/_+=.@-]+$/,
    'must be a Secrets Manager secret name (letters, digits and /_+=.@-), never a webhook URL',
  );

export const webhookSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must match ^[a-z][a-z0-9-]{0,63}$'),
  kind: z.enum(WEBHOOK_KINDS),
  secretName: secretNameSchema,
  /** Alarms sent to this target. @default every alarm */
  alarms: z.array(z.enum(ALARM_NAMES as [AlarmName, ...AlarmName[]])).optional(),
});

export const webhooksSchema = z.array(webhookSchema);
export type WebhookDefinition = z.output<typeof webhookSchema>;

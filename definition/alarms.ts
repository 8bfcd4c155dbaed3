import * as z from 'zod';
import { emailAddressSchema } from '../functions/email/emailPayload.js';
import { logRetentionDaysSchema } from './logRetention.js';
import { secretNameSchema, WEBHOOK_KINDS } from './webhookKinds.js';

/**
 * Alarm and webhook settings. Only their shape is fixed here; the alarms, topic and
 * notifier that use them are built separately.
 */

function alarmShape(threshold: number, evaluationPeriods: number) {
  return {
    /** `false` removes the alarm. */
    enabled: z.boolean().default(true),
    threshold: z.number().min(0).default(threshold),
    /** Consecutive periods (1–100) over the threshold before the alarm fires. */
    evaluationPeriods: z.number().int().min(1).max(100).default(evaluationPeriods),
  };
}

function alarm(threshold: number, evaluationPeriods = 1) {
  return z.strictObject(alarmShape(threshold, evaluationPeriods)).prefault({});
}

export const alarmsSchema = z.strictObject({
  /** Messages visible on any dead-letter queue. */
  deadLetterQueueNotEmpty: alarm(1),
  /**
   * Age of the oldest message on a queue, as a percentage (1–99) of the queue's retention:
   * a message that old is at risk of expiring unread. Retries waiting out a backoff count
   * toward the age, so an absolute number of seconds would page for healthy retries.
   */
  oldestMessageAge: z
    .strictObject({
      ...alarmShape(50, 3),
      threshold: z.number().min(1).max(99).default(50),
    })
    .prefault({}),
  /** Consumer invocation errors per period. */
  consumerErrors: alarm(1),
  /** Consumer throttles per period. */
  consumerThrottles: alarm(1, 3),
  /** Failed tasks as a percentage of finished tasks. */
  taskFailureRate: z
    .strictObject({
      ...alarmShape(5, 3),
      /**
       * Finished tasks per period below which the rate counts as 0, so one failure out of
       * two tasks at night pages nobody.
       */
      minimumVolume: z.number().int().min(1).default(20),
    })
    .prefault({}),
  /** A task type's duration p99 as a percentage of its own timeoutMs. */
  durationNearTimeout: alarm(80, 3),
  /** HTTP API 5xx responses as a percentage of its requests. */
  apiServerErrors: z
    .strictObject({
      ...alarmShape(5, 1),
      /** Requests per period below which the rate counts as 0. */
      minimumVolume: z.number().int().min(1).default(20),
    })
    .prefault({}),
  /**
   * Circuit breakers that opened per period (`BreakerOpened`, Sum). Each opening also has
   * its own notice naming the key (docs/pause-and-breakers.md); the alarm keeps the state
   * in CloudWatch, where the console, composite alarms and the dashboard see it.
   */
  breakerOpened: alarm(1),
});

/**
 * The DLQ alarms' note on messages SQS moved itself. A throttled invocation never runs our
 * code, yet its receive counts toward maxReceiveCount, so a task can reach the DLQ with
 * no failure recorded.
 */
export const WITHOUT_STATUS_NOTE =
  'A dead letter whose task is not FAILED was dead-lettered without a status: SQS moved it after maxReceiveCount receives (throttled invocations never run the consumer); `taskpipe stats` counts them, and redrive sets them QUEUED like the failed ones.';

export type AlarmName = keyof z.output<typeof alarmsSchema>;
export type AlarmsDefinition = z.output<typeof alarmsSchema>;
export const ALARM_NAMES = Object.keys(alarmsSchema.shape) as AlarmName[];

export { secretNameSchema, WEBHOOK_KINDS };

export const webhookSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must match ^[a-z][a-z0-9-]{0,63}$'),
  kind: z.enum(WEBHOOK_KINDS),
  secretName: secretNameSchema,
  /** Alarms sent to this target. @default every alarm */
  alarms: z.array(z.enum(ALARM_NAMES as [AlarmName, ...AlarmName[]])).optional(),
  /**
   * Have the stateful stack create the secret, holding the placeholder `{"url":""}` that
   * you replace with the real value after the first deploy. Leave false when the secret
   * already exists.
   */
  createSecret: z.boolean().default(false),
  /**
   * The customer-managed KMS key that encrypts an existing secret, so the notifier may
   * decrypt it (through Secrets Manager only). Leave out for the default `aws/secretsmanager`
   * key, which needs no grant.
   */
  kmsKeyArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    )
    .optional(),
});

/** The address inside `Name <address>`, or the address itself. */
export function bareAddress(address: string): string {
  return /<([^<>]+)>$/.exec(address)?.[1] ?? address;
}

/**
 * Alarms by email: the notifier sends each alarm to `addresses` through SES v2, with the
 * chat messages' content (an address subscribed to the SNS topic would get CloudWatch's raw
 * alarm email instead).
 */
export const emailAlertSchema = z.strictObject({
  name: webhookSchema.shape.name,
  kind: z.literal('email'),
  addresses: z.array(emailAddressSchema).min(1).max(50),
  /** The sender, an address of a verified SES identity. */
  from: emailAddressSchema,
  /**
   * The verified SES identity `from` belongs to; the notifier may send as this identity
   * only. @default the domain of `from`
   */
  identity: z
    .string()
    .regex(
      /^[^\s<>@]+@[^\s<>@]+$|^[a-z0-9.-]+\.[a-z]{2,}$/i,
      'must be an email address or a domain',
    )
    .optional(),
  alarms: webhookSchema.shape.alarms,
});

/** The SES identity an email alert sends as: its `identity`, or the domain of `from`. */
export function senderIdentity(alert: EmailAlertDefinition): string {
  return alert.identity ?? bareAddress(alert.from).split('@')[1]!;
}

export const webhooksSchema = z.array(
  z.discriminatedUnion('kind', [emailAlertSchema, webhookSchema]),
);
/** A chat or webhook target. */
export type WebhookDefinition = z.output<typeof webhookSchema>;
/** An email target. */
export type EmailAlertDefinition = z.output<typeof emailAlertSchema>;
/** Any alarm target of the definition's `webhooks`. */
export type AlertTargetDefinition = WebhookDefinition | EmailAlertDefinition;

/** Whether a target is a chat service or webhook (it has a secret), not email. */
export function isWebhook(target: AlertTargetDefinition): target is WebhookDefinition {
  return target.kind !== 'email';
}

/** Tries per webhook within one notifier invocation (`TASKPIPE_WEBHOOK_MAX_ATTEMPTS`). */
export const WEBHOOK_ATTEMPTS = 3;

/** The function that posts alarm notifications to the webhooks. */
export const notifierSchema = z.strictObject({
  /** Timeout of one webhook request. */
  webhookTimeoutMs: z.number().int().min(100).max(30_000).default(5_000),
  /**
   * Lambda timeout; must exceed webhookTimeoutMs × the notifier's attempts per webhook.
   * @default webhookTimeoutMs × 3 attempts + 10 s for the two backoff waits (≤ 4 s each) and start-up
   */
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
  memoryMb: z.number().int().min(128).max(10_240).default(256),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  logRetentionDays: logRetentionDaysSchema.default(30),
});
export type NotifierDefinition = z.output<typeof notifierSchema>;

/** The notifier's Lambda timeout: the definition's, or enough for every attempt. */
export function notifierTimeoutSeconds(notifier: NotifierDefinition): number {
  return (
    notifier.timeoutSeconds ?? Math.ceil((notifier.webhookTimeoutMs * WEBHOOK_ATTEMPTS) / 1000) + 10
  );
}

/** The notifier must outlive every attempt at a webhook, or deliveries are cut short. */
export function notifierTimeoutProblem(notifier: NotifierDefinition): string | undefined {
  const needed = notifier.webhookTimeoutMs * WEBHOOK_ATTEMPTS;
  const timeoutMs = notifierTimeoutSeconds(notifier) * 1000;
  if (timeoutMs > needed) return undefined;
  return `notifier.timeoutSeconds ${notifierTimeoutSeconds(notifier)} must be longer than webhookTimeoutMs ${notifier.webhookTimeoutMs} × ${WEBHOOK_ATTEMPTS} attempts = ${needed} ms`;
}

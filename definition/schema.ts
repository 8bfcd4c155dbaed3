import * as z from 'zod';
import { prioritySchema } from '../functions/core/envelope.js';
import { DEFAULT_MAX_SEND_RATE } from '../functions/email/sendRate.js';
import { alarmsSchema, notifierSchema, webhooksSchema } from './alarms.js';
import { apiSchema } from './api.js';
import { DEFAULT_ACCOUNT_CONCURRENCY, POLLER_CONCURRENCY } from './concurrency.js';
import { logRetentionDaysSchema } from './logRetention.js';
import { schedulesSchema } from './schedules.js';

const SECONDS_PER_DAY = 86_400;
/** SQS limits: retention 60 s – 14 days, visibility ≤ 12 h. */
export const SQS_MIN_RETENTION_SECONDS = 60;
export const SQS_MAX_RETENTION_DAYS = 14;
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

const retentionDays = z
  .number()
  .min(
    SQS_MIN_RETENTION_SECONDS / SECONDS_PER_DAY,
    'must be at least 60 seconds (0.000695 days), the SQS minimum',
  )
  .max(SQS_MAX_RETENTION_DAYS, 'must be at most 14 days, the SQS maximum');

/** One queue per priority. List them highest priority first. */
const queueFields = z.strictObject({
  priority: prioritySchema,
  /**
   * Event source cap on concurrent batches (2–1000). Higher priorities get more. Give this
   * or `provisionedPollers`, not both (AWS treats them as mutually exclusive).
   */
  maxConcurrency: z.number().int().min(2).max(1000).optional(),
  /**
   * Provisioned mode for the event source: dedicated pollers, warm from `min`, scaling to
   * `max` (2–200 and 2–2000, as aws-cdk-lib checks). Each poller runs up to
   * POLLER_CONCURRENCY invocations, so `max` also caps concurrency (docs/scale.md).
   */
  provisionedPollers: z
    .strictObject({
      min: z.number().int().min(2).max(200),
      max: z.number().int().min(2).max(2000),
    })
    .refine((p) => p.min <= p.max, 'min must be at most max')
    .optional(),
  /** Records per batch: 1–10,000 (standard), 1–10 (FIFO); > 10 needs a batching window. */
  batchSize: z.number().int().min(1).max(10_000).default(10),
  /** How long the event source waits to fill a batch (not supported on FIFO queues). */
  batchingWindowSeconds: z.number().int().min(0).max(300).default(0),
  /** How long a message stays on the queue. */
  retentionDays: retentionDays.default(4),
  /** How long a message stays on the dead-letter queue; must exceed `retentionDays`. */
  deadLetterRetentionDays: retentionDays.default(14),
  /** @default 6 × consumer.timeoutSeconds + batchingWindowSeconds */
  visibilityTimeoutSeconds: z.number().int().min(0).max(SQS_MAX_VISIBILITY_SECONDS).optional(),
  /**
   * Receives before SQS moves a message to the DLQ; at least max(5, largest maxAttempts + 1).
   * @default that minimum + 5, for receives that start no attempt (deferrals, crashes)
   */
  maxReceiveCount: z.number().int().min(1).max(1000).optional(),
  /** A FIFO queue: ordered per message group, content-based deduplication. */
  fifo: z.boolean().default(false),
});

/**
 * A queue as the rest of the app reads it: `maxConcurrency` is always the cap on its
 * concurrent batches, given directly or implied by `provisionedPollers.max`.
 */
export const queueSchema = queueFields.transform((q, ctx) => {
  const { maxConcurrency, provisionedPollers } = q;
  if ((maxConcurrency === undefined) === (provisionedPollers === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: `queue "${q.priority}": give either maxConcurrency (2–1000) or provisionedPollers { min, max }, ${maxConcurrency === undefined ? 'not neither' : 'not both: AWS refuses the two together'}`,
    });
    return z.NEVER;
  }
  return {
    ...q,
    maxConcurrency: maxConcurrency ?? provisionedPollers!.max * POLLER_CONCURRENCY,
  };
});

export const DEFAULT_QUEUES: z.input<typeof queueSchema>[] = [
  { priority: 'high', maxConcurrency: 20 },
  { priority: 'default', maxConcurrency: 10 },
  { priority: 'low', maxConcurrency: 5, batchingWindowSeconds: 1 },
];

export const consumerSchema = z.strictObject({
  /** Lambda timeout (1–900 s). Every task timeout plus the safety margin must fit in it. */
  timeoutSeconds: z.number().int().min(1).max(900).default(60),
  memoryMb: z.number().int().min(128).max(10_240).default(1024),
  /**
   * Reserved concurrency; off by default, since a new account may have too little to
   * reserve. When set: at least the sum of the queues' maxConcurrency, and at most
   * accountConcurrency − 100 (Lambda keeps 100 unreserved).
   */
  reservedConcurrency: z.number().int().min(1).optional(),
  /** Records of one batch run concurrently up to this limit. */
  recordConcurrency: z.number().int().min(1).max(100).default(10),
  /** Stop starting records this long before the invocation deadline. */
  safetyMarginMs: z.number().int().min(0).max(60_000).default(5_000),
  /** Larger task results are truncated in the table (items are limited to 400 KB). */
  maxResultBytes: z.number().int().min(0).max(300_000).default(32_768),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  logRetentionDays: logRetentionDaysSchema.default(30),
});

/** The built-in `email.send` (docs/email.md). */
export const emailSchema = z.strictObject({
  /**
   * Emails per second `email.send` may start across the pipeline, as a flow-control rate
   * limit on standard queues (tasks over it wait, spending no attempt). Set it to the SES
   * account's maximum send rate; the default is the SES sandbox's.
   * @default 1
   */
  maxSendRate: z.number().positive().max(10_000).default(DEFAULT_MAX_SEND_RATE),
});

export const tableSchema = z.strictObject({
  /** Days a task item is kept after its last write (DynamoDB TTL). */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** Refuse DeleteTable calls; the table is retained on stack deletion either way. */
  deletionProtection: z.boolean().default(true),
  /**
   * Adds the `byType` index (type, creation time), so the console and the CLI list one
   * type's tasks newest first without a scan. Every task item is in it: each status write
   * is billed once more (a second write, to the index). Off by default.
   * @default false
   */
  typeIndex: z.boolean().default(false),
});

/** The single pipeline definition (DESIGN §2): every setting of both targets. */
export const pipelineDefinitionSchema = z.strictObject({
  /** Service name in logs and metrics. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must match ^[a-z][a-z0-9-]{0,31}$')
    .default('taskpipe'),
  /**
   * Load the bundled source maps at start-up (`NODE_OPTIONS=--enable-source-maps`), so
   * stack traces in logs name the TypeScript sources. Off by default: it adds about 30 ms
   * to every cold start of the consumer (see docs/performance.md).
   */
  sourceMaps: z.boolean().default(false),
  /**
   * X-Ray active tracing on the API and consumer functions: each invocation is a segment,
   * sampled by X-Ray's rules. Off by default: X-Ray bills per trace recorded and scanned.
   * Trace ids in logs (W3C `traceparent`) work either way (docs/observability.md).
   * @default false
   */
  tracing: z.boolean().default(false),
  /**
   * The account's Lambda concurrency quota in this region, which synth cannot read. The
   * queues' caps, the API's and the notifier's needs must fit in it. Set it to your
   * quota when that is lower (a new account's can be 10; see docs/aws-limits.md).
   */
  accountConcurrency: z.number().int().min(10).default(DEFAULT_ACCOUNT_CONCURRENCY),
  /** Queue for tasks and schedules that name no priority. */
  defaultPriority: prioritySchema.default('default'),
  queues: z.array(queueSchema).min(1).prefault(DEFAULT_QUEUES),
  consumer: consumerSchema.prefault({}),
  table: tableSchema.prefault({}),
  api: apiSchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  webhooks: webhooksSchema.default([]),
  notifier: notifierSchema.prefault({}),
  schedules: schedulesSchema.default([]),
  email: emailSchema.prefault({}),
});

/** What a user writes: every field with a default may be left out. */
export type PipelineDefinitionInput = z.input<typeof pipelineDefinitionSchema>;
/** The definition with defaults applied. */
export type PipelineDefinition = z.output<typeof pipelineDefinitionSchema>;
export type QueueDefinition = z.output<typeof queueSchema>;
export type ConsumerDefinition = z.output<typeof consumerSchema>;

export function daysToSeconds(days: number): number {
  return Math.round(days * SECONDS_PER_DAY);
}

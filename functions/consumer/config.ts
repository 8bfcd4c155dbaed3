import * as z from 'zod';
import { noticeSettings } from '../adapters/sns/noticeSettings.js';
import {
  envSettings,
  queueRoutesEnvSchema,
  retentionDaysEnvSchema,
  tableNameEnvSchema,
} from '../core/envConfig.js';
import { DEFAULT_MAX_SEND_RATE } from '../email/sendRate.js';

/** Parses the consumer's environment, reporting every bad variable with its value. */
export const parseConsumerConfig = envSettings('consumer', {
  tableName: ['TASKPIPE_TABLE_NAME', tableNameEnvSchema],
  queues: ['TASKPIPE_QUEUES', queueRoutesEnvSchema],
  retentionDays: ['TASKPIPE_RETENTION_DAYS', retentionDaysEnvSchema],
  maxResultBytes: [
    'TASKPIPE_MAX_RESULT_BYTES',
    z.coerce.number().int().min(0).max(350_000).default(32_768),
  ],
  recordConcurrency: [
    'TASKPIPE_RECORD_CONCURRENCY',
    z.coerce.number().int().min(1).max(100).default(10),
  ],
  safetyMarginMs: [
    'TASKPIPE_SAFETY_MARGIN_MS',
    z.coerce.number().int().min(0).max(60_000).default(2_000),
  ],
  /** `email.send`'s default rate limit, per second (the definition's `email.maxSendRate`). */
  emailMaxSendRate: [
    'TASKPIPE_EMAIL_MAX_SEND_RATE',
    z.coerce.number().positive().max(10_000).default(DEFAULT_MAX_SEND_RATE),
  ],
  serviceName: ['POWERTOOLS_SERVICE_NAME', z.string().min(1).default('taskpipe')],
  metricsNamespace: ['POWERTOOLS_METRICS_NAMESPACE', z.string().min(1).default('Taskpipe')],
});

/** The consumer's settings, parsed once at cold start. */
export type ConsumerConfig = ReturnType<typeof parseConsumerConfig>;

/**
 * Where the consumer announces breakers' openings and closings (docs/pause-and-breakers.md);
 * apart from {@link ConsumerConfig}, which the local runtime builds without an environment.
 */
export const parseNoticeConfig = envSettings('consumer', noticeSettings);

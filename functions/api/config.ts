import * as z from 'zod';
import { noticeSettings } from '../adapters/sns/noticeSettings.js';
import {
  envSettings,
  queueRoutesEnvSchema,
  retentionDaysEnvSchema,
  tableNameEnvSchema,
} from '../core/envConfig.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../core/service/prepareTask.js';

/**
 * Largest payload limit accepted. The API stores the payload on the task item (so an
 * operator can retry a failed task), and a DynamoDB item holds at most 400 KB with the
 * result and error; SQS's 1 MiB message limit is then never the binding one.
 */
export const MAX_PAYLOAD_LIMIT_BYTES = 300_000;

/** Parses the API function's environment, reporting every bad variable with its value. */
export const parseApiConfig = envSettings('api', {
  tableName: ['TASKPIPE_TABLE_NAME', tableNameEnvSchema],
  queues: ['TASKPIPE_QUEUES', queueRoutesEnvSchema],
  maxPayloadBytes: [
    'TASKPIPE_MAX_PAYLOAD_BYTES',
    z.coerce
      .number()
      .int()
      .min(1_024)
      .max(MAX_PAYLOAD_LIMIT_BYTES)
      .default(DEFAULT_MAX_PAYLOAD_BYTES),
  ],
  retentionDays: ['TASKPIPE_RETENTION_DAYS', retentionDaysEnvSchema],
  serviceName: ['POWERTOOLS_SERVICE_NAME', z.string().min(1).default('taskpipe-api')],
  /** Long delays: the schedule group, the role Scheduler assumes, its DLQ, the queues' ARNs. */
  scheduler: [
    'TASKPIPE_SCHEDULER',
    z
      .string()
      .transform((text) => JSON.parse(text) as unknown)
      .pipe(
        z.object({
          groupName: z.string().min(1),
          roleArn: z.string().min(1),
          deadLetterArn: z.string().min(1).optional(),
          queues: z.array(z.object({ url: z.url(), arn: z.string().min(1) })).min(1),
        }),
      )
      .optional(),
  ],
  /** The table has the opt-in `byType` index (definition `table.typeIndex`): `1` or absent. */
  typeIndex: [
    'TASKPIPE_TYPE_INDEX',
    z
      .literal('1')
      .optional()
      .transform((value) => value === '1'),
  ],
  /** The secrets a callback may name: the consumer can read these only. */
  callbackSecretPrefix: ['TASKPIPE_CALLBACK_SECRET_PREFIX', z.string().min(1).optional()],
  /** Breakers moved by hand are announced to the alarm targets, as the consumer's are. */
  ...noticeSettings,
  /** The pipeline's name, as the notices say it (the service name ends in `-api`). */
  pipelineName: ['TASKPIPE_PIPELINE_NAME', z.string().min(1).default('taskpipe')],
});

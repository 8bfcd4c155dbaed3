import * as z from 'zod';
import { parseEnv, type queueRouteSchema, queueRoutesEnvSchema } from '../core/envConfig.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../core/service/prepareTask.js';

/**
 * Largest payload limit accepted. The API stores the payload on the task item (so an
 * operator can retry a failed task), and a DynamoDB item holds at most 400 KB with the
 * result and error; SQS's 1 MiB message limit is then never the binding one.
 */
export const MAX_PAYLOAD_LIMIT_BYTES = 300_000;

/** The API function's environment, parsed once at cold start. */
export const apiEnvSchema = z.object({
  TASKPIPE_TABLE_NAME: z.string().min(3).max(255),
  TASKPIPE_QUEUES: queueRoutesEnvSchema,
  TASKPIPE_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(MAX_PAYLOAD_LIMIT_BYTES)
    .default(DEFAULT_MAX_PAYLOAD_BYTES),
  TASKPIPE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('taskpipe-api'),
});

export interface ApiConfig {
  tableName: string;
  queues: z.infer<typeof queueRouteSchema>[];
  maxPayloadBytes: number;
  retentionDays: number;
  serviceName: string;
}

/** Parses the environment, reporting every bad variable with its value in one error. */
export function parseApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const e = parseEnv(apiEnvSchema, env, 'api');
  return {
    tableName: e.TASKPIPE_TABLE_NAME,
    queues: e.TASKPIPE_QUEUES,
    maxPayloadBytes: e.TASKPIPE_MAX_PAYLOAD_BYTES,
    retentionDays: e.TASKPIPE_RETENTION_DAYS,
    serviceName: e.POWERTOOLS_SERVICE_NAME,
  };
}

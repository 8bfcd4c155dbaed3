import * as z from 'zod';
import { parseEnv, type queueRouteSchema, queueRoutesEnvSchema } from '../core/envConfig.js';

/** The consumer's environment, parsed once at cold start. */
export const consumerEnvSchema = z.object({
  TASKPIPE_TABLE_NAME: z.string().min(3).max(255),
  TASKPIPE_QUEUES: queueRoutesEnvSchema,
  TASKPIPE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TASKPIPE_MAX_RESULT_BYTES: z.coerce.number().int().min(0).max(350_000).default(32_768),
  TASKPIPE_RECORD_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  TASKPIPE_SAFETY_MARGIN_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('taskpipe'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default('Taskpipe'),
});

export type ConsumerConfig = {
  tableName: string;
  queues: z.infer<typeof queueRouteSchema>[];
  retentionDays: number;
  maxResultBytes: number;
  recordConcurrency: number;
  safetyMarginMs: number;
  serviceName: string;
  metricsNamespace: string;
};

/** Parses the environment, reporting every bad variable with its value in one error. */
export function parseConsumerConfig(env: Record<string, string | undefined>): ConsumerConfig {
  const e = parseEnv(consumerEnvSchema, env, 'consumer');
  return {
    tableName: e.TASKPIPE_TABLE_NAME,
    queues: e.TASKPIPE_QUEUES,
    retentionDays: e.TASKPIPE_RETENTION_DAYS,
    maxResultBytes: e.TASKPIPE_MAX_RESULT_BYTES,
    recordConcurrency: e.TASKPIPE_RECORD_CONCURRENCY,
    safetyMarginMs: e.TASKPIPE_SAFETY_MARGIN_MS,
    serviceName: e.POWERTOOLS_SERVICE_NAME,
    metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE,
  };
}

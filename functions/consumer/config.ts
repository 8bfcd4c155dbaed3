import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

const queueRouteSchema = z.object({
  priority: z.string().min(1),
  name: z.string().min(1),
  url: z.url(),
  dlqUrl: z.url(),
  fifo: z.boolean().default(false),
});

const jsonArray = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of queue routes' });
    return z.NEVER;
  }
});

/** The consumer's environment, parsed once at cold start. */
export const consumerEnvSchema = z.object({
  TASKPIPE_TABLE_NAME: z.string().min(3).max(255),
  TASKPIPE_QUEUES: jsonArray.pipe(z.array(queueRouteSchema).min(1)),
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
  const parsed = consumerEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'invalid consumer environment',
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(env)');
        return `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
      }),
    );
  }
  const e = parsed.data;
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

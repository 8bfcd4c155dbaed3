import type { PipelineDefinitionInput } from './schema.js';

/**
 * Settings for an account whose Lambda concurrency quota is 10, as a new account's can
 * be: the smallest caps (2 per queue), an API rate of 10 requests per second, and no
 * reservation. Spread it into a definition, e.g. `{ ...SMALL_QUOTA_DEFINITION, schedules }`,
 * and raise the caps once Service Quotas grants more (docs/aws-limits.md).
 */
export const SMALL_QUOTA_DEFINITION = {
  accountConcurrency: 10,
  queues: [
    { priority: 'high', maxConcurrency: 2 },
    { priority: 'default', maxConcurrency: 2 },
    { priority: 'low', maxConcurrency: 2, batchingWindowSeconds: 1 },
  ],
  api: { throttling: { rateLimit: 10, burstLimit: 20 } },
} satisfies PipelineDefinitionInput;

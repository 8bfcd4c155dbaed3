import type { PipelineDefinitionInput } from './schema.js';

/**
 * This project's pipeline: the one place where queues, the consumer, the task table,
 * alarms, webhooks and schedules are set. The CDK app and the local runtime both read it.
 * Task types and their retry policies are declared in code (functions/tasks).
 */
export const pipelineDefinition = {
  name: 'taskpipe',
  defaultPriority: 'default',
  // Highest priority first; higher priorities get a larger share of the consumer.
  queues: [
    { priority: 'high', maxConcurrency: 20, batchSize: 10, batchingWindowSeconds: 0 },
    { priority: 'default', maxConcurrency: 10, batchSize: 10, batchingWindowSeconds: 0 },
    { priority: 'low', maxConcurrency: 5, batchSize: 10, batchingWindowSeconds: 1 },
  ],
  consumer: {
    timeoutSeconds: 60,
    memoryMb: 1024,
    recordConcurrency: 10,
    safetyMarginMs: 5_000,
    logLevel: 'INFO',
    logRetentionDays: 30,
  },
  table: { retentionDays: 30, deletionProtection: true },
  // The HTTP API. Every route needs SigV4-signed (IAM) requests; for tokens instead, use
  // authorization: { type: 'jwt', issuer: 'https://…', audience: ['…'] }.
  api: {
    authorization: { type: 'iam' },
    throttling: { rateLimit: 100, burstLimit: 200 },
    maxPayloadBytes: 262_144,
    accessLogRetentionDays: 30,
  },
  alarms: {},
  // Chat targets for alarms. Each names a Secrets Manager secret holding the URL, e.g.
  // { name: 'ops', kind: 'slack', secretName: 'taskpipe/webhooks/ops' }.
  webhooks: [],
  // Recurring tasks, e.g.
  // { name: 'heartbeat', expression: 'rate(15 minutes)', type: 'noop', priority: 'low' },
  // { name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Berlin', ... }.
  schedules: [],
} satisfies PipelineDefinitionInput;

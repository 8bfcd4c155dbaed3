import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TrackingLevel } from '../../functions/core/task.js';
import type { SqsHandler } from '../../local/esm/EventSourcePoller.js';
import type { BenchQueue } from '../benchBackend.js';
import { createVariant } from '../consumers.js';
import { plainConsumer } from './plainConsumers.js';

/** What the parent tells one counted process (as JSON in TASKPIPE_CG_JOB). */
export interface SteadyJob {
  consumer: 'ours' | 'plain';
  level: TrackingLevel;
  batchSize: number;
  warmupBatches: number;
  batches: number;
  endpoints: { sqs: string; dynamodb: string };
  tableName: string;
  route: BenchQueue;
}

const VARIANT = { full: 'ours', terminal: 'oursTerminal', failures: 'oursFailures' } as const;

/** The consumer a counted process runs: ours at the job's level, or the plain baseline. */
export function steadyHandler(
  job: Pick<SteadyJob, 'consumer' | 'level' | 'tableName' | 'route'>,
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient },
): SqsHandler {
  return job.consumer === 'plain'
    ? plainConsumer(job.level, clients.dynamodb, job.tableName, 10)
    : createVariant(VARIANT[job.level], {
        clients,
        tableName: job.tableName,
        idempotencyTable: `${job.tableName}-unused`,
        route: job.route,
        recordConcurrency: 10,
      });
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { TrackingLevel } from '../../functions/core/task.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/clients.js';
import type { SqsHandler } from '../../local/esm/EventSourcePoller.js';
import { lambdaContext } from '../../local/esm/lambdaContext.js';
import type { BenchQueue } from '../benchBackend.js';
import { createVariant } from '../consumers.js';
import { freshBatch } from '../consumerTime.js';
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

// Runs under callgrind in its own process; the emulators are in the parent's, so only this
// consumer's work is counted. Two runs that differ only in `batches` give the work per batch.
const job = JSON.parse(process.env.TASKPIPE_CG_JOB ?? '') as SteadyJob;
const common = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
const dynamodb = new DynamoDBClient({ ...common, endpoint: job.endpoints.dynamodb });
const sqs = new SQSClient({ ...common, endpoint: job.endpoints.sqs });
const handler: SqsHandler =
  job.consumer === 'plain'
    ? plainConsumer(job.level, dynamodb, job.tableName, 10)
    : createVariant(VARIANT[job.level], {
        clients: { sqs, dynamodb },
        tableName: job.tableName,
        idempotencyTable: `${job.tableName}-unused`,
        route: job.route,
        recordConcurrency: 10,
      });
for (let i = 0; i < job.warmupBatches + job.batches; i++) {
  const response = await handler(
    freshBatch(job.batchSize, job.route.arn),
    // Lambda's longest deadline: under callgrind a batch of 100 can take minutes.
    lambdaContext('bench-cg', Date.now() + 900_000),
  );
  if (response.batchItemFailures.length) {
    throw new Error(`${job.consumer} ${job.level} failed ${response.batchItemFailures.length}`);
  }
}
dynamodb.destroy();
sqs.destroy();

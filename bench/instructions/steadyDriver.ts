import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/clients.js';
import { lambdaContext } from '../../local/esm/lambdaContext.js';
import { freshBatch } from '../consumerTime.js';
import { type SteadyJob, steadyHandler } from './steadyHandler.js';

// Runs under callgrind in its own process; the emulators are in the parent's, so only this
// consumer's work is counted. Two runs that differ only in `batches` give the work per batch.
const job = JSON.parse(process.env.TASKPIPE_CG_JOB ?? '') as SteadyJob;
const common = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
const dynamodb = new DynamoDBClient({ ...common, endpoint: job.endpoints.dynamodb });
const sqs = new SQSClient({ ...common, endpoint: job.endpoints.sqs });
const handler = steadyHandler(job, { sqs, dynamodb });
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
